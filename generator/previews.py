"""Slide thumbnails (PNG) and a PDF of a generated deck, cached per presentation version.

LibreOffice renders them (`generator.preview.render_thumbnails`); without it
previews are off and everything else works.  Files live under
DATA_DIR/previews/<id>/ with generated names only.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings

from .models import GeneratedPresentation

logger = logging.getLogger(__name__)


def available() -> bool:
    """Whether LibreOffice (and pdftoppm) are installed to render previews."""
    from .preview import available as tools_available

    return tools_available()


def folder(presentation: GeneratedPresentation) -> Path:
    return Path(settings.DATA_DIR) / "previews" / str(presentation.pk)


def thumbnails(presentation: GeneratedPresentation) -> list[Path]:
    """The cached PNGs of `presentation`, in slide order (empty until rendered)."""
    return sorted(folder(presentation).glob("slide-*.png"))


def pdf(presentation: GeneratedPresentation) -> Path | None:
    path = folder(presentation) / "deck.pdf"
    return path if path.is_file() else None


def ensure_previews(presentation_id: int) -> list[Path]:
    """Render the thumbnails and PDF of a finished deck once; later calls reuse them."""
    from .preview import render_thumbnails

    presentation = GeneratedPresentation.objects.get(pk=presentation_id)
    existing = thumbnails(presentation)
    if existing or not presentation.file or not Path(presentation.file).is_file():
        return existing
    out = folder(presentation)
    out.mkdir(parents=True, exist_ok=True)
    return render_thumbnails(Path(presentation.file), out)
