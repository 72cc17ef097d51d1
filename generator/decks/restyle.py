"""Restyle: an existing deck, read into a DeckSpec (`deck_reader`), rendered in a house design.

The deck's pictures are extracted into a private temporary folder that is the
renderer's trusted `base_dir` for this run only; no path a user wrote is ever
resolved.  The result is a normal deck row (source kind `spec`).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from generator.decks import generate
from generator.reading.deck_reader import read_upload
from generator.models import GeneratedPresentation
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
PICTURES = "restyle-pictures"


def pictures_prefix(row: GeneratedPresentation) -> str:
    """Where a restyled deck's extracted pictures are stored: one folder per deck (its
    first version, so later versions render with the same pictures)."""
    return f"{PICTURES}/{row.parent_id or row.pk}"


def before_prefix(row: GeneratedPresentation) -> str:
    """Where the pictures of the deck as it was uploaded are kept (the before/after view)."""
    return f"{pictures_prefix(row)}/before"


def before_pictures(row: GeneratedPresentation) -> list[str]:
    """Storage names of the uploaded deck's slide pictures, in order (empty if none)."""
    from generator import files

    return [name for name in files.list_names(before_prefix(row))
            if re.fullmatch(r"slide-\d{3,}\.png", name.rsplit("/", 1)[-1])]


def queue_restyle(source: BinaryIO | Path, *, owner, filename: str = "", asset=None,
                  regions: bool = True, before: bool = False) -> Restyled:
    """Read `source` through safe intake and queue it as a normal deck (source kind `spec`).

    The pictures read from it are stored beside the deck (`pictures_prefix`); the worker
    renders with them as its trusted folder (`pictures_for`).  Raises `InvalidDeckFile`;
    nothing is queued or stored then.
    """
    from django.db import transaction

    from generator.decks import lifecycle

    from generator import files

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


class pictures_for:  # noqa: N801 -- used as a context manager, like a function
    """A private local folder with deck `row`'s restyle pictures (None if it has none).

    Only files this server extracted into the deck's own folder are there, so a spec
    cannot name anything else; the folder is removed on exit.
    """

    def __init__(self, row: GeneratedPresentation):
        self.row = row
        self._work: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> Path | None:
        from generator import files

        names = files.list_names(pictures_prefix(self.row))
        if not names:
            return None
        self._work = tempfile.TemporaryDirectory(prefix="bcgslides-pictures-")
        folder = Path(self._work.name) / "pictures"
        folder.mkdir()
        download = Path(self._work.name) / "download"
        download.mkdir()
        for relative, path in files.snapshot(pictures_prefix(self.row), download).items():
            if "/" not in relative:
                (folder / relative).write_bytes(path.read_bytes())
        return folder

    def __exit__(self, *exc_info) -> None:
        if self._work is not None:
            self._work.cleanup()


def pictures_folder(row: GeneratedPresentation, base_dir: Path | None):
    """The trusted picture folder for rendering queued deck `row`: the caller's, if it gave
    one (the command line), else the deck's own restyle pictures (`pictures_for`)."""
    import contextlib

    return contextlib.nullcontext(base_dir) if base_dir is not None else pictures_for(row)
