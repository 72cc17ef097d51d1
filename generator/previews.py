"""Slide thumbnails (PNG) and a PDF of a generated deck, cached per presentation version.

LibreOffice renders them (`generator.preview.render_thumbnails`); without it
previews are off and everything else works.  They are stored in the shared
files under previews/<id>/ with generated names only, so any web host serves
what any worker rendered.
"""

from __future__ import annotations

import logging

from . import files
from .models import GeneratedPresentation
from .preview import PDF_NAME

logger = logging.getLogger(__name__)


def available() -> bool:
    """Whether previews are on and LibreOffice (and pdftoppm) are installed to render them."""
    from .preview import available as tools_available

    return tools_available()


def prefix(presentation: GeneratedPresentation) -> str:
    """Where a deck's pictures are stored: previews/<id>/."""
    return f"{files.PREVIEWS}/{presentation.pk}"


def thumbnails(presentation: GeneratedPresentation) -> list[str]:
    """The storage names of `presentation`'s PNGs, in slide order (empty until rendered)."""
    from .preview import stored_pictures

    return stored_pictures(prefix(presentation))


def pdf(presentation: GeneratedPresentation) -> str | None:
    """The storage name of the deck's PDF; None until it is rendered."""
    name = f"{prefix(presentation)}/{PDF_NAME}"
    return name if files.exists(name) else None


def ensure_previews(presentation_id: int) -> list[str]:
    """Render the thumbnails and PDF of a finished deck once; later calls reuse them."""
    from .preview import publish

    presentation = GeneratedPresentation.objects.get(pk=presentation_id)
    existing = thumbnails(presentation)
    if existing or not presentation.file:
        return existing
    deck = files.local_path(presentation.file)  # downloaded once on a host reading a bucket
    if not deck.is_file():
        return existing
    return publish(deck, prefix(presentation))
