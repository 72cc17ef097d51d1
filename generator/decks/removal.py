"""Deleting a deck: its row, the versions made from it, their .pptx files and pictures.

Rows go first, in one transaction; the files follow once it has committed, so a
failed deletion never leaves a row pointing at a removed file.  A file that the
sweep (`orphans`) would find later is removed now instead.  A deck still queued
or being generated is refused: its worker would write a file nobody points at.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from generator import files
from generator.decks.restyle_pictures import PICTURES
from generator.errors import GeneratorError
from generator.material import pack
from generator.models import GeneratedPresentation
from generator.previews import deck_pictures

logger = logging.getLogger(__name__)
BUSY = (GeneratedPresentation.Status.QUEUED, GeneratedPresentation.Status.RUNNING)


class DeckInProgress(GeneratorError):
    """The deck (or one of its versions) is queued or being generated."""


def affected(row: GeneratedPresentation) -> list[GeneratedPresentation]:
    """`row` and every row the database deletes with it (the versions whose root it is)."""
    return [row, *GeneratedPresentation.objects.filter(parent=row).exclude(pk=row.pk)]


def delete_deck(row: GeneratedPresentation) -> list[int]:
    """Delete `row` and its versions, then their files; returns the ids deleted."""
    with transaction.atomic():
        rows = affected(row)
        locked = GeneratedPresentation.objects.select_for_update().filter(
            pk__in=[r.pk for r in rows])
        if any(r.status in BUSY for r in locked):
            raise DeckInProgress(_("The deck or one of its versions is still being generated; "
                                   "delete it when it has finished."))
        ids = sorted(r.pk for r in rows)
        names = [r.file for r in rows if r.file]
        names += [pack.name_for(pk) for pk in ids]  # what was read from its sources
        prefixes = [deck_pictures.prefix(r) for r in rows]
        # a restyled deck's pictures (and before pictures) belong to its first version
        prefixes += [f"{PICTURES}/{r.pk}" for r in rows if r.parent_id is None]
        GeneratedPresentation.objects.filter(pk__in=ids).delete()
        transaction.on_commit(lambda: _remove_files(names, prefixes))
    logger.info("deleted deck(s) %s", ", ".join(map(str, ids)))
    return ids


def _remove_files(names: list[str], prefixes: list[str]) -> None:
    still_used = set(GeneratedPresentation.objects.filter(file__in=names)
                     .values_list("file", flat=True))
    try:
        for name in names:
            if name not in still_used:
                files.delete(name)
        for prefix in prefixes:
            files.delete_all(prefix)
    except Exception as exc:  # the rows are gone: the daily sweep removes what is left
        logger.warning("files of deleted decks not all removed (the sweep will): %s",
                       files.describe_failure(exc))
