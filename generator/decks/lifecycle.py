"""A deck row's lifecycle: every change of its status, and the work queued after each.

    queue_deck ──┐
    queue_brief ─┴─> QUEUED ── claim ──> RUNNING ──┬─ finish ─────> DONE (its pictures queued)
                      ^  ^                         ├─ fail ───────> FAILED
                      │  └──────── requeue ────────┤  (its worker presumed dead)
                      │                            └─ to_review ──> REVIEW
                      └──── queue_fill (the storyline reviewed) ───────┘

This module alone writes a row's `status` (with the `stage` that goes with it) and alone
enqueues what comes next (`generator.queueing`).  A task body runs inside `run_claimed`
(claim, heartbeat, record the failure, record the result); the work itself is
`generator.decks.generate` (the pipeline) or `generator.decks.briefs` (the storyline),
which report their steps through `Progress`.  `recover_stalled` takes back the rows of
workers `generator.decks.liveness` presumes dead.  The pages and the API select decks
here too (`for_owner`, `versions`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Max, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from generator import files, queueing
from generator.decks import liveness
from generator.errors import GeneratorError, without_server_paths
from generator.models import BudgetReservation, DesignAsset, GeneratedPresentation
from generator.previews import deck_pictures
from generator.spec import DeckSpec
from generator.worker_identity import identity

if TYPE_CHECKING:
    from generator.decks.generate import Outcome
    from generator.llm.drafting import Storyline

logger = logging.getLogger(__name__)
Status = GeneratedPresentation.Status
SourceKind = GeneratedPresentation.SourceKind
Job = GeneratedPresentation.Job


class Stage(StrEnum):
    """A row's `stage`: the status it has just entered, or the step its worker is at
    (the deck page says the steps in words: `generator.web.deck_page.STAGES`)."""

    QUEUED = Status.QUEUED.value
    START = "start"  # claimed by a worker
    PARSE = "parse"
    DRAFT = "draft"  # a brief: the model writes the deck
    STORYLINE = "storyline"  # a brief: the model writes the storyline
    RENDER = "render"
    LINT = "lint"
    REVIEW = Status.REVIEW.value
    DONE = Status.DONE.value
    FAILED = Status.FAILED.value


# -- selecting -----------------------------------------------------------------------------------
def for_owner(user) -> QuerySet[GeneratedPresentation]:
    """The decks `user` owns, newest first (every version)."""
    return GeneratedPresentation.objects.filter(owner=user).select_related("asset")


def get_for_owner(user, pk: int) -> GeneratedPresentation:
    """`user`'s deck `pk`; raises DoesNotExist for anyone else's (the caller answers 404)."""
    return for_owner(user).get(pk=pk)


def versions(row: GeneratedPresentation) -> QuerySet[GeneratedPresentation]:
    """Every version of the deck `row` belongs to, oldest first."""
    root = row.parent or row
    return GeneratedPresentation.objects.filter(Q(pk=root.pk) | Q(parent=root)).order_by(
        "version")


def _get(presentation_id: int) -> GeneratedPresentation:
    return GeneratedPresentation.objects.get(pk=presentation_id)


# -- queued --------------------------------------------------------------------------------------
def _next_version(parent: GeneratedPresentation | None) -> tuple[GeneratedPresentation | None, int]:
    if parent is None:
        return None, 1
    root = parent.parent or parent
    latest = root.versions.aggregate(top=Max("version"))["top"] or root.version
    return root, max(latest, root.version) + 1


def queue_deck(*, owner, spec: DeckSpec, source_kind: str, source_text: str,
               asset: DesignAsset | None = None,
               parent: GeneratedPresentation | None = None) -> GeneratedPresentation:
    """Record a validated deck as queued (a new version of `parent` if given) and enqueue it."""
    with transaction.atomic():
        root, version = _next_version(parent)
        row = GeneratedPresentation.objects.create(
            owner=owner, title=spec.title[:500], source_kind=source_kind, source_text=source_text,
            spec=spec.model_dump(mode="json", exclude_defaults=True), asset=asset,
            status=Status.QUEUED, stage=Stage.QUEUED, parent=root, version=version,
        )
    transaction.on_commit(lambda: queueing.generation(row.pk))
    return row


def queue_brief(*, owner, brief: str, asset: DesignAsset | None = None,
                parent: GeneratedPresentation | None = None) -> GeneratedPresentation:
    """Record a brief and enqueue its storyline draft (the user reviews it before the deck)."""
    with transaction.atomic():
        root, version = _next_version(parent)
        row = GeneratedPresentation.objects.create(
            owner=owner, title=brief.splitlines()[0][:200], source_kind=SourceKind.BRIEF,
            source_text=brief, asset=asset, status=Status.QUEUED, stage=Stage.QUEUED,
            parent=root, version=version,
        )
    transaction.on_commit(lambda: queueing.storyline(row.pk))
    return row


def queue_fill(row: GeneratedPresentation, storyline: dict) -> GeneratedPresentation:
    """The user reviewed the storyline (validated, as JSON): store it and enqueue the deck,
    which the worker fills from it and renders."""
    row.storyline = storyline
    row.status, row.stage, row.progress, row.error = Status.QUEUED, Stage.QUEUED, 30, ""
    row.save(update_fields=["storyline", "status", "stage", "progress", "error", "updated_at"])
    transaction.on_commit(lambda: queueing.generation(row.pk))
    return row


# -- running -------------------------------------------------------------------------------------
def claim(presentation_id: int, *, worker: str | None = None, job: str = Job.DECK) -> bool:
    """Move a queued row to running for `worker` (this process by default); False when
    another worker got it first (or it is not queued).  `attempts` counts the claims of
    the same job (a brief's deck job starts again at 1 after its storyline job)."""
    now = timezone.now()
    attempt = Case(When(job=job, then=F("attempts") + 1), default=Value(1))
    claimed = GeneratedPresentation.objects.filter(
        pk=presentation_id, status=Status.QUEUED
    ).update(status=Status.RUNNING, stage=Stage.START, progress=1, started_at=now,
             heartbeat_at=now, worker=worker or identity(), job=job, attempts=attempt)
    return claimed == 1


class Progress:
    """A worker's step on its row (`stage`, percent), written at most every 0.3 s or on a
    new stage, while the worker still owns the row."""

    def __init__(self, presentation_id: int, worker: str):
        self.presentation_id, self.worker = presentation_id, worker
        self.last = (None, -1, 0.0)

    def __call__(self, stage: Stage, percent: int) -> None:
        last_stage, last_percent, last_time = self.last
        now = time.monotonic()
        if stage == last_stage and (percent <= last_percent or now - last_time < 0.3):
            return
        liveness.owned(self.presentation_id, self.worker).update(
            stage=stage, progress=min(max(percent, 0), 99))
        self.last = (stage, percent, now)


def run_claimed(presentation_id: int, work: Callable[[GeneratedPresentation, Progress], Any], *,
                job: str = Job.DECK) -> GeneratedPresentation:
    """Claim queued row `presentation_id`, run `work(row, progress)` while beating for it,
    then record the result: a deck's `Outcome` finishes the row (`finish`), a storyline
    puts it up for review (`to_review`).

    Any error fails the row with the reason (and is logged); an unexpected one (not a
    `GeneratorError`) is raised again.  The row is never left running.  A row another
    worker claimed first is returned as it is.
    """
    worker = identity()
    if not claim(presentation_id, worker=worker, job=job):
        return _get(presentation_id)
    row = _get(presentation_id)
    with liveness.heartbeat(row.pk, worker):
        try:
            result = work(row, Progress(row.pk, worker))
        except Exception as exc:  # every failure is recorded on the row, then re-raised if unexpected
            fail(row.pk, exc, worker=worker)
            if not isinstance(exc, GeneratorError):
                raise
            return _get(row.pk)
    if job == Job.STORYLINE:
        return to_review(row.pk, worker, result)
    return finish(row.pk, worker, result)


def to_review(presentation_id: int, worker: str, storyline: Storyline) -> GeneratedPresentation:
    """The storyline is drafted: the row waits for the user's review (if `worker` still owns it)."""
    liveness.owned(presentation_id, worker).update(
        storyline=storyline.model_dump(mode="json"), status=Status.REVIEW, stage=Stage.REVIEW,
        progress=30, title=storyline.title[:500],
    )
    return _get(presentation_id)


def finish(presentation_id: int, worker: str, outcome: Outcome) -> GeneratedPresentation:
    """Record `outcome` on the row if `worker` still owns it, and enqueue its pictures;
    otherwise drop the file (as when recording fails: no row would ever serve or remove it).
    A worker presumed dead meanwhile (`recover_stalled`) has lost the row."""
    try:
        with transaction.atomic():
            row = liveness.owned(presentation_id, worker).select_for_update().first()
            if row is not None:
                _fill_done(row, outcome, source_kind=row.source_kind,
                           source_text=row.source_text, asset_id=row.asset_id,
                           owner=row.owner, started=row.started_at)
                row.save()
                transaction.on_commit(lambda: _queue_previews(row.pk))
                return row
    except BaseException:
        files.delete(outcome.path.as_posix())
        raise
    files.delete(outcome.path.as_posix())
    logger.warning("deck %s: worker %s lost it while rendering; its result is dropped",
                   presentation_id, worker)
    return _get(presentation_id)


def _queue_previews(presentation_id: int) -> None:
    if deck_pictures.available():
        queueing.previews(presentation_id)


# -- at once (the command line) ------------------------------------------------------------------
def start_drafting(*, brief: str, asset_id: int | None) -> GeneratedPresentation:
    """A running row for a brief drafted at once (its API usage points at it)."""
    return GeneratedPresentation.objects.create(
        source_kind=SourceKind.BRIEF, source_text=brief, status=Status.RUNNING,
        stage=Stage.DRAFT, asset_id=asset_id)


def record_done(outcome: Outcome, *, source_kind: str, source_text: str, asset_id: int | None,
                owner=None, started=None,
                row: GeneratedPresentation | None = None) -> GeneratedPresentation:
    """Record a deck rendered at once: a new row, or `row` made earlier (`start_drafting`).
    If the row cannot be written, the file is removed (no row would ever serve or remove it)."""
    try:
        with transaction.atomic():
            row = row or GeneratedPresentation()
            _fill_done(row, outcome, source_kind=source_kind, source_text=source_text,
                       asset_id=asset_id, owner=owner, started=started)
            row.save()
    except BaseException:
        files.delete(outcome.path.as_posix())
        raise
    return row


def _fill_done(row: GeneratedPresentation, outcome: Outcome, *, source_kind: str,
               source_text: str, asset_id: int | None, owner, started) -> None:
    row.title = outcome.spec.title[:500]
    row.source_kind = source_kind
    row.source_text = source_text
    row.spec = outcome.spec.model_dump(mode="json", exclude_defaults=True)
    row.asset_id = asset_id
    row.owner = owner if owner is not None else row.owner
    row.status, row.progress, row.stage = Status.DONE, 100, Stage.DONE
    row.file = outcome.path.as_posix()  # the storage name, relative (generator.files)
    row.slide_count = outcome.slide_count
    row.lint_report = outcome.lint
    row.error = ""
    row.started_at = row.started_at or started
    row.finished_at = timezone.now()
    row.cost_jpy = _cost_of(row)


def _cost_of(row: GeneratedPresentation) -> Decimal:
    if row.pk is None:
        return Decimal("0")
    total = row.api_usage.aggregate(total=Sum("cost_jpy"))["total"]
    return total or Decimal("0")


# -- failing -------------------------------------------------------------------------------------
def fail(presentation_id: int, exc: BaseException, *, worker: str | None = None) -> None:
    """Fail the row with the reason of `exc` (only while `worker` owns it, when given)."""
    message = str(exc) or exc.__class__.__name__
    if isinstance(exc, GeneratorError):
        logger.warning("presentation %s failed: %s", presentation_id, message)
    else:
        logger.exception("presentation %s crashed", presentation_id)
    rows = GeneratedPresentation.objects.filter(pk=presentation_id)
    if worker is not None:
        rows = rows.filter(status=Status.RUNNING, worker=worker)
    rows.update(status=Status.FAILED, error=without_server_paths(message)[:5000],  # shown
                stage=Stage.FAILED,
                finished_at=timezone.now())


def fail_unfinished(presentation_id: int, reason: str) -> bool:
    """Fail a deck still queued or running (a task died around it); False if it had finished."""
    changed = GeneratedPresentation.objects.filter(
        pk=presentation_id, status__in=[Status.QUEUED, Status.RUNNING]
    ).update(status=Status.FAILED, stage=Stage.FAILED, error=reason[:5000],
             finished_at=timezone.now())
    return changed == 1


# -- workers presumed dead -----------------------------------------------------------------------
@dataclass
class Recovery:
    """What one sweep did: ids queued again and ids failed for good."""

    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"requeued": self.requeued, "failed": self.failed}


