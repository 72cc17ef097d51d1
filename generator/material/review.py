"""Numbers the model wrote that appear in no source: found before the deck is filled.

The storyline review page lists them per slide; the fill and each revision
are checked the same way and the result kept with the material.
"""

from __future__ import annotations

from typing import Any

from generator.material.numbers import Known, unknown
from generator.material.pack import Material


def written_texts(value: Any):
    """Every string in a JSON-like value (titles, points, cells, notes)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("kind", "sources", "data", "language", "type"):
                yield from written_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from written_texts(item)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield f"{value:.10g}"


def slide_flags(slides: list[dict], known: Known) -> dict[int, list[str]]:
    """{1-based slide number: numbers written on it that no source has}."""
    flags = {}
    for number, slide in enumerate(slides, start=1):
        found: list[str] = []
        for text in written_texts(slide):
            found += [n for n in unknown(text, known) if n not in found]
        if found:
            flags[number] = found
    return flags


def storyline_flags(storyline: dict, material: Material, brief: str) -> dict[int, list[str]]:
    """Unknown numbers per storyline slide (0: the situation/complication/resolution)."""
    known = material.known_numbers(brief)
    flags = slide_flags(storyline.get("slides", []), known)
    head = [n for field in ("title", "subtitle", "situation", "complication", "resolution")
            for n in unknown(str(storyline.get(field) or ""), known)]
    if head:
        flags[0] = list(dict.fromkeys(head))
    return flags


def deck_flags(spec: dict, material: Material, brief: str) -> dict[int, list[str]]:
    return slide_flags(spec.get("slides", []), material.known_numbers(brief))
