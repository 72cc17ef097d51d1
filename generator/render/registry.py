"""Which builder draws which slide kind, and how a kind continues onto a second slide."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

Builder = Callable[[Any, Any], None]
Splitter = Callable[[Any, Any], "tuple[Any, Any] | None"]


@dataclass(frozen=True)
class Kind:
    """A slide kind's builder.

    `furniture`: the deck draws tracker, action title, source and page number
    around the builder's body; `split(slide, overflow)` cuts a slide's content
    in two when it does not fit, for a continuation slide (None: the kind
    cannot continue).
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


def split_list(slide, field: str, fits: int | None = None, minimum: int = 1):
    """Split `slide.<field>` after `fits` items (or in halves); None when it cannot split."""
    items = getattr(slide, field)
    if len(items) <= minimum:
        return None
    cut = fits if fits and 0 < fits < len(items) else (len(items) + 1) // 2
    return (slide.model_copy(update={field: items[:cut]}),
            slide.model_copy(update={field: items[cut:]}))
