"""What was learned from a design, in words a consultant knows: the design page's content.

Reads the learned patterns only (no file, no rendering): per layout decks use,
the slide kinds it serves, its free area and placeholders as shares of the
slide (drawn over its picture), the colours behind its title and body; the
theme colours and fonts under PowerPoint's own names; what each quality score
measures; and what intake removed or skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from generator.learning import learn
from generator.learning.learned_design import layout_map
from generator.models import DesignAsset

# PowerPoint's names for the theme colour slots (Design > Variants > Colors > Customize)
COLOR_NAMES = {
    "dk1": _("Text/Background – Dark 1"), "lt1": _("Text/Background – Light 1"),
    "dk2": _("Text/Background – Dark 2"), "lt2": _("Text/Background – Light 2"),
    "accent1": _("Accent 1"), "accent2": _("Accent 2"), "accent3": _("Accent 3"),
    "accent4": _("Accent 4"), "accent5": _("Accent 5"), "accent6": _("Accent 6"),
    "hlink": _("Hyperlink"),
}
FONT_NAMES = {
    "major_latin": _("Headings (Latin)"), "minor_latin": _("Body text (Latin)"),
    "major_ea": _("Headings (Japanese and other East Asian)"),
    "minor_ea": _("Body text (Japanese and other East Asian)"),
}
KIND_NAMES = {
    "cover": _("Cover"), "section": _("Section divider"), "appendix": _("Appendix divider"),
    "*": _("Every other slide: agenda, summary, message, charts, tables, matrices, "
           "timelines, next steps"),
}
PLACEHOLDER_NAMES = {"TITLE": _("Title"), "CENTER_TITLE": _("Title"),
                     "VERTICAL_TITLE": _("Title"), "SUBTITLE": _("Subtitle"),
                     "BODY": _("Body"), "OBJECT": _("Body")}
SCORES = {  # pattern type -> (what it is, what its score measures)
    "theme_colors": (_("Theme colours"), _(
        "How well the dark text colour reads on the light background (7:1 contrast or better "
        "scores full marks), and whether all theme colours are set.")),
    "theme_fonts": (_("Theme fonts"), _(
        "How many of the four theme fonts (headings and body, Latin and East Asian) the file "
        "sets; a missing one is replaced by the built-in font.")),
    "slide_size": (_("Slide size"), _("Read exactly from the file.")),
    "grid": (_("Grid"), _(
        "The share of shapes whose left edge sits on a common guide line: high means a tidy, "
        "aligned deck whose margins decks can reuse.")),
    "layout": (_("Layouts"), _(
        "How sure the learner is of the slide kind each layout serves, judged from its name "
        "and its placeholders.")),
    "slide": (_("Example slides"), _(
        "Per slide of the uploaded deck: how well its shapes align to the grid and how much "
        "text it carries (up to 400 characters a slide scores full marks).")),
    "typography": (_("Typography"), _(
        "How few font families the deck uses: two or fewer score full marks.")),
    "chart_style": (_("Chart style"), _(
        "How much of the chart styling (series colours, labels, gridlines, legend) the file "
        "spells out.")),
    "table_style": (_("Table style"), _(
        "How much of the table styling (style, header row, banding) the file spells out.")),
}
TITLE_TYPES = ("TITLE", "CENTER_TITLE", "VERTICAL_TITLE")
BODY_TYPES = ("BODY", "OBJECT", "SUBTITLE")


@dataclass
class Box:
    """A rectangle as percentages of the slide (CSS left/top/width/height)."""

    left: float
    top: float
    width: float
    height: float
    label: str = ""

    @classmethod
    def of(cls, geometry, width: int, height: int, label: str = "") -> Box | None:
        if not geometry or not width or not height:
            return None
        x, y, w, h = (int(v) for v in geometry[:4])
        return cls(round(100 * x / width, 2), round(100 * y / height, 2),
                   round(100 * w / width, 2), round(100 * h / height, 2), label)


@dataclass
class LayoutView:
    name: str
    kinds: list[str]
    free: Box | None = None
    placeholders: list[Box] = field(default_factory=list)
    behind_title: str | None = None
    behind_body: str | None = None
    background: str | None = None
    source: str = ""  # "picture": colours and free area seen on it; "xml": read from the file
    picture: int | None = None


def describe(asset: DesignAsset) -> dict:
    """Everything the design page shows of `asset` beyond its pictures."""
    patterns: dict[str, list] = {}
    for pattern in asset.patterns.order_by("pk"):
        patterns.setdefault(pattern.pattern_type, []).append(pattern)
    size = patterns["slide_size"][0].pattern_data if "slide_size" in patterns else {}
    return {
        "layouts": layouts(patterns.get("layout", []), int(size.get("width", 0)),
                           int(size.get("height", 0))),
        "aspect": _aspect(size),
        "colors": colors(patterns.get("theme_colors", [])),
        "fonts": fonts(patterns.get("theme_fonts", [])),
        "scores": scores(patterns),
        "skipped": learn.warnings(asset),
    }


def _aspect(size: dict) -> str:
    """The slide's width / height for CSS `aspect-ratio` (16 / 9 when unknown)."""
    width, height = int(size.get("width", 0)), int(size.get("height", 0))
    return f"{width} / {height}" if width and height else "16 / 9"


