"""Markdown outlines (pandoc slide Markdown plus our blocks) -> DeckSpec."""

from generator.outline.reader import read_outline

__all__ = ["read_outline"]
