"""The language model: the client, its cache, drafting a deck from a brief, and what it costs."""
