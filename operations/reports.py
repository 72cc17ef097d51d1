"""Reports written to REPORT_DIR as `<kind>_report_<timestamp>.json`, atomically."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from generator import atomic


def write(kind: str, data: dict) -> Path:
    """Save `data` as REPORT_DIR/<kind>_report_<YYYYmmdd_HHMMSS>.json and return the path.

    Written to a temporary name and renamed, so a reader never sees half a report.
    """
    directory = Path(settings.REPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d_%H%M%S")
    path = directory / f"{kind}_report_{stamp}.json"
    counter = 1
    while path.exists():  # two reports in one second keep both
        path = directory / f"{kind}_report_{stamp}_{counter}.json"
        counter += 1
    with atomic.writing_atomically(path, mode=0o600) as handle:
        handle.write(json.dumps(data, indent=2, ensure_ascii=False, default=str).encode("utf-8"))
    return path
