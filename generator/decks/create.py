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
Refusals: `SpecError` (a source that does not validate, with its places), `ValueError`
(the input itself: not text, too long), `LLMNotConfigured`, `SourceRefused` (a source
file), `InvalidDeckFile` (the .pptx).  Nothing is queued or stored then.
"""

from __future__ import annotations

import json
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from generator.decks import briefs, lifecycle, restyle
from generator.errors import LLMNotConfigured
from generator.material import intake, pack
from generator.models import DesignAsset, GeneratedPresentation
from generator.sources import MARKDOWN, SPEC, spec_from_source
from generator.spec import DeckSpec, load_spec

BRIEF_MAX_CHARS = 20000
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
        return lifecycle.queue_deck(owner=owner, spec=load_spec(value), source_kind=SPEC,
                                    source_text=json.dumps(value, ensure_ascii=False),
                                    asset=asset)
    raise ValueError(f"unknown input {kind!r}; one of {', '.join(INPUTS)}")


def from_source(*, owner, kind: str, text: str, asset: DesignAsset | None = None,
                parent: GeneratedPresentation | None = None,
                spec: DeckSpec | None = None) -> GeneratedPresentation:
    """An outline (`kind` "markdown") or a DeckSpec's JSON ("spec") as text, queued;
    `spec` is its parse when the caller's form made it already."""
    if spec is None:
        spec = spec_from_source(kind, text)
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
