"""Which builder draws which slide kind, and how a kind continues onto a second slide."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

Builder = Callable[[Any, Any], None]
Splitter = Callable[[Any], "tuple[Any, Any] | None"]


@dataclass(frozen=True)
class Kind:
    """A slide kind's builder.

    `furniture`: the deck draws tracker, action title, source and page number
    around the builder's body; `split` halves a slide's content when it does
    not fit, for a continuation slide (None: the kind cannot continue).
    """

    name: str
    build: Builder
    furniture: bool = True
    split: Splitter | None = None


KINDS: dict[str, Kind] = {}


def register(name: str, *, furniture: bool = True, split: Splitter | None = None):
    """Decorator: `@register("chart")` over `def build(ctx, slide): ...`."""

    def decorate(build: Builder) -> Builder:
        KINDS[name] = Kind(name=name, build=build, furniture=furniture, split=split)
        return build

    return decorate


def split_list(slide, field: str, minimum: int = 1):
    """Split `slide.<field>` in two halves (a copy each); None when it has too few items."""
    items = getattr(slide, field)
    if len(items) <= minimum:
        return None
    half = (len(items) + 1) // 2
    return (slide.model_copy(update={field: items[:half]}),
            slide.model_copy(update={field: items[half:]}))
