"""What the API accepts and answers: pydantic models, the source of the OpenAPI document.

A spec sent to create a deck is validated by `spec.load_spec` (the DeckSpec
model with the same readable problem places as the editor and the command line);
its schema in the document is the DeckSpec's own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, StrictInt,
                      StrictStr, model_validator)

from generator.decks.create import BRIEF_MAX_CHARS
from generator.models import GeneratedPresentation
from generator.spec import DeckSpec, load_spec, source_text_problem

Status = Literal[tuple(GeneratedPresentation.Status.values)]  # type: ignore[valid-type]


def _validated_spec(value: Any) -> DeckSpec:
    """Raises SpecError (not a ValueError: it passes through pydantic to the API's handler,
    which answers with every problem's place)."""
    if isinstance(value, DeckSpec):
        return value
    return load_spec(value)


def _storable(text: str) -> str:
    """Text a database can store and a slide can carry (no NUL or other control characters),
    refused with its line and column like an outline's."""
    problem = source_text_problem(text)
    if problem is not None:
        line, column, message = problem
        raise ValueError(f"line {line}, column {column}: {message}")
    return text


Text = Annotated[StrictStr, AfterValidator(_storable)]
SpecInput = Annotated[DeckSpec, PlainValidator(_validated_spec, json_schema_input_type=DeckSpec)]


class SourceIn(BaseModel):
    """A source file for a brief, sent inside the JSON body."""

    model_config = ConfigDict(extra="forbid")

    name: StrictStr = Field(min_length=1, max_length=255,
                            description="the file's name; its ending says its kind "
                                        "(.pdf .docx .pptx .xlsx .csv .md .txt)")
    content_base64: StrictStr = Field(description="the file's bytes, base64-encoded")


class PptxIn(BaseModel):
    """An existing deck to restyle, sent inside the JSON body."""

    model_config = ConfigDict(extra="forbid")

    name: StrictStr = Field(default="deck.pptx", min_length=1, max_length=255,
                            description="the file's name (shown in messages)")
    content_base64: StrictStr = Field(description="the .pptx bytes, base64-encoded")


class CreateDeck(BaseModel):
    """Exactly one source: a Markdown outline, a DeckSpec, or a brief for the LLM."""

    model_config = ConfigDict(extra="forbid")

    outline: StrictStr | None = Field(
        default=None, description="Markdown outline (see the outline syntax guide)")
    spec: SpecInput | None = Field(default=None, description="a DeckSpec")
    brief: Text | None = Field(
        default=None, max_length=BRIEF_MAX_CHARS,
        description="a brief drafted into a deck by the LLM (needs OPENAI_API_KEY)")
    asset: StrictInt | None = Field(
        default=None, ge=1, description="design asset id (GET /api/designs); omit for the "
                                         "built-in design")
    pptx: PptxIn | None = Field(
        default=None, description="an existing .pptx restyled into the design 'asset': read "
                                   "into a DeckSpec (charts, tables, pictures, notes kept) and "
                                   "rendered again (within the request body limit)")
    source_files: list[SourceIn] | None = Field(
        default=None, max_length=20,
        description="material for a brief: the deck is drafted from it and every number "
                    "checked against it (within the request body limit)")

    @model_validator(mode="after")
    def _exactly_one_source(self) -> CreateDeck:
        if len(self.sources()) != 1:
            raise ValueError(_("Give exactly one of 'outline', 'spec', 'brief' or 'pptx'.")
                             if self.pptx else
                             _("Give exactly one of 'outline', 'spec' or 'brief'."))
        if self.source_files and not self.brief:
            raise ValueError(_("'source_files' go with a 'brief'."))
        return self

    def sources(self) -> list[str]:
        return [key for key in ("outline", "spec", "brief", "pptx") if getattr(self, key)]


class LintOut(BaseModel):
    summary: dict[str, Any]
    issues: list[dict[str, Any]]


class DeckOut(BaseModel):
    """One deck (one version): its state, lint result and links."""

    model_config = ConfigDict(extra="allow")

    id: int
    title: str
    status: Status
    problems: int | None = Field(default=None,
                                 description="lint errors of a finished deck (0 = clean)")
    stage: str
    progress: int = Field(ge=0, le=100)
    version: int
    slide_count: int
    lint: LintOut | None
    error: str | None
    asset: int | None
    created_at: datetime
    finished_at: datetime | None
    url: str = Field(description="the deck's page")
    download_url: str | None = Field(description="the .pptx, once the deck is done")


class DeckList(BaseModel):
    count: int = Field(description="decks matching the filter")
    next: str | None
    previous: str | None
    results: list[DeckOut]


class SlidePictures(BaseModel):
    id: int
    slides: list[str] = Field(description="one PNG link per slide, in order (empty until "
                                          "rendered)")
    pdf: str | None


class DesignOut(BaseModel):
    id: int
    filename: str
    category: str
    slide_count: int
    patterns: int = Field(description="how many design patterns were learned")
    learned_at: datetime | None
    created_at: datetime


class DesignList(BaseModel):
    results: list[DesignOut]
    default: str = Field(description="what is used when a deck names no asset")


class DeletedOut(BaseModel):
    deleted: list[int] = Field(description="the ids removed (the deck and its later versions)")


class ValidateIn(BaseModel):
    source: StrictStr = ""
    format: Literal["markdown", "spec"] = Field(default="markdown",
                                                description="spec = JSON DeckSpec text")
    asset: StrictInt | None = Field(default=None, ge=1,
                                    description="design asset id the text is fitted in; "
                                                "omit for the built-in design")


class ValidateOut(BaseModel):
    ok: bool
    slides: int | None = None
    kinds: list[str] | None = None
    title: str | None = None
    fitted: int | None = Field(default=None, description="slides whose text was fitted in "
                               "the design (all of them unless the check's time ran out)")
    message: str | None = Field(default=None, description="the result in words, in the "
                                "request's language")
    error: str | None = None
    problems: list[dict[str, Any]] | None = None


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text = Field(default="", max_length=100)


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str = Field(description="the first characters of the key")
    state: str
    active: bool
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    key: str = Field(description="the key: shown this once, stored only as a hash")


class TokenList(BaseModel):
    results: list[TokenOut]


class CacheStats(BaseModel):
    model_config = ConfigDict(extra="allow")

    hit_rate_percent: float
    entries: int
    size_bytes: int


class OpenObject(BaseModel):
    """A JSON object whose keys the operations side owns."""

    model_config = ConfigDict(extra="allow")
