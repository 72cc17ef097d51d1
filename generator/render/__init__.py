"""render(spec, design) -> a python-pptx Presentation; the renderer's public entry.

The renderer reads only a `DeckSpec` and a `Design`.  Builders for the slide
kinds live in one module per family and register themselves on import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from generator.atomic import writing_atomically
from generator.design import Design, default_design
from generator.spec import DeckSpec
from generator.render import (  # noqa: F401  (register builders)
    charts, diagrams, matrix, slides, structure, summary, tables)
from generator.render.deck import DeckState, ProgressCallback, render_slides
from generator.render.template import open_template

__all__ = ["render", "render_to_file", "RenderResult"]


def render(spec: DeckSpec, design: Design | None = None, *, base_dir: Path | None = None,
           progress: ProgressCallback | None = None):
    """Draw `spec` in `design` (the built-in one when None) and return the Presentation.

    `base_dir` is where relative image paths are resolved (and confined to).
    Raises `FitError` (a `SpecError`) naming the slide and field of text that
    cannot fit even at the minimum size and cannot continue on another slide.
    """
    design = design or default_design()
    prs = open_template(design)
    state = DeckState(prs=prs, design=design, deck=spec, base_dir=base_dir, lang=spec.lang)
    render_slides(state, progress)
    _set_properties(prs, spec)
    return prs


def _set_properties(prs, spec: DeckSpec) -> None:
    props = prs.core_properties
    props.title = spec.title[:255]
    props.subject = spec.subtitle[:255]
    props.author = spec.author[:255] or "bcgslides"
    props.last_modified_by = "bcgslides"
    props.revision = 1
    props.language = "ja-JP" if spec.lang == "ja" else "en-US"
    now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    props.created = props.modified = now


@dataclass(frozen=True)
class RenderResult:
    path: Path
    slide_count: int


def render_to_file(spec: DeckSpec, out: Path, design: Design | None = None, *,
                   base_dir: Path | None = None,
                   progress: ProgressCallback | None = None) -> RenderResult:
    """Render and write `out` atomically: a temporary file renamed into place when complete.

    On any error nothing is left at `out` (an existing good file stays as it was).
    """
    prs = render(spec, design, base_dir=base_dir, progress=progress)
    out = Path(out)
    with writing_atomically(out) as handle:
        prs.save(handle)
    return RenderResult(path=out, slide_count=len(prs.slides))
