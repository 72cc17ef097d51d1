"""Helpers of `generator.deck_reader`: native charts and unmapped regions of a read deck."""