def layouts(rows: list, width: int, height: int) -> list[LayoutView]:
    """The layouts decks use, each with the kinds it serves (cover first, content next)."""
    data_of: dict[str, dict] = {}
    for row in rows:  # the first layout of a name is the one decks get (and the probe saw)
        data_of.setdefault(row.pattern_name, row.pattern_data)
    mapping = layout_map([(row.pattern_name, row.pattern_data) for row in rows])
    served: dict[str, list[str]] = {}
    for kind in ("cover", "*", "section", "appendix"):
        name = mapping.get(kind) or mapping.get("*")
        if name:
            served.setdefault(name, []).append(str(KIND_NAMES[kind]))
    return [_layout_view(name, kinds, data_of.get(name, {}), width, height)
            for name, kinds in served.items()]


def _layout_view(name: str, kinds: list[str], data: dict, width: int, height: int
                 ) -> LayoutView:
    probe = data.get("probe") or {}
    view = LayoutView(name=name, kinds=kinds, source=str(probe.get("source") or ""),
                      background=_hex(probe.get("background")),
                      free=Box.of(probe.get("free"), width, height))
    for placeholder in data.get("placeholders", []):
        label = PLACEHOLDER_NAMES.get(placeholder.get("type"))
        box = Box.of(placeholder.get("geometry"), width, height, str(label or ""))
        if label and box:
            view.placeholders.append(box)
    for seen in probe.get("placeholders", {}).values():
        color = _hex(seen.get("median"))
        if seen.get("type") in TITLE_TYPES and view.behind_title is None:
            view.behind_title = color
        elif seen.get("type") in BODY_TYPES and view.behind_body is None:
            view.behind_body = color
    return view


def _hex(value) -> str | None:
    text = str(value or "").strip().lstrip("#").upper()
    return text if len(text) == 6 and all(c in "0123456789ABCDEF" for c in text) else None


def colors(rows: list) -> list[dict]:
    """The theme colours that are set, under PowerPoint's names: {"name", "hex"}."""
    return _named_slots(rows, COLOR_NAMES, "hex", _hex)


def fonts(rows: list) -> list[dict]:
    """The four theme fonts under PowerPoint's names: {"name", "face"} ("" when not set)."""
    return _named_slots(rows, FONT_NAMES, "face", lambda value: value or "")


def _named_slots(rows: list, names: dict, field: str, read) -> list[dict]:
    """One row per slot of `names` in the first pattern's data, `{"name": its name, field:
    read(its value)}`, in the order of `names`; a slot `read` turns into None is left out."""
    data = rows[0].pattern_data if rows else {}
    values = [(label, read(data.get(slot))) for slot, label in names.items()]
    return [{"name": str(label), field: value} for label, value in values if value is not None]


def scores(patterns: dict[str, list]) -> list[dict]:
    """One line per kind of pattern: its mean score (0..100) and what the score measures."""
    found = []
    for kind, (title, meaning) in SCORES.items():
        rows = patterns.get(kind, [])
        if rows:
            value = sum(row.quality_score for row in rows) / len(rows)
            found.append({"title": str(title), "meaning": str(meaning), "count": len(rows),
                          "percent": round(100 * value), "score": round(value, 2)})
    return found
