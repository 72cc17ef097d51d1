"""Housekeeping: old reports, old rotated logs, expired cache entries."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings

from generator.llm import reply_cache


def _prune(directory: Path, pattern: str, keep_days: int) -> list[str]:
    cutoff = time.time() - keep_days * 86400
    removed = []
    for path in directory.glob(pattern):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def prune_reports(keep_days: int | None = None) -> list[str]:
    """Delete health and performance reports older than REPORT_RETENTION_DAYS."""
    days = keep_days if keep_days is not None else settings.REPORT_RETENTION_DAYS
    return _prune(Path(settings.REPORT_DIR), "*_report_*.json", days)


def prune_logs(keep_days: int | None = None) -> list[str]:
    """Delete rotated log files (app.log.1, ...) older than LOG_RETENTION_DAYS.

    The live logs are rotated by their handler at LOG_MAX_BYTES; only the
    rotated copies age out here.
    """
    days = keep_days if keep_days is not None else settings.LOG_RETENTION_DAYS
    return _prune(Path(settings.LOG_DIR), "*.log.*", days)


def clear_expired_cache() -> int:
    return reply_cache.clear_expired()
