"""Who runs a deck, and whether that worker is still alive: detection only.

A worker that claims a deck (`lifecycle.claim`) writes its identity (host and pid,
`generator.worker_identity`) on the row, then a heartbeat every `DECK_HEARTBEAT_SECONDS`
while it works (`heartbeat`).  A worker killed outright (SIGKILL, the OOM killer, a lost
host) runs no hook and leaves its row `running`; `presumed_dead()` finds such rows by
their silent heartbeat (or at once, on the same host, by the dead pid), and
`lifecycle.recover_stalled` — a schedule every minute, on whichever cluster picks it up —
queues them again or fails them.  A worker finishes only a row it still owns (`owned`),
so a deck presumed dead that was in fact only slow can never be recorded twice.
"""

from __future__ import annotations

import logging
import socket
import threading
from contextlib import contextmanager
from datetime import timedelta

import psutil
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from generator.models import GeneratedPresentation

logger = logging.getLogger(__name__)
Status = GeneratedPresentation.Status


def owned(presentation_id: int, worker: str):
    """The row of `presentation_id` while `worker` still runs it (a queryset, maybe empty)."""
    return GeneratedPresentation.objects.filter(pk=presentation_id, status=Status.RUNNING,
                                                worker=worker)


@contextmanager
def heartbeat(presentation_id: int, worker: str, *, interval: float | None = None):
    """Beat for the row while the block runs, from a thread of its own.

    The thread uses its own database connection and closes it; a failed beat
    is logged and retried at the next interval (a missed beat is harmless,
    only a silence of several is taken for death).
    """
    every = settings.DECK_HEARTBEAT_SECONDS if interval is None else interval
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    owned(presentation_id, worker).update(heartbeat_at=timezone.now())
                except Exception:  # a locked or lost database: try again next time
                    logger.warning("heartbeat of deck %s failed", presentation_id,
                                   exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"heartbeat-{presentation_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def _dead_here(row: GeneratedPresentation) -> bool:
    """True when `row`'s worker ran on this host and its process is gone: no such pid, a
    zombie its parent has not reaped yet, or a newer process that reused the pid."""
    host, _, pid = row.worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        process = psutil.Process(int(pid))
        if process.status() == psutil.STATUS_ZOMBIE:
            return True
        claimed = row.started_at.timestamp() if row.started_at else None
        return claimed is not None and process.create_time() > claimed + 1
    except psutil.NoSuchProcess:
        return True


def stalled(now=None) -> list[GeneratedPresentation]:
    """Running rows whose worker is presumed dead: silent past `DECK_STALL_SECONDS`, or
    on this host with its process gone."""
    return [row for row, _certain in presumed_dead(now)]


def presumed_dead(now=None) -> list[tuple[GeneratedPresentation, bool]]:
    """`stalled()` with, for each row, whether its death is certain (`_dead_here`): its
    calls in flight will then never settle."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.DECK_STALL_SECONDS)
    running = GeneratedPresentation.objects.filter(status=Status.RUNNING).order_by("pk")
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff) \
        | Q(heartbeat_at__isnull=True, started_at__isnull=True)
    silent_ids = set(running.filter(silent).values_list("pk", flat=True))
    found = []
    for row in running:
        certain = _dead_here(row)
        if certain or row.pk in silent_ids:
            found.append((row, certain))
    return found
