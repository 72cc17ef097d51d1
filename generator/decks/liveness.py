"""Who runs a deck, and whether that worker is still alive.

A worker that claims a deck writes its identity (host and pid) on the row,
then a heartbeat every `DECK_HEARTBEAT_SECONDS` while it works.  A worker
killed outright (SIGKILL, the OOM killer, a lost host) runs no hook and
leaves its row `running`; `recover_stalled()` — a schedule every minute, on
whichever cluster picks it up — finds such rows by their silent heartbeat (or
at once, on the same host, by the dead pid), and queues them again until they
have been claimed `DECK_MAX_ATTEMPTS` times, then fails them with the reason.
A worker finishes only a row it still owns (`owns`), so a deck presumed
dead that was in fact only slow can never be recorded twice.
"""

from __future__ import annotations

import logging
import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import psutil
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from generator.models import BudgetReservation, GeneratedPresentation
from generator.worker_identity import identity

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


@dataclass
class Recovery:
    """What one sweep did: ids queued again and ids failed for good."""

    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"requeued": self.requeued, "failed": self.failed}


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
    return [row for row, _certain in _presumed_dead(now)]


def _presumed_dead(now=None) -> list[tuple[GeneratedPresentation, bool]]:
    """`stalled()` with, for each row, whether its death is certain (`_dead_here`)."""
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


def recover_stalled(now=None) -> Recovery:
    """Queue again, or fail, every deck whose worker is presumed dead.

    A row is taken over only if it is still exactly as seen (same worker, same
    heartbeat), so a worker that beats in between keeps its deck.
    """
    recovery = Recovery()
    for row, certain in _presumed_dead(now):
        if certain:  # its calls in flight will never settle
            _release_budget_of(row.worker)
        seen = GeneratedPresentation.objects.filter(pk=row.pk, status=Status.RUNNING,
                                                    worker=row.worker,
                                                    heartbeat_at=row.heartbeat_at)
        if row.attempts < settings.DECK_MAX_ATTEMPTS:
            if _requeue(seen, row):
                recovery.requeued.append(row.pk)
        elif seen.update(status=Status.FAILED, stage="failed", finished_at=timezone.now(),
                         error=_gave_up(row)):
            logger.error("deck %s failed: its worker %s stopped %d times", row.pk,
                         row.worker or "?", row.attempts)
            recovery.failed.append(row.pk)
    return recovery


def _requeue(seen, row: GeneratedPresentation) -> bool:
    from generator.tasks import enqueue_job

    with transaction.atomic():
        if not seen.update(status=Status.QUEUED, stage="queued", progress=0, worker=""):
            return False
        job = row.job or GeneratedPresentation.Job.DECK
        transaction.on_commit(lambda: enqueue_job(job, row.pk))
    logger.warning("deck %s queued again: its worker %s stopped (attempt %d of %d)", row.pk,
                   row.worker or "?", row.attempts, settings.DECK_MAX_ATTEMPTS)
    return True


def _release_budget_of(worker: str) -> None:
    BudgetReservation.objects.filter(worker=worker).delete()


def _gave_up(row: GeneratedPresentation) -> str:
    return (f"the worker stopped before finishing (crash or kill), {row.attempts} "
            f"time(s); not retried again")
