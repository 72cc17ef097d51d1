"""The slide kinds in words a user knows, in the page's language (the codes stay in the data)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from generator.spec import SLIDE_KINDS

LABELS = {
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


def choices() -> list[list[str]]:
    """[code, label] for every kind, in the spec's order (for the storyline editor)."""
    return [[kind, str(LABELS.get(kind, kind))] for kind in SLIDE_KINDS]
