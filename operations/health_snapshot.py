"""The last health report of this host, kept so that `/api/health` costs a file stat.

Running every probe (a database query, a cache write, a file written and read
back, the queue's counts) on each request made the endpoint five times slower
than a plain JSON view and let anyone load the database through it.  The
report is now kept in `DATA_DIR/cache/health_snapshot.json` (written to a
temporary name and renamed, so a reader never sees half of one) and served
from there; the first request that finds it older than
`HEALTH_SNAPSHOT_SECONDS` runs the checks again while every other request goes
on serving the previous report.  Only one refresh runs at a time on a host: a
lock in the process, then an flock on `health_snapshot.lock` across processes
(the kernel releases it when a process dies mid-refresh, so no lock outlives
its holder).  Each process keeps the report it last parsed, keyed on the
file's identity, so most requests read no file at all.

A file beside the data, not the shared cache: disk and memory are facts of one
host, and on PostgreSQL + Redis several hosts would otherwise serve each
other's figures.  On a disk too full to take the file, the refreshing process
keeps its report in memory and serves that.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import threading
import time
from pathlib import Path

from django.conf import settings

from generator import atomic
from operations import health

logger = logging.getLogger(__name__)

NAME = "health_snapshot.json"
# A refresh still running after this long has hung (every probe gives up within about ten
# seconds): the previous report is then served as unhealthy, not as it was.
HUNG_AFTER_SECONDS = 60.0
# The very first report: how long a request waits for another process's refresh.
FIRST_WAIT_SECONDS = 15.0

_in_process = threading.Lock()
_parsed: tuple[tuple, dict] | None = None  # (the file's identity, its report)
_started: float | None = None  # when this process's refresh in progress began
_unreadable: tuple | None = None  # the snapshot that could not be read, warned about once
_own: tuple[str, dict] | None = None  # (the file, the last report this process could not save)


def max_age() -> float:
    """Seconds a report is served before the next request refreshes it."""
    return float(settings.HEALTH_SNAPSHOT_SECONDS)


def current() -> dict:
    """The latest report, refreshed first when it is stale and no one else is at it;
    with `age_seconds`, how long ago its checks ran."""
    report = latest()
    if report is not None and fresh(report):
        return aged(report)
    refreshed = _refresh_unless_busy()
    if refreshed is not None:
        return aged(refreshed)
    if report is None:  # the very first report is on its way: wait for it
        return aged(_wait_for_first())
    running = _refresh_running_for(report)
    return aged(_hung(report, running) if running > HUNG_AFTER_SECONDS else report)


def refresh() -> dict:
    """Run every check now, keep the report for everyone, and return it."""
    global _own
    report = health.run_checks()
    report["checked_at"] = time.time()
    try:
        _save(report)
        _own = None
    except OSError as exc:  # a full disk: this process serves its own copy meanwhile
        logger.warning("the health snapshot could not be saved: %s", health.failure_words(exc))
        _own = (str(_path()), report)
    return report


def latest() -> dict | None:
    """The newest report this host has: the saved one or this process's own."""
    global _parsed, _unreadable
    saved, identity = None, None
    path = _path()
    try:
        info = path.stat()
        identity = (str(path), info.st_ino, info.st_mtime_ns, info.st_size)
        if _parsed is not None and _parsed[0] == identity:
            saved = _parsed[1]
        else:
            saved = json.loads(path.read_bytes())
            _parsed = (identity, saved)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:  # unreadable or cut short: refreshed as if stale
        if _unreadable != (identity, exc.__class__):  # once, not on every request
            logger.warning("the health snapshot could not be read: %s", health.failure_words(exc))
            _unreadable = (identity, exc.__class__)
    own = _own[1] if _own is not None and _own[0] == str(path) else None
    candidates = [r for r in (saved, own) if r is not None and "checked_at" in r]
    return max(candidates, key=lambda r: r["checked_at"], default=None)


# -- helpers ------------------------------------------------------------------------------------
def _path() -> Path:
    return Path(settings.DATA_DIR) / "cache" / NAME


def _age(report: dict) -> float:
    return time.time() - report["checked_at"]


def fresh(report: dict) -> bool:
    # a report from the future (the clock was set back) is stale, not fresh for hours
    return 0.0 <= _age(report) <= max_age()


def aged(report: dict) -> dict:
    """`report` with `age_seconds`, how long ago its checks ran."""
    return {**report, "age_seconds": round(max(0.0, _age(report)), 1)}


def _refresh_unless_busy() -> dict | None:
    """A fresh report if this caller may refresh; None while another one does."""
    global _started
    if not _in_process.acquire(blocking=False):
        return None
    try:
        with _host_lock() as mine:
            if not mine:
                return None
            report = latest()  # refreshed by another process since we looked?
            if report is not None and fresh(report):
                return report
            _started = time.time()
            return refresh()
    finally:
        _started = None
        _in_process.release()


def _refresh_running_for(report: dict) -> float:
    """Seconds the refresh now in progress has run; 0 when none seems to be stuck.

    In this process, from its own clock; in another, from the lock file's mtime, which
    the holder sets on taking the lock.  An mtime older than `report` belongs to the
    refresh that made it (the next holder has not set its own yet), not to a hung one.
    """
    if _started is not None:
        return time.time() - _started
    try:
        began = _path().with_suffix(".lock").stat().st_mtime
    except OSError:
        return 0.0
    return time.time() - began if began > report["checked_at"] else 0.0


@contextlib.contextmanager
def _host_lock():
    """Yields True when this process holds the host's refresh lock, False when another
    does.  A lock file that cannot even be created (a full or read-only disk) leaves the
    in-process lock alone to keep refreshes one at a time."""
    try:
        _path().parent.mkdir(parents=True, exist_ok=True)
        handle = open(_path().with_suffix(".lock"), "a+b")  # noqa: SIM115 (held below)
    except OSError:
        yield True
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        with contextlib.suppress(OSError):
            os.utime(handle.fileno())  # when this refresh began, for _refresh_running_for
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _wait_for_first() -> dict:
    deadline = time.monotonic() + FIRST_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)
        report = latest() or _refresh_unless_busy()
        if report is not None:
            return report
    return refresh()  # whoever holds the lock hung: check here rather than never answer


def _hung(report: dict, running: float) -> dict:
    checks = {**report["checks"], "snapshot": {
        "status": health.UNHEALTHY,
        "error": f"the health checks have been running for {int(running)} seconds"}}
    return {**report, "status": health.overall([c["status"] for c in checks.values()]),
            "checks": checks}


def _save(report: dict) -> None:
    with atomic.writing_atomically(_path(), mode=0o600) as handle:
        handle.write(json.dumps(report, ensure_ascii=False, default=str).encode())
