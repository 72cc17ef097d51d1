"""Slide kinds and DeckSpec fields in words a user knows, in the user's language.

The codes (`executive_summary`, `points`) stay in the data, the API and the
outline syntax; what a page or a message shows a person is these names.  A leaf:
error places (`errors.shown_place`) and the pages both use it.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

KINDS = {
    "cover": _("Cover"),
    "agenda": _("Agenda"),
    "section": _("Section divider"),
    "executive_summary": _("Executive summary"),
    "message": _("Message and bullets"),
    "two_column": _("Two columns"),
    "chart": _("Chart"),
    "matrix": _("2×2 matrix"),
    "growth_share": _("Growth-share matrix"),
    "table": _("Table"),
    "timeline": _("Timeline"),
    "process": _("Process"),
    "issue_tree": _("Issue tree"),
    "kpi": _("Key figures"),
    "quote": _("Quote"),
    "next_steps": _("Next steps"),
    "appendix": _("Appendix"),
}

FIELDS = {
    "title": _("title"), "subtitle": _("subtitle"), "points": _("bullets"),
    "text": _("text"), "label": _("label"), "items": _("items"), "sub": _("sub-points"),
    "source": _("source"), "notes": _("speaker notes"), "footnote": _("footnote"),
    "chart": _("chart"), "type": _("type"), "categories": _("categories"),
    "series": _("series"), "values": _("values"), "value": _("value"), "name": _("name"),
    "table": _("table"), "rows": _("rows"), "columns": _("columns"), "heading": _("heading"),
    "left": _("left column"), "right": _("right column"), "steps": _("steps"),
    "quadrants": _("quadrants"), "quadrant_labels": _("quadrant labels"),
    "x_title": _("x-axis title"), "y_title": _("y-axis title"), "x": "x", "y": "y",
    "growth": _("growth"), "share": _("share"), "market_growth": _("growth"),
    "relative_share": _("share"), "revenue": _("revenue"), "quote": _("quote"),
    "attribution": _("attribution"), "metrics": _("metrics"), "unit": _("unit"),
    "callout": _("takeaway"), "milestones": _("milestones"), "actions": _("actions"),
    "owner": _("owner"), "due": _("due"), "root": _("root"), "children": _("branches"),
    "detail": _("detail"), "date": _("date"), "author": _("author"), "slides": _("slides"),
}

_SEGMENT = re.compile(r"[A-Za-z_]+")


def kind_name(code: str) -> str:
    """A slide kind's name; an unknown code is shown as it is."""
    return str(KINDS.get(code, code))


def field_path(path: str) -> str:
    """`points.2.sub` → "bullets.2.sub-points": every known field named, indexes kept."""
    return _SEGMENT.sub(lambda m: str(FIELDS.get(m.group(0), m.group(0))), path)
