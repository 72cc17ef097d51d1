"""A deck's files as downloads, for the pages and the JSON API alike: the .pptx, the PDF
and the outline, each an attachment named after the deck's title and version
(`download_names`).  The callers check who may see the deck and answer the refusals.
"""

from __future__ import annotations

from django.http import FileResponse, HttpResponse

from generator import files
from generator.models import GeneratedPresentation
from generator.outline.writer import deck_outline
from generator.web.download_names import attachment_header, deck_file_name

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _attachment(response, row: GeneratedPresentation, extension: str):
    response["Content-Disposition"] = attachment_header(
        deck_file_name(row.title, row.version, extension))
    return response


def deck_file_response(row: GeneratedPresentation) -> FileResponse:
    """The .pptx, streamed from the shared files.  Raises `FileNotFoundError` or
    `SharedFilesError`."""
    return _attachment(FileResponse(files.open(row.file), content_type=PPTX), row, "pptx")


def pdf_response(row: GeneratedPresentation, name: str) -> FileResponse:
    """The deck's PDF, stored as `name` in the shared files (`deck_pictures.pdf`)."""
    return _attachment(FileResponse(files.open(name), content_type="application/pdf"), row,
                       "pdf")


def outline_response(row: GeneratedPresentation) -> HttpResponse:
    """The Markdown outline that generates the deck again.  Raises `LookupError` while the
    deck has none yet."""
    return _attachment(HttpResponse(deck_outline(row), content_type="text/markdown; "
                                                                     "charset=utf-8"), row, "md")
