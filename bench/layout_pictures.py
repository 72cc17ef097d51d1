"""The time layout pictures add to learning a template.

Run:  .venv/bin/python bench/layout_pictures.py [TEMPLATE.pptx ...]
For each template (default: tests/corpus/templates/*.pptx) the patterns are
extracted twice: with PREVIEWS_ENABLED off (XML only: the colour map and the
background fill) and on (the used layouts rendered empty by LibreOffice and
sampled).  Prints seconds for each and the difference, which is what the
pictures cost at learn time (one LibreOffice run per template).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> None:
    os.environ.update(DJANGO_SETTINGS_MODULE="bcgslides.settings",
                      DATA_DIR=tempfile.mkdtemp(prefix="bench-layout-pictures-"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    from generator.learning.learn import extract

    templates = [Path(a) for a in argv] or sorted((ROOT / "tests/corpus/templates").glob("*.pptx"))
    print(f"{'template':52} {'xml s':>7} {'pictures s':>10} {'added s':>8} layouts")
    total_added = 0.0
    for path in templates:
        timings, probed = [], 0
        for pictures in (False, True):
            settings.PREVIEWS_ENABLED = pictures
            started = time.perf_counter()
            patterns = extract(path)
            timings.append(time.perf_counter() - started)
            probed = sum(1 for p in patterns if p["type"] == "layout"
                         and p["data"].get("probe", {}).get("source") == "picture")
        added = timings[1] - timings[0]
        total_added += added
        print(f"{path.name[:52]:52} {timings[0]:7.2f} {timings[1]:10.2f} {added:8.2f} {probed}")
    print(f"mean time added per template: {total_added / max(len(templates), 1):.2f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
