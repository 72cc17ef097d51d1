"""Whole-process `manage.py generate` against `pandoc` on the same Markdown.

Run:  .venv/bin/python bench/generate_vs_pandoc.py [--runs 7]
Each input is converted by both tools as a fresh process (median wall time
of N runs after one warm-up); the ratio ours/pandoc is printed per file.
Target (issue 2): ours no slower than 1.5x pandoc.

Inputs: the corpus Markdown (tests/corpus/markdown/*.md), our examples
(examples/every-kind.*.md, which pandoc renders as plain slides), and the
corpus deck repeated 10x to show how both scale.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
TARGET_RATIO = 1.5


def _time(cmd: list[str], runs: int, env: dict | None = None) -> float:
    subprocess.run(cmd, check=True, capture_output=True, env=env)  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _inputs(workdir: Path) -> list[Path]:
    files = sorted((ROOT / "tests" / "corpus" / "markdown").glob("*.md"))
    files += sorted((ROOT / "examples").glob("every-kind.*.md"))
    corpus = files[0].read_text(encoding="utf-8")
    front, body = corpus.split("---\n", 2)[1:]
    big = workdir / "corpus-x10.md"
    big.write_text(f"---\n{front}---\n" + body * 10, encoding="utf-8")
    return files + [big]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    pandoc = shutil.which("pandoc")
    if not pandoc:
        sys.exit("pandoc is not installed (bin/setup --test installs it)")
    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout
    print(f"peer: {version.splitlines()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = {"DATA_DIR": str(workdir / "data"), "PATH": "/usr/bin:/bin",
               "DJANGO_SETTINGS_MODULE": "bcgslides.settings"}
        subprocess.run([str(PYTHON), "manage.py", "migrate", "-v0"], cwd=ROOT, check=True,
                       env=env)
        print(f"{'input':<28}{'ours (s)':>10}{'pandoc (s)':>12}{'ratio':>8}")
        for source in _inputs(workdir):
            ours = _time([str(PYTHON), str(ROOT / "manage.py"), "generate", str(source), "-o",
                          str(workdir / "ours.pptx")], args.runs, env)
            theirs = _time([pandoc, str(source), "-o", str(workdir / "pandoc.pptx")], args.runs)
            print(f"{source.name:<28}{ours:>10.3f}{theirs:>12.3f}{ours / theirs:>8.2f}")
    print(f"target: ratio <= {TARGET_RATIO}")


if __name__ == "__main__":
    main()
