"""Learning a house design from uploaded decks and templates: patterns, layouts, their pictures and free areas."""
