"""Who may see a deck: the one rule behind its page, its files and the API.

The deck page, the .pptx download (page and API), the PDF, the slide pictures and
the API's status all read through `visible_decks`, so none can answer where another
answers 404.  A deck is visible to its owner, and to a user holding the view
permission on presentations (superusers, or staff granted it in the admin, who can
read every deck there already).  Being staff alone grants nothing.  Changing a deck
(edit, storyline) stays with its owner: `lifecycle.get_for_owner`.
"""

from __future__ import annotations

from django.db.models import QuerySet

from generator.decks import lifecycle
from generator.models import GeneratedPresentation

VIEW_ALL_PERMISSION = "generator.view_generatedpresentation"


def can_view_all(user) -> bool:
    return bool(user.is_active and user.has_perm(VIEW_ALL_PERMISSION))


def visible_decks(user) -> QuerySet[GeneratedPresentation]:
    """The decks `user` may open and download."""
    if can_view_all(user):
        return GeneratedPresentation.objects.select_related("asset")
    return lifecycle.for_owner(user)


def get_visible(user, pk: int) -> GeneratedPresentation:
    """Deck `pk` if `user` may see it; raises DoesNotExist otherwise (the caller answers 404)."""
    return visible_decks(user).get(pk=pk)
