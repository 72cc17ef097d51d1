"""Restyle: an existing deck, read into a DeckSpec (`deck_reader`), rendered in a house design.

The deck's pictures are extracted into a private temporary folder that is the
renderer's trusted `base_dir` for this run only; no path a user wrote is ever
resolved.  The result is a normal deck row (source kind `spec`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.db import transaction

from generator import files
from generator.decks import generate, lifecycle
from generator.decks.restyle_pictures import (  # noqa: F401 -- before_pictures: the pages read it here
    before_pictures, before_prefix, pictures_prefix)
from generator.models import GeneratedPresentation
from generator.reading.deck_reader import read_upload
from generator.reading.regions import SOURCE_PICTURES


@dataclass
class Restyled:
    """The recorded deck and the lines of what could not be mapped."""

    row: GeneratedPresentation
    report: list[str]


def restyle(source: BinaryIO | Path, *, filename: str = "", asset_id: int | None = None,
            out: Path | None = None, owner=None, regions: bool = True) -> Restyled:
    """Read `source` through safe intake, render it in asset `asset_id`'s design, record it.

    Raises `InvalidDeckFile` for a refused upload and `GeneratorError` for an
    unknown asset (checked first) or a deck that cannot be rendered; nothing is
    recorded then.
    """
    generate.design_for(asset_id)  # an unknown asset fails before any reading
    with tempfile.TemporaryDirectory(prefix="bcgslides-restyle-") as work:
        pictures = Path(work) / "pictures"
        read = read_upload(source, pictures, filename=filename, regions=regions)
        row = generate.generate_now(
            spec=read.spec, source_kind=GeneratedPresentation.SourceKind.SPEC,
            source_text=read.spec.model_dump_json(exclude_defaults=True, indent=1),
            out=out, asset_id=asset_id, owner=owner, base_dir=pictures)
    return Restyled(row=row, report=read.report())


# -- queued restyles (web page and API) ---------------------------------------------------------
def queue_restyle(source: BinaryIO | Path, *, owner, filename: str = "", asset=None,
                  regions: bool = True, before: bool = False) -> Restyled:
    """Read `source` through safe intake and queue it as a normal deck (source kind `spec`).

    The pictures read from it are stored beside the deck (`pictures_prefix`); the worker
    renders with them as its trusted folder (`restyle_pictures.pictures_for`).  Raises
    `InvalidDeckFile`; nothing is queued or stored then.
    """
    with tempfile.TemporaryDirectory(prefix="bcgslides-restyle-") as work:
        pictures = Path(work) / "pictures"
        read = read_upload(source, pictures, filename=filename, regions=regions,
                           before=before)
        with transaction.atomic():
            row = lifecycle.queue_deck(
                owner=owner, spec=read.spec, source_kind=GeneratedPresentation.SourceKind.SPEC,
                source_text=read.spec.model_dump_json(exclude_defaults=True, indent=1),
                asset=asset)
            for path in sorted(pictures.iterdir()):
                if path.is_file():
                    files.store(path, f"{pictures_prefix(row)}/{path.name}")
            for path in sorted((pictures / SOURCE_PICTURES).glob("slide-*.png")):
                files.store(path, f"{before_prefix(row)}/{path.name}")
    return Restyled(row=row, report=read.report())
