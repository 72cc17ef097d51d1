"""Health checks with three levels, on top of django-health-check's probes.

django-health-check 4.8 knows only "working" and "failing" (a warning fails
too), so the probes it does well — database, cache, storage — run through
its `HealthCheck.get_result`, and our runner adds the checks with thresholds
(disk, memory, logs, OpenAI cost, task queue) and the levels the manual uses:
healthy < warning < unhealthy < critical.  `/api/health` answers 200 for
healthy or warning and 503 otherwise (from the host's snapshot of these
reports, operations.health_snapshot; statuses only unless staff ask);
`manage.py healthcheck` exits 0, 2, 1.  No message in a report names a path,
a host, an endpoint or a bucket: the log says where.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import shutil
import time
from datetime import timedelta
from pathlib import Path
from typing import Callable

import psutil
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from health_check.checks import Cache, Database, Storage
from health_check.exceptions import HealthCheckException, ServiceUnavailable

from generator.decks import liveness
from generator.files import REFUSED_CODES, UNREACHABLE_KINDS  # one list of each
from generator.files import describe_failure, quick_storage
from generator.llm.usage import month_spent, spent_since
from generator.models import DesignAsset, GeneratedPresentation
from operations import journal, logtail, queue

logger = logging.getLogger(__name__)

HEALTHY, WARNING, UNHEALTHY, CRITICAL = "healthy", "warning", "unhealthy", "critical"
_RANK = {HEALTHY: 0, "missing": 0, WARNING: 1, UNHEALTHY: 2, CRITICAL: 3}


def overall(statuses: list[str]) -> str:
    """The worst status among `statuses` (critical beats unhealthy beats warning)."""
    return max(statuses, key=lambda s: _RANK.get(s, 2), default=HEALTHY)


def exit_code(status: str) -> int:
    """The healthcheck command's contract: 0 healthy, 2 warning, 1 unhealthy or critical."""
    return {HEALTHY: 0, WARNING: 2}.get(status, 1)


def http_status(status: str) -> int:
    return 200 if status in (HEALTHY, WARNING) else 503


def _threshold(used: float, warning: float, critical: float) -> str:
    if used > critical:
        return CRITICAL
    if used > warning:
        return WARNING
    return HEALTHY


# -- probes from django-health-check ------------------------------------------------------
@dataclasses.dataclass
class SharedFilesProbe(Storage):
    """django-health-check's storage probe (save, read back, delete a small file) on the
    default storage: DATA_DIR, or the bucket of MEDIA_STORAGE_URL through the very client
    the app uses.  A failure is told plainly ("refused the credentials", "cannot be
    reached"), not as the library's "unknown error", and never with a secret, a path, an
    endpoint or a bucket name in it: the report may reach anyone who asks."""

    # two requests at most when the store is down, each given up within seconds
    timeout = timedelta(seconds=10)

    @property
    def storage(self):
        return quick_storage()

    def run(self):
        try:
            super().run()
        except HealthCheckException:
            raise
        except Exception as exc:
            # the where, for the log only (the report may reach anyone)
            logger.warning("shared files probe: %s", describe_failure(exc))
            raise ServiceUnavailable(shared_files_failure(exc)) from None


def shared_files_failure(exc: BaseException) -> str:
    """What went wrong with the shared files, without saying where they are."""
    return f"the shared files cannot be written: {_store_reason(exc)}"


def _store_reason(exc: BaseException) -> str:
    code = (getattr(exc, "response", None) or {}).get("Error", {}).get("Code")
    kind = exc.__class__.__name__
    if code in REFUSED_CODES:
        return f"the file store refused the credentials ({code})"
    if code == "NoSuchBucket":
        return "the bucket does not exist"
    if code:
        return f"the file store answered {code}"
    if kind == "NoCredentialsError":
        return "no credentials for the file store"
    if kind in UNREACHABLE_KINDS:
        return f"the file store cannot be reached ({kind})"
    if isinstance(exc, OSError) and exc.strerror:  # strerror alone: the filename stays out
        return exc.strerror
    return kind


