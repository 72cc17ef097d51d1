"""Stored deck files, slide pictures, restyle pictures and brief material no row points at,
removed after a grace time.

A deck is stored before its row records it (so that a failing row leaves no row
pointing at nothing); a worker killed between the two, a row deleted by hand, or
a restore of an older database leaves the file behind.  The sweep runs from a
schedule and only removes what has been unreferenced for longer than any render
can take, so a deck being recorded right now is never touched.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone

from generator import files
from generator.decks import restyle_pictures
from generator.material import pack
from generator.models import GeneratedPresentation

logger = logging.getLogger(__name__)
GRACE = timedelta(hours=6)


def sweep(*, grace: timedelta = GRACE) -> list[str]:
    """Delete the files of decks no row refers to (the deck, its pictures, its restyle
    pictures, its material), older than `grace`; returns the names removed."""
    cutoff = timezone.now() - grace
    removed = _unreferenced_decks(cutoff) + [
        name for prefix in (files.PREVIEWS, restyle_pictures.PICTURES, pack.PREFIX)
        for name in _per_deck_orphans(prefix, cutoff)]
    if removed:
        logger.info("removed %d orphan file(s): %s", len(removed), ", ".join(removed[:20]))
    return removed


def _unreferenced_decks(cutoff) -> list[str]:
    referenced = set(GeneratedPresentation.objects.exclude(file="")
                     .values_list("file", flat=True))
    stale = [name for name in files.list_names(files.DECKS)
             if name not in referenced and files.modified_at(name) < cutoff]
    for name in stale:
        files.delete(name)
    return stale


def _per_deck_orphans(prefix: str, cutoff) -> list[str]:
    """Files under `prefix` of decks whose row is gone, named `<prefix>/<id>/…` (slide
    pictures, pictures read from a restyled deck) or `<prefix>/<id>.json` (a brief's
    material)."""
    owners = {name: _deck_id(name) for name in files.list_names(prefix)}
    alive = {str(pk) for pk in GeneratedPresentation.objects.filter(
        pk__in=[int(i) for i in owners.values() if i.isdigit()]).values_list("pk", flat=True)}
    stale = [name for name, owner in owners.items()
             if owner not in alive and files.modified_at(name) < cutoff]
    for name in stale:
        files.delete(name)
    return stale


def _deck_id(name: str) -> str:
    """The deck id a per-deck name carries: its second part, without a .json ending."""
    return name.split("/")[1].removesuffix(".json")
