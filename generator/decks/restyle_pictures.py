"""Where a restyled deck's pictures are kept, and the trusted local folder its worker renders
with.  The pictures read from an uploaded deck are stored beside it (`pictures_prefix`); the
pictures of the deck as it was uploaded too (`before_prefix`, the before/after view)."""

from __future__ import annotations

import contextlib
import re
import tempfile
from pathlib import Path

from generator import files
from generator.models import GeneratedPresentation

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
    return [name for name in files.list_names(before_prefix(row))
            if re.fullmatch(r"slide-\d{3,}\.png", name.rsplit("/", 1)[-1])]


class pictures_for:  # noqa: N801 -- used as a context manager, like a function
    """A private local folder with deck `row`'s restyle pictures (None if it has none).

    Only files this server extracted into the deck's own folder are there, so a spec
    cannot name anything else; the folder is removed on exit.
    """

    def __init__(self, row: GeneratedPresentation):
        self.row = row
        self._work: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> Path | None:
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
    return contextlib.nullcontext(base_dir) if base_dir is not None else pictures_for(row)
