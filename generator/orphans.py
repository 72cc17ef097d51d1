"""Stored deck files, slide pictures and brief material no row points at, removed after a
grace time.

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

from . import files
from .material import pack as material_pack
from .models import GeneratedPresentation

logger = logging.getLogger(__name__)
GRACE = timedelta(hours=6)


def sweep(*, grace: timedelta = GRACE) -> list[str]:
    """Delete deck files and preview folders no row refers to, older than `grace`; returns
    the names removed."""
    cutoff = timezone.now() - grace
    removed = (_unreferenced_decks(cutoff) + _unreferenced_previews(cutoff)
               + _unreferenced_material(cutoff))
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


def _unreferenced_material(cutoff) -> list[str]:
    """material/<id>.json (a brief's read sources) of decks whose row is gone."""
    names = {name: name.rsplit("/", 1)[-1].removesuffix(".json")
             for name in files.list_names(material_pack.PREFIX)}
    alive = {str(pk) for pk in GeneratedPresentation.objects.filter(
        pk__in=[int(i) for i in names.values() if i.isdigit()]).values_list("pk", flat=True)}
    stale = [name for name, pk in names.items()
             if pk not in alive and files.modified_at(name) < cutoff]
    for name in stale:
        files.delete(name)
    return stale


def _unreferenced_previews(cutoff) -> list[str]:
    """previews/<id>/… of decks whose row is gone (a row's pictures go with it otherwise)."""
    names = files.list_names(files.PREVIEWS)
    ids = {name.split("/")[1] for name in names if name.count("/") >= 2}
    alive = {str(pk) for pk in GeneratedPresentation.objects.filter(
        pk__in=[int(i) for i in ids if i.isdigit()]).values_list("pk", flat=True)}
    stale = [name for name in names if name.count("/") >= 2 and name.split("/")[1] not in alive
             and files.modified_at(name) < cutoff]
    for name in stale:
        files.delete(name)
    return stale
