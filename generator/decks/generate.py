"""The generation use case: source (outline, spec or brief) -> DeckSpec -> .pptx -> lint -> row.

Two entry points share the same steps:
- `generate_now(...)`: synchronous, for `manage.py generate`.  Bad input is
  refused before anything is recorded (no row, no file).
- `run(presentation)` / `run_one_pending()`: for queued rows (web UI, API,
  django-q2 tasks).  The row reports its stage and progress while it runs and
  ends `done` or `failed` with the reason; it is never left `running`.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable

from django.db import transaction
from django.db.models import Case, F, Sum, Value, When
from django.utils import timezone

from generator import files

from generator.decks import liveness
from generator.design import Design, default_design
from generator.errors import GeneratorError, SpecError
from generator.models import DesignAsset, GeneratedPresentation
from generator.spec import DeckSpec, load_spec_json

logger = logging.getLogger(__name__)
Status = GeneratedPresentation.Status
StageCallback = Callable[[str, int], None]


@dataclass
class Outcome:
    """What one generation produced (the row is saved by the caller's path)."""

    spec: DeckSpec
    path: Path
    slide_count: int
    lint: dict


def design_for(asset_id: int | None) -> Design:
    """The built-in design, or the one learned from asset `asset_id`.

    Raises `GeneratorError` for an unknown asset id.
    """
    if asset_id is None:
        return default_design()
    try:
        asset = DesignAsset.objects.get(pk=asset_id)
    except DesignAsset.DoesNotExist:
        raise GeneratorError(f"design asset {asset_id} does not exist") from None
    from generator.learning.learned_design import design_for_asset

    return design_for_asset(asset)


def spec_from_source(kind: str, text: str, *, base_dir: Path | None = None, brief_context=None
                     ) -> DeckSpec:
    """Parse a stored source of `kind` ('markdown', 'spec' or 'brief') into a DeckSpec."""
    if kind == GeneratedPresentation.SourceKind.MARKDOWN:
        from generator.markdown import read_outline

        return read_outline(text, base_dir=base_dir)
    if kind == GeneratedPresentation.SourceKind.SPEC:
        return load_spec_json(text)
    if kind == GeneratedPresentation.SourceKind.BRIEF:
        from generator.llm.drafting import draft_deck

        return draft_deck(brief=text, **(brief_context or {}))
    raise SpecError(f"unknown source kind {kind!r}")


def managed_path() -> Path:
    """A new deck's storage name, relative (`presentations/deck-<time>-<random>.pptx`):
    generated, never derived from user input; `generator.files` decides where it lives."""
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return Path(files.DECKS) / f"deck-{stamp}-{secrets.token_hex(6)}.pptx"


def produce(spec: DeckSpec, design: Design, out: Path, *, base_dir: Path | None = None,
            on_stage: StageCallback | None = None) -> Outcome:
    """Render `spec` in `design`, lint the written file and store it in the shared files.

    `out` is the deck's storage name (from `managed_path`), or an absolute local
    path the caller also wants the deck written to (`generate -o OUT.pptx`; the
    shared copy then gets a managed name).  The deck is rendered to a private
    temporary file first: if any step fails, nothing is stored and `out` is as
    it was.  The returned `Outcome.path` is the storage name.
    """
    from generator.lint import lint_file
    from generator.render import render_to_file

    stage = on_stage or (lambda name, percent: None)

    def on_slide(done: int, total: int) -> None:
        stage("render", 30 + int(55 * done / max(total, 1)))

    with tempfile.TemporaryDirectory(prefix="bcgslides-deck-") as work:
        local = Path(work) / "deck.pptx"
        stage("render", 30)
        result = render_to_file(spec, local, design, base_dir=base_dir, progress=on_slide)
        stage("lint", 90)
        report = lint_file(local).to_dict()
        name = _store_deck(local, Path(out))
    return Outcome(spec=spec, path=Path(name), slide_count=result.slide_count, lint=report)


def _store_deck(local: Path, out: Path) -> str:
    """Store the rendered deck; for an absolute `out`, also copy it there (both or neither)."""
    if not out.is_absolute():
        return files.store(local, out.as_posix())
    name = files.store(local, managed_path().as_posix())
    try:
        files.copy_atomically(local, out)
    except BaseException:
        files.delete(name)
        raise
    return name


def generate_now(*, spec: DeckSpec, source_kind: str, source_text: str, out: Path | None = None,
                 asset_id: int | None = None, owner=None, base_dir: Path | None = None,
                 presentation: GeneratedPresentation | None = None) -> GeneratedPresentation:
    """Render and record a deck at once (the CLI path).

    `spec` is already validated; the design is resolved and the deck rendered
    before the row is written, so a bad asset id or text that cannot fit
    leaves no row and no file.  `presentation` is a row created earlier (for
    a brief, whose API usage points at it).
    """
    design = design_for(asset_id)
    started = timezone.now()
    outcome = produce(spec, design, Path(out) if out else managed_path(), base_dir=base_dir)
    try:
        with transaction.atomic():
            row = presentation or GeneratedPresentation()
            _fill_done(row, outcome, source_kind=source_kind, source_text=source_text,
                       asset_id=asset_id, owner=owner, started=started)
            row.save()
    except BaseException:
        files.delete(outcome.path.as_posix())  # no row would ever serve or remove it
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
    row.status, row.progress, row.stage = Status.DONE, 100, "done"
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


# -- queued generation (web, API, tasks) ------------------------------------------------
def claim(presentation_id: int, *, worker: str | None = None,
          job: str = GeneratedPresentation.Job.DECK) -> bool:
    """Move a queued row to running for `worker` (this process by default); False when
    another worker got it first (or it is not queued).  `attempts` counts the claims of
    the same job (a brief's deck job starts again at 1 after its storyline job)."""
    now = timezone.now()
    attempt = Case(When(job=job, then=F("attempts") + 1), default=Value(1))
    claimed = GeneratedPresentation.objects.filter(
        pk=presentation_id, status=Status.QUEUED
    ).update(status=Status.RUNNING, stage="start", progress=1, started_at=now, heartbeat_at=now,
             worker=worker or liveness.identity(), job=job, attempts=attempt)
    return claimed == 1


def run(presentation_id: int, *, base_dir: Path | None = None) -> GeneratedPresentation:
    """Generate a queued deck, reporting stage and progress on its row.

    Any error ends the row `failed` with the reason (and is logged); the
    function never leaves it `running`.  A worker presumed dead meanwhile
    (`liveness.recover_stalled`) has lost the row: its late result is dropped.
    """
    worker = liveness.identity()
    if not claim(presentation_id, worker=worker):
        return GeneratedPresentation.objects.get(pk=presentation_id)
    row = GeneratedPresentation.objects.get(pk=presentation_id)
    reporter = _ProgressReporter(row.pk)
    with liveness.heartbeat(row.pk, worker):
        try:
            reporter("parse", 5)
            from generator.decks.restyle import pictures_folder

            with pictures_folder(row, base_dir) as pictures:  # a restyled deck's own pictures
                spec = _spec_for_row(row, pictures, reporter)
                design = design_for(row.asset_id)
                outcome = produce(spec, design, managed_path(), base_dir=pictures,
                                  on_stage=reporter)
        except Exception as exc:  # every failure is recorded on the row, then re-raised if unexpected
            record_failure(row.pk, exc, worker=worker)
            if not isinstance(exc, GeneratorError):
                raise
            return GeneratedPresentation.objects.get(pk=row.pk)
        return _finish(row.pk, worker, outcome)


def _finish(presentation_id: int, worker: str, outcome: Outcome) -> GeneratedPresentation:
    """Record `outcome` on the row if `worker` still owns it; otherwise drop the file (as
    when recording fails: no row would ever serve or remove it)."""
    try:
        with transaction.atomic():
            row = liveness.owned(presentation_id, worker).select_for_update().first()
            if row is not None:
                _fill_done(row, outcome, source_kind=row.source_kind,
                           source_text=row.source_text, asset_id=row.asset_id,
                           owner=row.owner, started=row.started_at)
                row.save()
                return row
    except BaseException:
        _discard(outcome)
        raise
    _discard(outcome)
    logger.warning("deck %s: worker %s lost it while rendering; its result is dropped",
                   presentation_id, worker)
    return GeneratedPresentation.objects.get(pk=presentation_id)


def _discard(outcome: Outcome) -> None:
    files.delete(outcome.path.as_posix())


def _spec_for_row(row: GeneratedPresentation, base_dir: Path | None, reporter) -> DeckSpec:
    from generator.spec import load_spec

    if row.spec:  # validated when the row was created (or filled earlier)
        return load_spec(row.spec, base_dir=base_dir)
    if row.source_kind != GeneratedPresentation.SourceKind.BRIEF:
        return spec_from_source(row.source_kind, row.source_text, base_dir=base_dir)
    reporter("draft", 10)
    from generator.llm import drafting

    if row.storyline:  # reviewed by the user: fill it
        storyline = drafting.Storyline.model_validate(row.storyline)
        return drafting.fill_storyline(storyline, row.source_text, presentation=row,
                                       user=row.owner)
    return drafting.draft_deck(brief=row.source_text, presentation=row, user=row.owner)


def record_failure(presentation_id: int, exc: BaseException, *, worker: str | None = None
                   ) -> None:
    """Fail the row with the reason of `exc` (only while `worker` owns it, when given)."""
    message = str(exc) or exc.__class__.__name__
    if isinstance(exc, GeneratorError):
        logger.warning("presentation %s failed: %s", presentation_id, message)
    else:
        logger.exception("presentation %s crashed", presentation_id)
    rows = GeneratedPresentation.objects.filter(pk=presentation_id)
    if worker is not None:
        rows = rows.filter(status=Status.RUNNING, worker=worker)
    rows.update(status=Status.FAILED, error=message[:5000], stage="failed",
                finished_at=timezone.now())


def record_failure_if_unfinished(presentation_id: int, reason: str) -> bool:
    """Fail a deck still queued or running (a task died around it); False if it had finished."""
    changed = GeneratedPresentation.objects.filter(
        pk=presentation_id, status__in=[Status.QUEUED, Status.RUNNING]
    ).update(status=Status.FAILED, stage="failed", error=reason[:5000],
             finished_at=timezone.now())
    return changed == 1


def run_one_pending(*, base_dir: Path | None = None) -> bool:
    """Generate the oldest queued deck, if any; True when there was one."""
    next_id = (
        GeneratedPresentation.objects.filter(status=Status.QUEUED)
        .order_by("created_at").values_list("pk", flat=True).first()
    )
    if next_id is None:
        return False
    run(next_id, base_dir=base_dir)
    return True


class _ProgressReporter:
    """Writes stage/progress to the row, at most every 0.3 s or on a stage change."""

    def __init__(self, presentation_id: int):
        self.presentation_id = presentation_id
        self.last = (None, -1, 0.0)

    def __call__(self, stage: str, percent: int) -> None:
        last_stage, last_percent, last_time = self.last
        now = time.monotonic()
        if stage == last_stage and (percent <= last_percent or now - last_time < 0.3):
            return
        GeneratedPresentation.objects.filter(pk=self.presentation_id).update(
            stage=stage, progress=min(max(percent, 0), 99)
        )
        self.last = (stage, percent, now)
