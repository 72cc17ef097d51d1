"""Helpers of `generator.reading.deck_reader`: native charts and unmapped regions of a read deck."""
