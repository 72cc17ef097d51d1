"""The JSON API under /api/, described by OpenAPI 3.1 at /api/schema (django-ninja).

The document is generated from the pydantic models the endpoints validate with
(`schemas`, and the DeckSpec itself), so it cannot drift from what they accept.
"""
