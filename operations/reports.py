"""Reports written to REPORT_DIR as `<kind>_report_<timestamp>.json`, atomically."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone


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
    fd, tmp = tempfile.mkstemp(prefix=f".{kind}-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False, default=str)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
