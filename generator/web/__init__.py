"""The HTML pages: views, forms and what they show of a deck, a design and a user's tokens."""