def recover_stalled(now=None) -> Recovery:
    """Queue again, or fail after `DECK_MAX_ATTEMPTS` claims, every deck whose worker
    `liveness` presumes dead (the schedule runs this every minute).

    A row is taken over only if it is still exactly as seen (same worker, same
    heartbeat), so a worker that beats in between keeps its deck.
    """
    recovery = Recovery()
    for row, certain in liveness.presumed_dead(now):
        if certain:  # its calls in flight will never settle
            BudgetReservation.objects.filter(worker=row.worker).delete()
        seen = GeneratedPresentation.objects.filter(pk=row.pk, status=Status.RUNNING,
                                                    worker=row.worker,
                                                    heartbeat_at=row.heartbeat_at)
        if row.attempts < settings.DECK_MAX_ATTEMPTS:
            if requeue(seen, row):
                recovery.requeued.append(row.pk)
        elif seen.update(status=Status.FAILED, stage=Stage.FAILED, finished_at=timezone.now(),
                         error=_gave_up(row)):
            logger.error("deck %s failed: its worker %s stopped %d times", row.pk,
                         row.worker or "?", row.attempts)
            recovery.failed.append(row.pk)
    return recovery


def requeue(seen: QuerySet[GeneratedPresentation], row: GeneratedPresentation) -> bool:
    """Queue `row` again and enqueue its job, if it is still as `seen`; False otherwise."""
    with transaction.atomic():
        if not seen.update(status=Status.QUEUED, stage=Stage.QUEUED, progress=0, worker=""):
            return False
        enqueue = queueing.storyline if row.job == Job.STORYLINE else queueing.generation
        transaction.on_commit(lambda: enqueue(row.pk))
    logger.warning("deck %s queued again: its worker %s stopped (attempt %d of %d)", row.pk,
                   row.worker or "?", row.attempts, settings.DECK_MAX_ATTEMPTS)
    return True


def _gave_up(row: GeneratedPresentation) -> str:
    return (f"the worker stopped before finishing (crash or kill), {row.attempts} "
            f"time(s); not retried again")