# The library's own messages may hold a host ("connection to server at ..."); the report
# says what failed in fixed words, and the library's message goes to the log only.
_PROBE_FAILURES = {"database": "the database cannot be reached",
                   "cache": "the cache cannot be written"}


def database_probe() -> Database:
    """django-health-check's database probe (SELECT 1 on the default connection); `run()`
    raises `ServiceUnavailable` from the driver's error.  Preflight runs it too."""
    return Database()


def _library_probes() -> dict[str, dict]:
    probes = {"database": database_probe(), "cache": Cache(), "storage": SharedFilesProbe()}

    async def gather():
        try:
            return await asyncio.gather(*(probe.get_result() for probe in probes.values()))
        finally:
            # The async cache probe queries from asgiref's long-lived thread: close what it
            # opened there, or that thread holds a database connection for the life of the
            # process (on SQLite an idle WAL connection that a restore then trips over).
            await sync_to_async(connections.close_all, thread_sensitive=True)()

    results = asyncio.run(gather())
    report = {}
    for name, result in zip(probes, results):
        entry = {"status": HEALTHY if result.error is None else UNHEALTHY,
                 "response_time": round(result.time_taken, 4)}
        if result.error is not None:
            entry["error"] = _probe_error(name, result.error)
        report[name] = entry
    return report


def _probe_error(name: str, error: Exception) -> str:
    message = str(getattr(error, "message", "") or error)
    if name == "storage":
        return message  # SharedFilesProbe's words, or the library's fixed ones
    fixed = _PROBE_FAILURES[name]
    return f"{fixed} ({message.lower()})" if message.startswith("Timed out") else fixed


def _database_details() -> dict:
    details = {"asset_count": DesignAsset.objects.count(),
               "presentation_count": GeneratedPresentation.objects.count()}
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        size = path.stat().st_size if path.is_file() else 0
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
    details["size_mb"] = round(size / 1024 / 1024, 2)
    return details


# -- our checks ---------------------------------------------------------------------------------
def disk_used_percent(usage) -> float:
    """df's Use%: used / (used + free), with `free` the space left to an ordinary user.

    The manual's used / total counts the blocks reserved for root as free, so a disk
    with no space left for the app could read 95 % (or, with a large reserve, healthy);
    here a disk the app cannot write to any more reads 100 %."""
    usable = usage.used + usage.free
    return usage.used / usable * 100 if usable else 100.0


def data_disk_usage():
    """The data disk's total, used and free bytes (free: what an ordinary user may write);
    preflight reads it too."""
    return shutil.disk_usage(settings.DATA_DIR)


def check_disk() -> dict:
    usage = data_disk_usage()
    used = disk_used_percent(usage)
    return {"status": _threshold(used, settings.HEALTH_DISK_WARNING_PERCENT,
                                 settings.HEALTH_DISK_CRITICAL_PERCENT),
            "free_gb": round(usage.free / 1024**3, 2), "total_gb": round(usage.total / 1024**3, 2),
            "used_percent": round(used, 2)}


def check_memory() -> dict:
    memory = psutil.virtual_memory()
    return {"status": _threshold(memory.percent, settings.HEALTH_MEMORY_WARNING_PERCENT,
                                 settings.HEALTH_MEMORY_CRITICAL_PERCENT),
            "used_percent": memory.percent,
            "available_gb": round(memory.available / 1024**3, 2),
            "total_gb": round(memory.total / 1024**3, 2)}


def check_log_file(path: Path) -> dict:
    """Size and ERROR lines among the last 100 (read from the end, never the whole file)."""
    if not path.exists():
        return {"status": "missing", "error": "File not found"}
    size_mb = path.stat().st_size / 1024**2
    errors = logtail.count_errors(path, 100)
    status = WARNING if errors > 10 or size_mb > settings.HEALTH_LOG_WARNING_MB else HEALTHY
    return {"status": status, "size_mb": round(size_mb, 2), "recent_errors": errors}


