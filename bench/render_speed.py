"""In-process render speed: a 30-slide deck mixing every kind, median slides/s.

Run:  .venv/bin/python bench/render_speed.py [--runs 15]
Target (issue 2): >= 100 slides/s in-process.  Prints the figures and the
ratio to the target.  The first (cold) run is reported apart: it loads fonts
and the template.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bcgslides.settings")

TARGET_SLIDES_PER_SECOND = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    import django

    django.setup()
    import deck30
    from generator.render import render
    from generator.spec import load_spec

    spec = load_spec(deck30.deck())
    timings, slide_count = [], 0
    for run in range(args.runs + 1):
        started = time.perf_counter()
        prs = render(spec)
        prs.save(io.BytesIO())
        elapsed = time.perf_counter() - started
        slide_count = len(prs.slides)
        if run == 0:
            cold = elapsed
        else:
            timings.append(elapsed)
    median = statistics.median(timings)
    rate = slide_count / median
    print(f"deck: {slide_count} slides, {len(spec.slides)} in the spec, every kind")
    print(f"cold run (fonts, template): {cold * 1000:.0f} ms")
    print(f"median of {args.runs} runs: {median * 1000:.1f} ms "
          f"(min {min(timings) * 1000:.1f}, max {max(timings) * 1000:.1f})")
    print(f"in-process: {rate:.0f} slides/s; target {TARGET_SLIDES_PER_SECOND} slides/s; "
          f"ratio {rate / TARGET_SLIDES_PER_SECOND:.2f}x the target")


if __name__ == "__main__":
    main()
