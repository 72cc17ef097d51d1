"""Design learning throughput across the corpus, and peak memory on the largest file.

Run:  .venv/bin/python bench/learn_throughput.py [--runs 5]
Each run learns every .pptx in tests/corpus/pptx/ into a fresh database (the
real path: safe intake, extraction, rows); slides/s is total slides over the
run's wall time, median of the runs.  Peak RSS is measured in a separate
process that learns only the largest file.  Targets (issue 3): >= 50 slides/s,
peak RSS < 500 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "pptx"


def _setup(data_dir: str) -> None:
    # without the layout pictures (bench/layout_pictures.py measures what they add)
    os.environ.update(DJANGO_SETTINGS_MODULE="bcgslides.settings", DATA_DIR=data_dir,
                      PREVIEWS_ENABLED="false")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _run_once() -> tuple[float, int]:
    from generator.learning.learn import learn_design
    from generator.models import DesignAsset

    DesignAsset.objects.all().delete()
    files = sorted(CORPUS.glob("*.pptx"))
    started = time.perf_counter()
    slides = sum(learn_design(path=path).slide_count for path in files)
    return time.perf_counter() - started, slides


def peak_rss(path: Path) -> float:
    """MB of peak resident memory of a process that learns `path` (after Django setup)."""
    script = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
              "from bench.learn_throughput import _setup; import tempfile; "
              "_setup(tempfile.mkdtemp()); from generator.learning.learn import learn_design; "
              f"learn_design(path=__import__('pathlib').Path({str(path)!r})); "
              # VmHWM: this process's own peak (ru_maxrss counts the parent's before exec)
              "print([l.split()[1] for l in open('/proc/self/status') "
              "if l.startswith('VmHWM:')][0])")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.strip().splitlines()[-1]
    return int(out) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    _setup(tempfile.mkdtemp(prefix="bcgslides-bench-"))
    _run_once()  # warm-up (imports, font metrics)
    rates, slides = [], 0
    for _ in range(args.runs):
        elapsed, slides = _run_once()
        rates.append(slides / elapsed)
    files = sorted(CORPUS.glob("*.pptx"))
    largest = max(files, key=lambda p: p.stat().st_size)
    rss = peak_rss(largest)
    big, big_rate = _big_deck()
    big_rss = peak_rss(big)
    print(f"corpus: {len(files)} decks, {slides} slides (layouts are learned too)")
    print(f"learning: median {statistics.median(rates):.0f} slides/s over {args.runs} runs "
          f"(min {min(rates):.0f}, max {max(rates):.0f}); target >= 50 -> ratio "
          f"{statistics.median(rates) / 50:.1f}x")
    print(f"peak RSS learning the largest file ({largest.name}, "
          f"{largest.stat().st_size / 1024:.0f} KB): {rss:.0f} MB; target < 500 MB")
    print(f"a generated 180-slide deck with charts and tables "
          f"({big.stat().st_size / 1024:.0f} KB): {big_rate:.0f} slides/s, peak RSS "
          f"{big_rss:.0f} MB")


def _big_deck() -> tuple[Path, float]:
    """Learn a 180-slide deck (bench/deck30 six times over) made by our renderer."""
    sys.path.insert(0, str(ROOT / "bench"))
    import deck30

    from generator.learning.learn import learn_design
    from generator.render import render_to_file
    from generator.spec import load_spec

    data = deck30.deck()
    data["slides"] = data["slides"] * 6
    path = Path(tempfile.mkdtemp()) / "big.pptx"
    render_to_file(load_spec(data), path)
    started = time.perf_counter()
    asset = learn_design(path=path)
    return path, asset.slide_count / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
