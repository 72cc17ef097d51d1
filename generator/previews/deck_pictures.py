"""Slide thumbnails (PNG) and a PDF of a generated deck, cached per presentation version.

LibreOffice renders them (`generator.previews.soffice.render_thumbnails`); without it
previews are off and everything else works.  They are stored in the shared
files under previews/<id>/ with generated names only, so any web host serves
what any worker rendered.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from generator import files
from generator.errors import PreviewError
from generator.lint.rendered import lint_pictures
from generator.models import GeneratedPresentation
from generator.previews import soffice
from generator.previews.soffice import PDF_NAME

logger = logging.getLogger(__name__)


def available() -> bool:
    """Whether previews are on and LibreOffice (and pdftoppm) are installed to render them."""
    return soffice.available()


def prefix(presentation: GeneratedPresentation) -> str:
    """Where a deck's pictures are stored: previews/<id>/."""
    return f"{files.PREVIEWS}/{presentation.pk}"


def thumbnails(presentation: GeneratedPresentation) -> list[str]:
    """The storage names of `presentation`'s PNGs, in slide order (empty until rendered)."""
    return soffice.stored_pictures(prefix(presentation))


def pdf(presentation: GeneratedPresentation) -> str | None:
    """The storage name of the deck's PDF; None until it is rendered."""
    name = f"{prefix(presentation)}/{PDF_NAME}"
    return name if files.exists(name) else None


def ensure_previews(presentation_id: int) -> list[str]:
    """Render the thumbnails and PDF of a finished deck once; later calls reuse them.

    The same pictures are linted as a reader sees them (`lint.rendered`); what
    that finds is added to the deck's stored lint report.
    """
    presentation = GeneratedPresentation.objects.get(pk=presentation_id)
    existing = thumbnails(presentation)
    if existing or not presentation.file:
        return existing
    deck = files.local_path(presentation.file)  # downloaded once on a host reading a bucket
    if not deck.is_file():
        return existing
    with tempfile.TemporaryDirectory(prefix="bcgslides-preview-") as work:
        out = Path(work) / "out"
        pictures = soffice.render_thumbnails(deck, out)
        # a picture's name says what it is (slide N of this deck): the PDF last marks them
        # complete (see preview.stored_pictures).  Stored before the rendered lint, which
        # renders the deck again, so the page shows them as soon as they exist
        stored = [files.replace(picture, f"{prefix(presentation)}/{picture.name}")
                  for picture in pictures]
        files.replace(out / PDF_NAME, f"{prefix(presentation)}/{PDF_NAME}")
        record_rendered_lint(presentation, deck, pictures)
    return stored


def record_rendered_lint(presentation: GeneratedPresentation, deck: Path,
                         pictures: list[Path]) -> dict:
    """Lint the rendered `pictures` of `deck` and store the result with the deck's lint
    report (rendered issues replace those of an earlier run); returns the report.

    A failure of the rendered checks is logged and leaves the XML report as it was.
    """
    try:
        found = lint_pictures(deck, pictures)
    except (PreviewError, OSError) as exc:
        logger.warning("rendered lint of deck %s failed: %s", presentation.pk, exc)
        return presentation.lint_report or {}
    report = merge_rendered(presentation.lint_report or {}, found)
    GeneratedPresentation.objects.filter(pk=presentation.pk).update(lint_report=report)
    presentation.lint_report = report
    return report


def merge_rendered(report: dict, found) -> dict:
    """`report` (a LintReport dict) with `found` rendered issues in place of earlier ones."""
    issues = [issue for issue in report.get("issues", []) if not issue.get("rendered")]
    issues += [{"slide": i.slide, "shape": i.shape, "rule": i.rule, "severity": i.severity,
                "message": i.message, "rendered": True} for i in found]
    issues.sort(key=lambda issue: issue["slide"])
    summary = dict(report.get("summary", {}))
    summary["errors"] = sum(1 for issue in issues if issue["severity"] == "error")
    summary["warnings"] = sum(1 for issue in issues if issue["severity"] == "warning")
    summary["rendered"] = True
    return {**report, "summary": summary, "issues": issues}
