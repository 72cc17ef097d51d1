"""DeckSpec: the one description of a deck.

Every input (Markdown outline, JSON, an LLM draft) becomes a `DeckSpec`; the
renderer reads nothing else.  The JSON Schema of `DeckSpec` is what the API
accepts and what the LLM is asked to fill.

Rules that hold for every slide kind:
- content slides carry an action `title` (one full-sentence takeaway), an
  optional `tracker` label, `source` and `footnote` lines and speaker `notes`;
- text is plain Unicode: control characters are refused with the place named;
- sizes are bounded so that no input can make an unreadable or endless deck.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from generator.errors import SpecError

SCHEMA_VERSION = "1"
MAX_SLIDES = 500
MAX_TITLE_CHARS = 300
MAX_TEXT_CHARS = 1000
MAX_NOTES_CHARS = 20000

# C0/C1 controls other than tab and newline break the XML of a .pptx.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")


def _clean_text(value: Any) -> Any:
    """Normalise line ends and NFC; refuse control characters and lone surrogates."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    bad = _CONTROL.search(value)
    if bad:
        raise ValueError(_("contains the control character U+%(code)04X")
                         % {"code": ord(bad.group())})
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(_("contains an unpaired surrogate (not valid Unicode)")) from exc
    return unicodedata.normalize("NFC", value).strip()


def _text(max_chars: int, min_chars: int = 0):
    return Annotated[
        str,
        StringConstraints(min_length=min_chars, max_length=max_chars),
        BeforeValidator(_clean_text),
    ]


