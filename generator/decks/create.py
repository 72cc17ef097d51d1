"""Creating a deck from any input, with its policy: the one service the pages, the JSON
API and the MCP server call (each reads its own input, calls here, and answers).

- An outline (Markdown) or a DeckSpec's JSON as text: within the size limit, turned into
  a DeckSpec by `generator.sources` (the page's form has done that already: it passes
  the spec).  A DeckSpec as JSON data (the API's body): validated as it is.
- A brief: only when an LLM is configured; typed as one text (API, MCP) it is at most
  `BRIEF_MAX_CHARS` (the page's form bounds each of its fields instead); with source
  files (read and checked here, refused whole naming the file) or material the form read.
- A .pptx to restyle: read through safe intake (`generator.decks.restyle`).

Every deck is queued by `generator.decks.lifecycle` (a new version of `parent` if given).
Every outline and spec is fitted in its design before it is queued (`check`, `fit`: the
renderer's own fitting, in memory), so the pages' live check, their submit, the API and
the MCP server refuse the same text with the same words, and what is queued renders.
Refusals: `SpecError` (a source that does not validate or fit, with its places), `ValueError`
(the input itself: not text, too long), `LLMNotConfigured`, `SourceRefused` (a source
file), `InvalidDeckFile` (the .pptx).  Nothing is queued or stored then.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from generator.decks import briefs, generate, lifecycle, restyle
from generator.errors import FitError, GeneratorError, LLMNotConfigured, SpecError
from generator.material import intake, pack
from generator.models import DesignAsset, GeneratedPresentation
from generator.outline.reader import read_outline_places
from generator.render import render
from generator.sources import MARKDOWN, SPEC, spec_from_source
from generator.spec import DeckSpec, load_spec

logger = logging.getLogger(__name__)

BRIEF_MAX_CHARS = 20000
LIVE_CHECK_SECONDS = 1.0  # the editor's live check fits slides for this long, then stops
INPUTS = ("outline", "spec", "brief")  # what the API and the MCP server call them


def require_llm() -> None:
    """Raise `LLMNotConfigured` unless an LLM is configured (the brief path's condition)."""
    if not settings.OPENAI_API_KEY:
        raise LLMNotConfigured(_("No LLM is configured (OPENAI_API_KEY is not set); send an "
                                 "outline or a spec instead."))


def create(*, owner, kind: str, value, asset: DesignAsset | None = None,
           files: list[tuple[str, bytes]] | None = None) -> GeneratedPresentation:
    """A deck from one input as the API and the MCP server name it: "outline" (Markdown
    text), "spec" (a DeckSpec as JSON data) or "brief" (text, with source `files` as
    (name, bytes) if any)."""
    if kind == "brief":
        if not isinstance(value, str) or len(value) > BRIEF_MAX_CHARS:
            raise ValueError(_("'brief' must be text of at most 20,000 characters."))
        return from_brief(owner=owner, brief=value, asset=asset, files=files)
    if kind == "outline":
        if not isinstance(value, str) or len(value.encode("utf-8")) > settings.MAX_SOURCE_BYTES:
            raise ValueError(_("'outline' must be Markdown text within the size limit."))
        return from_source(owner=owner, kind=MARKDOWN, text=value, asset=asset)
    if kind == "spec":
        spec = load_spec(value)
        fit(spec, asset)
        return lifecycle.queue_deck(owner=owner, spec=spec, source_kind=SPEC,
                                    source_text=json.dumps(value, ensure_ascii=False),
                                    asset=asset)
    raise ValueError(f"unknown input {kind!r}; one of {', '.join(INPUTS)}")


@dataclass(frozen=True)
class Checked:
    """A source read and fitted: its `spec`, and how many of its slides were fitted
    (all of them, unless the live check's time ran out first)."""

    spec: DeckSpec
    fitted: int

    @property
    def complete(self) -> bool:
        return self.fitted >= len(self.spec.slides)


class _OutOfTime(Exception):
    pass


def check(kind: str, text: str, asset: DesignAsset | None = None, *,
          seconds: float | None = None) -> Checked:
    """Read an outline (`kind` "markdown") or a DeckSpec's JSON ("spec") and fit its text
    in design `asset` (the built-in one when None) as generation does: the same
    `render`, in memory, so what passes here renders.  Raises `SpecError` naming the line
    (an outline's construct) or the slide and field.  `seconds` bounds the fitting (the
    live check): the slides after it are left to the submit, which fits them all."""
    if kind == MARKDOWN:
        outline = read_outline_places(text)
        spec, place = outline.spec, outline.place
    else:
        spec = spec_from_source(kind, text)
        place = _spec_place
    return Checked(spec, _fit(spec, asset, place, seconds))


def fit(spec: DeckSpec, asset: DesignAsset | None = None) -> None:
    """Fit a DeckSpec given as data (the API's "spec") in `asset`; raises `SpecError`."""
    _fit(spec, asset, _spec_place, None)


def _fit(spec: DeckSpec, asset: DesignAsset | None, place, seconds: float | None) -> int:
    try:
        design = generate.design_for(asset.pk if asset is not None else None)
    except SpecError:
        raise
    except GeneratorError:
        message = _("the design “%(name)s” cannot be used yet: it has not been learned") % {
            "name": asset.filename if asset is not None else ""}
        raise SpecError(message, [("design", message)]) from None
    done = 0
    deadline = None if seconds is None else time.monotonic() + seconds

    def progress(finished: int, total: int) -> None:
        nonlocal done
        done = finished
        if deadline is not None and finished < total and time.monotonic() > deadline:
            raise _OutOfTime

    try:
        render(spec, design, progress=progress)
    except _OutOfTime:
        return done
    except FitError as exc:
        raise _fit_refusal(exc, spec, done, place) from None
    except Exception:  # not the text: the worker meets it again and fails the deck with it
        logger.exception("the fit check could not render slide %d; left to generation",
                         done + 1)
        return done
    return len(spec.slides)


def _spec_place(index: int, kind: str, field_name: str = "") -> str:
    head = f"slide {index + 1} ({kind})"
    return f"{head}: {field_name}" if field_name else head


# what the renderer says of text that cannot fit (generator/render: canvas.fit, tables)
_NOT_FITTING = re.compile(r"the text does not fit(?: in (?P<lines>\d+) lines)? even at "
                          r"(?P<pt>[\d.]+) pt \((?P<chars>\d+) characters\); shorten it$")
_SLIDE = re.compile(r"^slide (?P<number>\d+)\b")
_ROWS = re.compile(r"(?P<rows>\d+) rows do not fit on one slide$")


def _fit_refusal(exc: FitError, spec: DeckSpec, index: int, place) -> SpecError:
    """The renderer's refusal of slide `index`, placed at the outline's line and worded in
    the user's language."""
    named = _SLIDE.match(str(exc))
    index = int(named["number"]) - 1 if named else index
    kind = spec.slides[index].kind if 0 <= index < len(spec.slides) else ""
    problems = []
    for field_name, message in exc.problems or [("", str(exc))]:
        reason = str(message).split(f": {field_name}: ", 1)[-1] if field_name else str(message)
        problems.append((place(index, kind, field_name), _reason(reason)))
    lines = "\n".join(f"  {where}: {reason}" for where, reason in problems)
    return SpecError(_("the text does not fit:") + f"\n{lines}", problems)


def _reason(reason: str) -> str:
    match = _NOT_FITTING.search(reason)
    if match and match["lines"]:
        return _("the text does not fit in %(lines)s lines even at %(pt)s pt (%(chars)s "
                 "characters); shorten it") % match.groupdict()
    if match:
        return _("the text does not fit even at %(pt)s pt (%(chars)s characters); shorten "
                 "it") % match.groupdict()
    match = _ROWS.search(reason)
    if match:
        return _("%(rows)s rows do not fit on one slide") % match.groupdict()
    return reason


def from_source(*, owner, kind: str, text: str, asset: DesignAsset | None = None,
                parent: GeneratedPresentation | None = None,
                spec: DeckSpec | None = None) -> GeneratedPresentation:
    """An outline (`kind` "markdown") or a DeckSpec's JSON ("spec") as text, read and
    fitted in `asset` (`check`, without a time limit), then queued; `spec` is what that
    check gave when the caller's form made it already (`OutlineForm`)."""
    if spec is None:
        spec = check(kind, text, asset).spec
    return lifecycle.queue_deck(owner=owner, spec=spec, source_kind=kind, source_text=text,
                                asset=asset, parent=parent)


def from_brief(*, owner, brief: str, asset: DesignAsset | None = None,
               files: list[tuple[str, bytes]] | None = None,
               material: pack.Material | None = None) -> GeneratedPresentation:
    """A brief for the LLM, with its source `files` (name, bytes) or the `material` the
    page's form read from them; its storyline is drafted, then reviewed by the user."""
    require_llm()
    if files:
        material = pack.build([intake.SourceFile(intake.display_name(name), data)
                               for name, data in files])
    return briefs.queue(owner=owner, brief=brief, asset=asset, material=material)


def from_pptx(source: BinaryIO, *, owner, filename: str, asset: DesignAsset | None = None,
              before: bool = False) -> restyle.Restyled:
    """An existing .pptx brought into design `asset` (its row and what the reading
    changed); `before` keeps pictures of the original slides to compare."""
    return restyle.queue_restyle(source, owner=owner, filename=filename, asset=asset,
                                 before=before)
