"""Restyle speed: slides restyled per second (read + render + lint, in-process) on the corpus
decks, and a 50-slide deck end to end through `manage.py restyle`.

Run:  .venv/bin/python bench/restyle.py [--runs 5]
The 50-slide source deck is made by rendering deck30's slides (every kind and chart type)
and repeating them to 50, so it holds native charts, tables and text as a real deck
does; it is then restyled as any uploaded deck: safe intake, reading, rendering, lint,
recording.  Everything is written into a scratch DATA_DIR.
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
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bcgslides.settings")


def _corpus() -> list[Path]:
    from pptx import Presentation

    found = sorted((ROOT / "tests/corpus/pptx").glob("*.pptx")) + sorted(
        (ROOT / "tests/corpus/templates").glob("*.pptx"))
    return [p for p in found if len(Presentation(str(p)).slides)]


def _restyle_in_process(paths: list[Path], work: Path) -> tuple[int, int]:
    """(source slides, restyled slides) of one pass over `paths` (read, render, lint)."""
    from generator.reading.deck_reader import read_upload
    from generator.design import default_design
    from generator.lint import lint_file
    from generator.render import render_to_file

    read_slides = written = 0
    for index, path in enumerate(paths):
        folder = work / f"p{index}"
        read = read_upload(path, folder, filename=path.name, regions=False)
        out = work / f"out{index}.pptx"
        result = render_to_file(read.spec, out, default_design(), base_dir=folder)
        lint_file(out)
        from pptx import Presentation

        read_slides += len(Presentation(str(path)).slides)
        written += result.slide_count
    return read_slides, written


def _deck50(target: Path) -> int:
    import deck30
    from generator.render import render_to_file
    from generator.spec import load_spec

    slides = deck30.slides()
    body = [s for s in slides if s["kind"] != "cover"]
    repeated = [slides[0]] + [body[i % len(body)] for i in range(49)]
    return render_to_file(load_spec({"title": "Fifty", "slides": repeated}), target).slide_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-restyle-") as scratch:
        os.environ["DATA_DIR"] = str(Path(scratch) / "data")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        paths = _corpus()
        timings = []
        for run in range(args.runs + 1):
            with tempfile.TemporaryDirectory(dir=scratch) as work:
                started = time.perf_counter()
                source_slides, written = _restyle_in_process(paths, Path(work))
                elapsed = time.perf_counter() - started
            if run:
                timings.append(elapsed)
        median = statistics.median(timings)
        print(f"corpus: {len(paths)} decks, {source_slides} slides -> {written} restyled slides")
        print(f"in-process (intake, read, render, lint), median of {args.runs}: "
              f"{median:.2f} s = {source_slides / median:.1f} source slides/s "
              f"({written / median:.1f} written slides/s)")

        deck = Path(scratch) / "deck50.pptx"
        count = _deck50(deck)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        ends = []
        for _run in range(3):
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), "restyle", str(deck), "-o",
                 str(Path(scratch) / "out50.pptx")], env=env, capture_output=True, text=True)
            ends.append(time.perf_counter() - started)
            if done.returncode != 0:
                raise SystemExit(done.stderr)
        print(f"50-slide deck ({count} slides, every kind) end to end, manage.py restyle "
              f"(process start, intake, read, render, lint, record): median of 3 "
              f"{statistics.median(ends):.2f} s (min {min(ends):.2f}, max {max(ends):.2f})")
        print(done.stdout.strip().splitlines()[1])


if __name__ == "__main__":
    main()