Title = _text(MAX_TITLE_CHARS, 1)
ShortText = _text(200)
Text = _text(MAX_TEXT_CHARS)
Notes = _text(MAX_NOTES_CHARS)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _point_from_str(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


class Point(_Model):
    """A bullet with optional second-level bullets."""

    text: Text = Field(min_length=1)
    sub: list[Text] = Field(default_factory=list, max_length=8)


PointItem = Annotated[Point, BeforeValidator(_point_from_str)]


class _Slide(_Model):
    """Fields every slide shares."""

    notes: Notes = ""


class _ContentSlide(_Slide):
    """A content slide: an action title plus the shared furniture."""

    title: Title
    tracker: ShortText = ""
    source: Text = ""
    footnote: Text = ""
    sticker: ShortText = Field(
        default="", description="a label in the top corner, e.g. 'Preliminary'; "
                                "empty takes the deck's")


# -- structural slides ----------------------------------------------------------
class CoverSlide(_Slide):
    kind: Literal["cover"]
    title: Title
    subtitle: Text = ""
    author: ShortText = ""
    date: ShortText = ""


class AgendaSlide(_ContentSlide):
    kind: Literal["agenda"]
    items: list[ShortText] = Field(min_length=1, max_length=12)
    current: int | None = Field(default=None, ge=1, description="1-based item to highlight")

    @model_validator(mode="after")
    def _current_in_range(self) -> AgendaSlide:
        if self.current is not None and self.current > len(self.items):
            raise ValueError(_("current=%(current)d but there are %(count)d items")
                             % {"current": self.current, "count": len(self.items)})
        return self


class SectionSlide(_Slide):
    kind: Literal["section"]
    title: Title
    number: ShortText = ""
    subtitle: Text = ""


class AppendixSlide(_Slide):
    """Starts the appendix: later slides carry an appendix tracker unless they set one."""

    kind: Literal["appendix"]
    title: Title = "Appendix"
    subtitle: Text = ""


# -- text slides ------------------------------------------------------------------
class ExecutiveSummarySlide(_ContentSlide):
    kind: Literal["executive_summary"]
    points: list[PointItem] = Field(min_length=1, max_length=8)


class ImageRef(_Model):
    """A picture next to the message: a file in the outline's folder.

    Only a spec validated with that folder (`load_spec(..., base_dir=...)`, the
    command line) may name one: the web and the API have no folder of theirs,
    and resolving against the worker's own folder served other users' files.
    """

    path: _text(500, 1)
    alt: Text = ""

    @field_validator("path")
    @classmethod
    def _a_file_in_the_folder(cls, value: str, info: ValidationInfo) -> str:
        problem = picture_path_problem(value)
        if problem:
            raise ValueError(problem)
        if not (info.context or {}).get("pictures_from"):
            raise ValueError(no_local_pictures())
        return value


def no_local_pictures() -> str:
    """Why a picture is refused where no outline folder was given (web, API, workers)."""
    return _("pictures can only be embedded from the command line (manage.py generate, "
             "from the outline's folder); an outline or spec sent through the web or the "
             "API cannot embed a file: remove the picture")
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def picture_path_problem(path: str) -> str | None:
    """Why `path` cannot name a picture inside the outline's folder (None when it can).

    Remote addresses are never fetched; absolute paths, drive letters, backslashes
    and `..` could leave the folder.
    """
    if _URL_SCHEME.match(path) or path.startswith("//"):
        return _("remote pictures (URLs, data: and file: addresses) are not fetched; use a "
                 "file next to the outline")
    if path.startswith("/") or "\\" in path:
        return _("a picture path is relative to the outline's folder, with '/' between "
                 "folders")
    if ".." in path.split("/"):
        return _("a picture path cannot leave the outline's folder ('..')")
    return None


class MessageSlide(_ContentSlide):
    """One message with supporting points (and optionally a picture or a callout)."""

    kind: Literal["message"]
    points: list[PointItem] = Field(default_factory=list, max_length=60)
    image: ImageRef | None = None
    callout: Text = ""


class Column(_Model):
    heading: ShortText = ""
    points: list[PointItem] = Field(default_factory=list, max_length=12)


class TwoColumnSlide(_ContentSlide):
    kind: Literal["two_column"]
    left: Column
    right: Column


class QuoteSlide(_ContentSlide):
    kind: Literal["quote"]
    quote: _text(600, 1)
    attribution: ShortText = ""


class Metric(_Model):
    value: _text(20, 1)
    label: ShortText = Field(min_length=1)
    delta: _text(20) = ""
    trend: Literal["up", "down", "flat"] | None = None
    good: bool | None = Field(default=None, description="whether the delta is good news")


class KpiSlide(_ContentSlide):
    kind: Literal["kpi"]
    metrics: list[Metric] = Field(min_length=1, max_length=6)


class Action(_Model):
    action: Text = Field(min_length=1)
    owner: ShortText = ""
    due: ShortText = ""


class NextStepsSlide(_ContentSlide):
    kind: Literal["next_steps"]
    actions: list[Action] = Field(min_length=1, max_length=40)


# -- charts -------------------------------------------------------------------------
ChartType = Literal[
    "column",
    "bar",
    "stacked_column",
    "stacked_bar",
    "stacked100_column",
    "stacked100_bar",
    "line",
    "pie",
    "doughnut",
    "waterfall",
    "scatter",
    "bubble",
]
CHART_TYPES = frozenset(get_args(ChartType))
CATEGORY_TYPES = {
    "column", "bar", "stacked_column", "stacked_bar", "stacked100_column",
    "stacked100_bar", "line", "pie", "doughnut", "waterfall",
}
XY_TYPES = {"scatter", "bubble"}
# The most categories (or XY points) a readable chart of each type can carry.
MAX_CATEGORIES = {
    "column": 40, "bar": 30, "stacked_column": 40, "stacked_bar": 30,
    "stacked100_column": 40, "stacked100_bar": 30, "line": 400,
    "pie": 12, "doughnut": 12, "waterfall": 30, "scatter": 1000, "bubble": 200,
}
MAX_SERIES = 12


class Series(_Model):
    name: ShortText = Field(min_length=1)
    values: list[float | None] = Field(min_length=1, max_length=1000)


class XYPoint(_Model):
    x: float
    y: float
    size: float | None = Field(default=None, ge=0, description="bubble size (bubble charts)")
    label: ShortText = ""
    series: ShortText = ""


class ChartSpec(_Model):
    type: ChartType
    categories: list[ShortText] = Field(default_factory=list, max_length=1000)
    series: list[Series] = Field(default_factory=list, max_length=MAX_SERIES)
    points: list[XYPoint] = Field(default_factory=list, max_length=1000)
    totals: list[int] = Field(
        default_factory=list, description="waterfall: 0-based categories drawn as totals"
    )
    number_format: _text(40) = ""
    unit: ShortText = ""
    x_title: ShortText = ""
    y_title: ShortText = ""
    data_labels: bool = True
    legend: bool | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ChartSpec:
        limit = MAX_CATEGORIES[self.type]
        if self.type in XY_TYPES:
            _check_xy(self, limit)
        else:
            _check_categories(self, limit)
        return self


def _check_xy(chart: ChartSpec, limit: int) -> None:
    if not chart.points:
        raise ValueError(_("a %(type)s chart needs at least one point in 'points'")
                         % {"type": chart.type})
    if len(chart.points) > limit:
        raise ValueError(_("%(count)d points; a %(type)s chart takes at most %(limit)d")
                         % {"count": len(chart.points), "type": chart.type, "limit": limit})
    if chart.type == "bubble" and any(p.size is None for p in chart.points):
        raise ValueError(_("every point of a bubble chart needs a 'size'"))


def _check_categories(chart: ChartSpec, limit: int) -> None:
    if not chart.categories:
        raise ValueError(_("a %(type)s chart needs at least one category") % {"type": chart.type})
    if not chart.series:
        raise ValueError(_("a %(type)s chart needs at least one series") % {"type": chart.type})
    if len(chart.categories) > limit:
        raise ValueError(_("%(count)d categories; a %(type)s chart takes at most %(limit)d")
                         % {"count": len(chart.categories), "type": chart.type, "limit": limit})
    for index, series in enumerate(chart.series):
        if len(series.values) != len(chart.categories):
            raise ValueError(_("series[%(index)d] '%(name)s' has %(values)d values for "
                               "%(categories)d categories")
                             % {"index": index, "name": series.name,
                                "values": len(series.values),
                                "categories": len(chart.categories)})
        if all(value is None for value in series.values):
            raise ValueError(_("series[%(index)d] '%(name)s' has no values")
                             % {"index": index, "name": series.name})
    if chart.type in {"pie", "doughnut"}:
        _check_pie(chart)
    if chart.type == "waterfall":
        _check_waterfall(chart)


def _check_pie(chart: ChartSpec) -> None:
    if chart.type == "pie" and len(chart.series) != 1:
        raise ValueError(_("a pie chart takes exactly one series"))
    for series in chart.series:
        if any(value is not None and value < 0 for value in series.values):
            raise ValueError(_("series '%(name)s': a %(type)s chart cannot show negatives")
                             % {"name": series.name, "type": chart.type})


def _check_waterfall(chart: ChartSpec) -> None:
    if len(chart.series) != 1:
        raise ValueError(_("a waterfall chart takes exactly one series (the steps)"))
    bad = [t for t in chart.totals if not 0 <= t < len(chart.categories)]
    if bad:
        raise ValueError(_("totals %(bad)s are not category indexes (0..%(last)d)")
                         % {"bad": bad, "last": len(chart.categories) - 1})
    if any(value is None for value in chart.series[0].values):
        raise ValueError(_("a waterfall step cannot be empty"))


class ChartSlide(_ContentSlide):
    """A native chart, optionally with commentary points beside it."""

    kind: Literal["chart"]
    chart: ChartSpec
    points: list[PointItem] = Field(default_factory=list, max_length=5)
    takeaway: Text = Field(default="", description="the 'so what' in a box beside the content")


# -- matrices -------------------------------------------------------------------------
class Axis(_Model):
    label: ShortText = Field(min_length=1)
    low: ShortText = ""
    high: ShortText = ""


class Quadrant(_Model):
    title: ShortText = Field(min_length=1)
    text: Text = ""


class MatrixItem(_Model):
    label: ShortText = Field(min_length=1)
    x: float = Field(ge=0, le=1)
    y: float = Field(ge=0, le=1)


class MatrixSlide(_ContentSlide):
    """A 2x2: quadrants in reading order (top-left, top-right, bottom-left, bottom-right)."""

    kind: Literal["matrix"]
    x_axis: Axis
    y_axis: Axis
    quadrants: list[Quadrant] = Field(min_length=4, max_length=4)
    items: list[MatrixItem] = Field(default_factory=list, max_length=20)
    highlight: int | None = Field(default=None, ge=1, le=4, description="1-based quadrant")
    takeaway: Text = Field(default="", description="the 'so what' in a box beside the content")


class GrowthShareItem(_Model):
    name: ShortText = Field(min_length=1)
    market_growth: float = Field(ge=-100, le=1000, description="market growth, percent per year")
    relative_share: float = Field(gt=0, le=100, description="share relative to the largest rival")
    revenue: float = Field(gt=0, description="bubble size")


class GrowthShareSlide(_ContentSlide):
    """The growth-share (BCG) matrix: growth vs relative share, bubble = revenue."""

    kind: Literal["growth_share"]
    items: list[GrowthShareItem] = Field(min_length=1, max_length=25)
    growth_threshold: float = 10.0
    share_threshold: float = Field(default=1.0, gt=0)
    quadrant_labels: list[ShortText] = Field(
        default_factory=list,
        description="stars, question marks, cash cows, dogs; empty uses the deck language",
    )
    x_title: ShortText = ""
    y_title: ShortText = ""
    takeaway: Text = Field(default="", description="the 'so what' in a box beside the content")

    @field_validator("quadrant_labels")
    @classmethod
    def _four_labels(cls, value: list[str]) -> list[str]:
        if value and len(value) != 4:
            raise ValueError(_("give all four quadrant labels or none"))
        return value


# -- tables -------------------------------------------------------------------------------
RagStatus = Literal["red", "amber", "green"]


def _cell_from_scalar(value: Any) -> Any:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return {"text": value}
    if value is None:
        return {"text": ""}
    return value


class Cell(_Model):
    """A table cell: text, a Harvey ball (0-4 quarters) or a RAG status."""

    text: Text = ""
    harvey: int | None = Field(default=None, ge=0, le=4)
    rag: RagStatus | None = None
    bold: bool = False


CellItem = Annotated[Cell, BeforeValidator(_cell_from_scalar)]


class TableSlide(_ContentSlide):
    kind: Literal["table"]
    columns: list[ShortText] = Field(min_length=1, max_length=10)
    rows: list[list[CellItem]] = Field(min_length=1, max_length=300)
    takeaway: Text = Field(default="", description="the 'so what' in a box beside the content")
    first_column_bold: bool = True

    @model_validator(mode="after")
    def _rectangular(self) -> TableSlide:
        width = len(self.columns)
        for index, row in enumerate(self.rows):
            if len(row) != width:
                raise ValueError(_("rows[%(index)d] has %(cells)d cells for %(columns)d columns")
                                 % {"index": index, "cells": len(row), "columns": width})
        return self


# -- diagrams ---------------------------------------------------------------------------
class Milestone(_Model):
    when: ShortText = Field(min_length=1)
    label: ShortText = Field(min_length=1)
    detail: Text = ""


class Bar(_Model):
    label: ShortText = Field(min_length=1)
    start: ShortText = Field(min_length=1, description="a name from periods")
    end: ShortText = Field(min_length=1, description="a name from periods")


class Lane(_Model):
    name: ShortText = Field(min_length=1)
    bars: list[Bar] = Field(min_length=1, max_length=8)


class TimelineSlide(_ContentSlide):
    """Milestones on a line, or a roadmap of lanes across periods (give one of the two)."""

    kind: Literal["timeline"]
    milestones: list[Milestone] = Field(default_factory=list, max_length=10)
    periods: list[ShortText] = Field(default_factory=list, max_length=16)
    lanes: list[Lane] = Field(default_factory=list, max_length=8)

    @model_validator(mode="after")
    def _one_form(self) -> TimelineSlide:
        if bool(self.milestones) == bool(self.lanes):
            raise ValueError(_("give either milestones or lanes (with periods), not both or "
                               "neither"))
        if self.lanes:
            _check_roadmap(self)
        elif len(self.milestones) < 2:
            raise ValueError(_("a timeline needs at least two milestones"))
        return self


def _check_roadmap(slide: TimelineSlide) -> None:
    if len(slide.periods) < 2:
        raise ValueError(_("a roadmap needs at least two periods"))
    index = {name: i for i, name in enumerate(slide.periods)}
    for lane in slide.lanes:
        for bar in lane.bars:
            for end in (bar.start, bar.end):
                if end not in index:
                    raise ValueError(_("lane '%(lane)s': '%(end)s' is not one of the periods")
                                     % {"lane": lane.name, "end": end})
            if index[bar.start] > index[bar.end]:
                raise ValueError(_("lane '%(lane)s': bar '%(bar)s' ends before it starts")
                                 % {"lane": lane.name, "bar": bar.label})


class Step(_Model):
    title: ShortText = Field(min_length=1)
    detail: list[Text] = Field(default_factory=list, max_length=5)


class ProcessSlide(_ContentSlide):
    kind: Literal["process"]
    steps: list[Step] = Field(min_length=2, max_length=7)


class TreeNode(_Model):
    text: ShortText = Field(min_length=1)
    children: list[TreeNode] = Field(default_factory=list, max_length=6)


def _tree_depth(node: TreeNode) -> int:
    return 1 + max((_tree_depth(child) for child in node.children), default=0)


def _tree_leaves(node: TreeNode) -> int:
    return sum(_tree_leaves(child) for child in node.children) if node.children else 1


class IssueTreeSlide(_ContentSlide):
    """A logic tree drawn left to right; at most 4 levels and 16 leaves."""

    kind: Literal["issue_tree"]
    root: TreeNode

    @model_validator(mode="after")
    def _bounded(self) -> IssueTreeSlide:
        if _tree_depth(self.root) > 4:
            raise ValueError(_("an issue tree takes at most 4 levels"))
        if _tree_leaves(self.root) > 16:
            raise ValueError(_("an issue tree takes at most 16 leaves; split it over two slides"))
        if not self.root.children:
            raise ValueError(_("the root of an issue tree needs at least one branch"))
        return self


Slide = Annotated[
    Union[
        CoverSlide,
        AgendaSlide,
        SectionSlide,
        ExecutiveSummarySlide,
        MessageSlide,
        TwoColumnSlide,
        ChartSlide,
        MatrixSlide,
        GrowthShareSlide,
        TableSlide,
        TimelineSlide,
        ProcessSlide,
        IssueTreeSlide,
        KpiSlide,
        QuoteSlide,
        NextStepsSlide,
        AppendixSlide,
    ],
    Field(discriminator="kind"),
]
SLIDE_KINDS: tuple[str, ...] = (
    "cover", "agenda", "section", "executive_summary", "message", "two_column", "chart",
    "matrix", "growth_share", "table", "timeline", "process", "issue_tree", "kpi",
    "quote", "next_steps", "appendix",
)


class DeckSpec(_Model):
    """A whole deck: metadata and its slides in order."""

    title: Title
    subtitle: Text = ""
    author: ShortText = ""
    date: ShortText = ""
    language: Literal["ja", "en"] | None = Field(
        default=None, description="ja or en; detected from the text when omitted"
    )
    confidentiality: ShortText = ""
    sticker: ShortText = Field(
        default="", description="a label on every content slide, e.g. 'Draft for discussion'")
    slides: list[Slide] = Field(min_length=1, max_length=MAX_SLIDES)

    @property
    def lang(self) -> str:
        """The deck language: as given, else `ja` when the titles contain Japanese."""
        if self.language:
            return self.language
        sample = self.title + "".join(getattr(s, "title", "") for s in self.slides[:20])
        return "ja" if _CJK.search(sample) else "en"


# -- loading and errors ---------------------------------------------------------------------
def _place(loc: tuple[Any, ...], data: Any) -> str:
    """'slide 3 (chart): chart.series[0].values' from a pydantic error location."""
    if len(loc) >= 2 and loc[0] == "slides" and isinstance(loc[1], int):
        number = loc[1] + 1
        rest = list(loc[2:])
        kind = rest.pop(0) if rest and rest[0] in SLIDE_KINDS else _kind_at(data, loc[1])
        field = _dotted(rest)
        if len(field) > 200:  # a structure nested hundreds deep
            field = field[:200] + "…"
        head = f"slide {number}" + (f" ({kind})" if kind else "")
        return f"{head}: {field}" if field else head
    return _dotted(list(loc)) or "deck"


def _kind_at(data: Any, index: int) -> str:
    try:
        return str(data["slides"][index].get("kind", ""))
    except (KeyError, IndexError, TypeError, AttributeError):
        return ""


def _dotted(parts: list[Any]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not str(part).startswith("function-"):
            text += ("." if text else "") + str(part)
    return text


def _message(error: dict[str, Any]) -> str:
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    if error["type"] == "union_tag_invalid":
        message = _("unknown slide kind %(kind)r; known: %(kinds)s") % {
            "kind": error["input"].get("kind"), "kinds": ", ".join(SLIDE_KINDS)}
    return _translated(error, message)


def _translated(error: dict[str, Any], message: str) -> str:
    """pydantic's message for the common error types, in the user's language (each
    English text is pydantic's own, so English messages read as before)."""
    ctx = error.get("ctx") or {}
    kind = error["type"]
    simple = {
        "missing": _("Field required"),
        "extra_forbidden": _("Extra inputs are not permitted"),
        "float_type": _("Input should be a valid number"),
        "float_parsing": _("Input should be a valid number, unable to parse string as a "
                           "number"),
        "int_type": _("Input should be a valid integer"),
        "int_parsing": _("Input should be a valid integer, unable to parse string as an "
                         "integer"),
        "string_type": _("Input should be a valid string"),
    }
    if kind in simple:
        return simple[kind]
    if kind == "literal_error":
        return _("Input should be %(expected)s") % {"expected": ctx.get("expected", "")}
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        text = {"greater_than_equal": _("Input should be greater than or equal to %(bound)s"),
                "greater_than": _("Input should be greater than %(bound)s"),
                "less_than_equal": _("Input should be less than or equal to %(bound)s"),
                "less_than": _("Input should be less than %(bound)s")}[kind]
        bound = next((ctx[key] for key in ("ge", "gt", "le", "lt") if key in ctx), "")
        return text % {"bound": bound}
    if kind in ("string_too_long", "string_too_short"):
        bound = int(ctx.get("max_length" if kind == "string_too_long" else "min_length", 0))
        text = (ngettext("String should have at most %(bound)d character",
                         "String should have at most %(bound)d characters", bound)
                if kind == "string_too_long" else
                ngettext("String should have at least %(bound)d character",
                         "String should have at least %(bound)d characters", bound))
        return text % {"bound": bound}
    if kind in ("too_short", "too_long") and ctx.get("field_type") == "List":
        bound = int(ctx.get("min_length" if kind == "too_short" else "max_length", 0))
        text = (ngettext("List should have at least %(bound)d item after validation, not "
                         "%(actual)s", "List should have at least %(bound)d items after "
                         "validation, not %(actual)s", bound)
                if kind == "too_short" else
                ngettext("List should have at most %(bound)d item after validation, not "
                         "%(actual)s", "List should have at most %(bound)d items after "
                         "validation, not %(actual)s", bound))
        return text % {"bound": bound, "actual": ctx.get("actual_length")}
    return message


def problems_from(exc: ValidationError, data: Any) -> list[tuple[str, str]]:
    """Readable (place, message) pairs for a pydantic validation error."""
    return [(_place(tuple(err["loc"]), data), _message(err)) for err in exc.errors()]


def load_spec(data: Any, *, base_dir: Path | None = None) -> DeckSpec:
    """Validate `data` (a dict from JSON) into a `DeckSpec`.

    `base_dir` is the folder pictures come from (the command line's outline
    folder); without it a spec naming a picture is refused.  Raises `SpecError`
    whose message lists every problem with its slide number and field, e.g.
    "slide 4 (chart): chart.series[0].values: ...".
    """
    if not isinstance(data, dict):
        raise SpecError(_("a DeckSpec is a JSON object with 'title' and 'slides'"))
    try:
        return DeckSpec.model_validate(data, context={"pictures_from": base_dir})
    except RecursionError:
        raise SpecError(_("the deck spec is nested too deeply to read")) from None
    except ValidationError as exc:
        problems = problems_from(exc, data)
        lines = "\n".join(f"  {place}: {message}" for place, message in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise SpecError(_("the deck spec is not valid:") + f"\n{lines}{more}", problems) from None


def load_spec_json(text: str, *, base_dir: Path | None = None) -> DeckSpec:
    """Parse JSON text and validate it; a syntax error names its line and column."""
    from django.conf import settings

    size = len(text.encode("utf-8", "surrogatepass"))
    if size > settings.MAX_SOURCE_BYTES:
        raise SpecError(_("the spec is %(size)s bytes; the limit is %(limit)s")
                        % {"size": f"{size:,}", "limit": f"{settings.MAX_SOURCE_BYTES:,}"})
    check_source_text(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = _("not valid JSON (%(reason)s)") % {"reason": exc.msg}
        raise SpecError(f"line {exc.lineno}, column {exc.colno}: {message}",
                        [(f"line {exc.lineno}", message)]) from None
    except RecursionError:
        raise SpecError(_("the JSON is nested too deeply to read")) from None
    return load_spec(data, base_dir=base_dir)


# Characters XML 1.0 cannot carry (or PostgreSQL cannot store: NUL), in source text as sent:
# C0 controls but tab, LF and CR; DEL and C1; unpaired surrogates; the non-characters FFFE/FFFF.
_SOURCE_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def source_text_problem(text: str) -> tuple[int, int, str] | None:
    """(line, column, message) of the first character no deck can carry, or None.

    Checked on the raw text before anything parses or stores it, so the validator,
    the command line, the web form and the API refuse the same text (a NUL once
    passed the validator, then failed on PostgreSQL).
    """
    bad = _SOURCE_FORBIDDEN.search(text)
    if bad is None:
        return None
    start = bad.start()
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    message = _("the control character U+%(code)04X is not allowed (it cannot be stored or "
                "written into a slide); remove it")
    return line, column, message % {"code": ord(bad.group())}


def check_source_text(text: str) -> None:
    """Raise `SpecError` naming the line and column of a character no deck can carry."""
    problem = source_text_problem(text)
    if problem is not None:
        line, column, message = problem
        place = _("line %(line)d, column %(column)d") % {"line": line, "column": column}
        raise SpecError(f"{place}: {message}", [(place, message)])


def json_schema() -> dict[str, Any]:
    """The JSON Schema of `DeckSpec` (what the API accepts and the LLM fills)."""
    schema = DeckSpec.model_json_schema()
    schema["$id"] = f"https://bcgslides.local/schema/deckspec-{SCHEMA_VERSION}.json"
    return schema
