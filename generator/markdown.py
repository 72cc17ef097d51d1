"""The offline reader: a Markdown outline to a DeckSpec (see `generator.outline`)."""

from generator.outline import read_outline

__all__ = ["read_outline"]