def check_logs() -> dict:
    files = {name: check_log_file(Path(settings.LOG_DIR) / name)
             for name in ("app.log", "app_error.log")}
    return {"status": overall([f["status"] for f in files.values()]), "files": files}


def check_api_costs() -> dict:
    """This month's and today's OpenAI cost from the ApiUsage rows (never from log text)."""
    now = timezone.localtime()
    monthly = month_spent(now)
    daily = spent_since(now.replace(hour=0, minute=0, second=0, microsecond=0))
    status = _threshold(float(monthly), settings.API_COST_WARNING_JPY, settings.API_COST_LIMIT_JPY)
    return {"status": status, "daily_cost_jpy": round(float(daily), 2),
            "monthly_cost_jpy": round(float(monthly), 2),
            "monthly_limit_jpy": settings.API_COST_WARNING_JPY,
            "hard_limit_jpy": settings.API_COST_LIMIT_JPY}


def check_task_queue() -> dict:
    facts = queue.stats()
    status = HEALTHY
    if facts["clusters"] == 0:
        status = WARNING  # queued decks would wait forever
        facts["error"] = "no qcluster worker is running"
    elif facts["queue_size"] > settings.HEALTH_QUEUE_BACKLOG_WARNING:
        status = WARNING
    return {"status": status, **facts}


def check_stale_decks() -> dict:
    """Decks whose worker went silent (generator.decks.liveness): the recovery schedule queues
    them again within a minute, so any seen here mean that schedule is not running."""
    stuck = [row.pk for row in liveness.stalled()]
    return {"status": WARNING if stuck else HEALTHY, "stuck_running": len(stuck),
            "ids": stuck[:20]}


def check_restore() -> dict:
    """Critical while a restore killed part-way is unfinished (operations.journal)."""
    return journal.health()


CHECKS: dict[str, Callable[[], dict]] = {
    "disk_space": check_disk,
    "memory": check_memory,
    "logs": check_logs,
    "api_costs": check_api_costs,
    "task_queue": check_task_queue,
    "decks": check_stale_decks,
    "restore": check_restore,
}


def run_checks() -> dict:
    """Every check; returns the report (status, timestamp, duration, checks)."""
    started = time.perf_counter()
    checks: dict[str, dict] = {}
    try:
        checks.update(_library_probes())
    except Exception as exc:  # the probes themselves could not run
        logger.exception("health probes failed")
        checks["database"] = {"status": UNHEALTHY, "error": exc.__class__.__name__}
    if checks.get("database", {}).get("status") == HEALTHY:
        checks["database"].update(_safe(_database_details))
    for name, check in CHECKS.items():
        checks[name] = _safe(check)
    status = overall([entry["status"] for entry in checks.values()])
    return {"status": status, "timestamp": timezone.localtime().isoformat(),
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "version": settings.APP_VERSION, "checks": checks}


def _safe(check: Callable[[], dict]) -> dict:
    try:
        return check()
    except Exception as exc:
        logger.exception("health check %s failed", getattr(check, "__name__", check))
        return {"status": UNHEALTHY, "error": failure_words(exc)}


def failure_words(exc: BaseException) -> str:
    """An exception in words that hold no path, host or query: its kind, and for an
    operating-system error its reason ("No space left on device").  The log keeps the rest."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else None
    return f"{exc.__class__.__name__}: {reason}" if reason else exc.__class__.__name__


# Shown to anyone: the levels, and when they were taken.  Counts, spend, sizes, versions and
# messages are for staff (a failing check's message may name what is down and why).
PUBLIC_FIELDS = ("status", "timestamp", "age_seconds")


def public_view(report: dict) -> dict:
    """`report` with the overall status and one status per check, nothing else."""
    view = {key: report[key] for key in PUBLIC_FIELDS if key in report}
    view["checks"] = {name: {"status": entry["status"]}
                      for name, entry in report["checks"].items()}
    return view
