"""The slide kinds for the storyline editor, named in the page's language (codes stay in the data)."""

from __future__ import annotations

from generator.kind_names import kind_name
from generator.spec import SLIDE_KINDS


def choices() -> list[list[str]]:
    """[code, name] for every kind, in the spec's order."""
    return [[kind, kind_name(kind)] for kind in SLIDE_KINDS]
