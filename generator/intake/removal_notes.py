"""What learning removed from or skipped in an uploaded file, told to the user.

A note is a small dict (stored as a `DesignPattern` of type "skipped", so the
design page lists it too); its sentence is rendered when shown, in the
reader's language.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

PATTERN_TYPE = "skipped"
_SHOWN_TARGETS = 3


def macros() -> dict:
    return {"kind": "macros"}


def external_links(targets: list[str]) -> dict:
    shown = [t if len(t) <= 60 else f"{t[:57]}..." for t in targets[:_SHOWN_TARGETS]]
    return {"kind": "external_links", "count": len(targets), "targets": shown}


def chart(slide: int, plot_types: list[str]) -> dict:
    return {"kind": "chart", "slide": slide, "plot_types": plot_types[:5]}


def as_pattern(note: dict) -> dict:
    """The pattern row a note is stored as (quality 0: nothing was learned from it)."""
    return {"type": PATTERN_TYPE, "name": note["kind"], "data": note, "score": 0.0}


def message(note: dict) -> str:
    kind = note.get("kind")
    if kind == "macros":
        return _("The file's macros (VBA code) were removed: they are never run, and decks made "
                 "in this design carry none.")
    if kind == "external_links":
        count = int(note.get("count", 0))
        return ngettext(
            "%(count)d link to an outside file or address (a linked picture, video or object) "
            "was removed, so nothing is ever fetched from it: %(targets)s",
            "%(count)d links to outside files or addresses (linked pictures, videos or objects) "
            "were removed, so nothing is ever fetched from them: %(targets)s",
            count) % {"count": count, "targets": ", ".join(note.get("targets", []))}
    if kind == "chart":
        return _("Slide %(slide)d: a chart the learner cannot read (%(kind)s) was skipped; the "
                 "rest of the deck was learned.") % {
            "slide": int(note.get("slide", 0)), "kind": _chart_kind(note.get("plot_types", []))}
    return str(note.get("kind", ""))


def _chart_kind(plot_types: list[str]) -> str:
    if not plot_types:
        return _("unknown chart type")
    if "chartex" in plot_types:
        return _("an Office 2016 chart such as a waterfall, treemap or funnel")
    if any("3D" in name for name in plot_types):
        return _("a 3-D chart: %(types)s") % {"types": ", ".join(plot_types)}
    return ", ".join(plot_types)
