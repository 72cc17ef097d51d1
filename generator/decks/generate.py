"""The generation pipeline: DeckSpec -> .pptx in a design -> lint -> a stored file.

`produce` is the pipeline; it writes no row's state.  Two callers run it:
- `generate_now(...)`: at once, for the command line (`manage.py generate`, `restyle`).
  Bad input is refused before anything is recorded (no row, no file).
- `run(presentation_id)` / `run_one_pending()`: a queued row (web UI, API, django-q2
  tasks), inside `lifecycle.run_claimed`, which reports its steps and ends the row `done`
  or `failed` with the reason; it is never left `running`.
A brief's deck is drafted by the model and test-fitted in the design it is rendered in
(`Fit`), so it is rendered once.
"""

from __future__ import annotations

import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from django.utils import timezone

from generator import files
from generator.decks import lifecycle
from generator.decks.lifecycle import Stage
from generator.decks.restyle_pictures import pictures_folder
from generator.design import Design, default_design
from generator.errors import GeneratorError
from generator.learning.learned_design import design_for_asset
from generator.lint import lint_file
from generator.llm import drafting
from generator.models import DesignAsset, GeneratedPresentation
from generator.render import render
from generator.sources import spec_from_source
from generator.spec import DeckSpec, load_spec

StageCallback = Callable[[Stage, int], None]


@dataclass
class Outcome:
    """What one generation produced (recorded on a row by `lifecycle`)."""

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
    return design_for_asset(asset)


class Fit:
    """The test fit of a drafted deck in the design it will be stored in.

    The drafting calls it on each answer of the model: text that cannot fit raises
    `FitError` (a `SpecError`), which goes back to the model in the repair round.  The
    last rendering is kept, so `produce` stores that deck without rendering it again.
    """

    def __init__(self, design: Design, base_dir: Path | None = None):
        self.design, self.base_dir = design, base_dir
        self._last: tuple[DeckSpec, object] | None = None

    def __call__(self, spec: DeckSpec) -> None:
        self._last = None
        self._last = (spec, render(spec, self.design, base_dir=self.base_dir))

    def rendering_of(self, spec: DeckSpec):
        """The Presentation rendered for `spec` (this very object), or None."""
        if self._last is not None and self._last[0] is spec:
            return self._last[1]
        return None


def managed_path() -> Path:
    """A new deck's storage name, relative (`presentations/deck-<time>-<random>.pptx`):
    generated, never derived from user input; `generator.files` decides where it lives."""
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return Path(files.DECKS) / f"deck-{stamp}-{secrets.token_hex(6)}.pptx"


def produce(spec: DeckSpec, design: Design, out: Path, *, base_dir: Path | None = None,
            on_stage: StageCallback | None = None, fit: Fit | None = None) -> Outcome:
    """Render `spec` in `design`, lint the written file and store it in the shared files.

    `out` is the deck's storage name (from `managed_path`), or an absolute local
    path the caller also wants the deck written to (`generate -o OUT.pptx`; the
    shared copy then gets a managed name).  The deck is rendered to a private
    temporary file first: if any step fails, nothing is stored and `out` is as
    it was.  The returned `Outcome.path` is the storage name.  A deck `fit` rendered
    already (the brief path) is stored as it was rendered.
    """
    stage = on_stage or (lambda name, percent: None)

    def on_slide(done: int, total: int) -> None:
        stage(Stage.RENDER, 30 + int(55 * done / max(total, 1)))

    with tempfile.TemporaryDirectory(prefix="bcgslides-deck-") as work:
        local = Path(work) / "deck.pptx"
        stage(Stage.RENDER, 30)
        prs = fit.rendering_of(spec) if fit is not None else None
        if prs is None:
            prs = render(spec, design, base_dir=base_dir, progress=on_slide)
        prs.save(local)
        stage(Stage.LINT, 90)
        report = lint_file(local).to_dict()
        name = _store_deck(local, Path(out))
    return Outcome(spec=spec, path=Path(name), slide_count=len(prs.slides), lint=report)


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
                 presentation: GeneratedPresentation | None = None,
                 fit: Fit | None = None) -> GeneratedPresentation:
    """Render and record a deck at once (the command line).

    `spec` is already validated; the design is resolved and the deck rendered
    before the row is written, so a bad asset id or text that cannot fit
    leaves no row and no file.  `presentation` is a row created earlier (for
    a brief, whose API usage points at it, with the `fit` it was drafted in).
    """
    design = fit.design if fit is not None else design_for(asset_id)
    started = timezone.now()
    outcome = produce(spec, design, Path(out) if out else managed_path(), base_dir=base_dir,
                      fit=fit)
    return lifecycle.record_done(outcome, source_kind=source_kind, source_text=source_text,
                                 asset_id=asset_id, owner=owner, started=started,
                                 row=presentation)


# -- queued generation (web, API, tasks) ------------------------------------------------
def run(presentation_id: int, *, base_dir: Path | None = None) -> GeneratedPresentation:
    """Generate a queued deck (claimed, followed and recorded by `lifecycle.run_claimed`).

    A restyled deck renders with its own pictures; `base_dir` (the command line's folder)
    replaces them.
    """
    def work(row: GeneratedPresentation, progress: lifecycle.Progress) -> Outcome:
        progress(Stage.PARSE, 5)
        with pictures_folder(row, base_dir) as pictures:  # a restyled deck's own pictures
            design = design_for(row.asset_id)
            fit = Fit(design, pictures)
            spec = _spec_for_row(row, pictures, progress, fit)
            return produce(spec, design, managed_path(), base_dir=pictures, on_stage=progress,
                           fit=fit)

    return lifecycle.run_claimed(presentation_id, work)


def _spec_for_row(row: GeneratedPresentation, base_dir: Path | None, progress: StageCallback,
                  fit: Fit) -> DeckSpec:
    if row.spec:  # validated when the row was created (or filled earlier)
        return load_spec(row.spec, base_dir=base_dir)
    if row.source_kind != GeneratedPresentation.SourceKind.BRIEF:
        return spec_from_source(row.source_kind, row.source_text, base_dir=base_dir)
    progress(Stage.DRAFT, 10)
    if row.storyline:  # reviewed by the user: fill it
        storyline = drafting.Storyline.model_validate(row.storyline)
        return drafting.fill_storyline(storyline, row.source_text, presentation=row,
                                       user=row.owner, fit=fit)
    return drafting.draft_deck(brief=row.source_text, presentation=row, user=row.owner, fit=fit)


def run_one_pending(*, base_dir: Path | None = None) -> bool:
    """Generate the oldest queued deck, if any; True when there was one."""
    next_id = (
        GeneratedPresentation.objects.filter(status=GeneratedPresentation.Status.QUEUED)
        .order_by("created_at").values_list("pk", flat=True).first()
    )
    if next_id is None:
        return False
    run(next_id, base_dir=base_dir)
    return True
