"""Slide pictures of any .pptx: LibreOffice (headless) to PDF, poppler's pdftoppm to PNG.

Used for generated decks (per version) and for design assets.  The input is
copied under a fixed name into a private work folder with its own LibreOffice
profile, so concurrent conversions never collide and no user-supplied name
reaches a command line.  Results are moved into place only when complete.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

from .errors import GeneratorError

logger = logging.getLogger(__name__)
CONVERT_TIMEOUT = 240
THUMB_WIDTH = 640


class PreviewError(GeneratorError):
    """LibreOffice or pdftoppm failed (or is missing)."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    """Whether previews are on (`PREVIEWS_ENABLED`) and can be rendered here (LibreOffice
    and pdftoppm installed)."""
    return settings.PREVIEWS_ENABLED and bool(soffice() and shutil.which("pdftoppm"))


def render_thumbnails(pptx_path: Path, out_dir: Path, *, width: int = THUMB_WIDTH) -> list[Path]:
    """`out_dir/slide-001.png`... and `out_dir/deck.pdf` for the deck at `pptx_path`.

    Raises `PreviewError` when the tools are missing or fail; `out_dir` then
    holds nothing new.
    """
    if not available():
        raise PreviewError("previews need LibreOffice and pdftoppm (bin/setup installs them)")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".preview-", dir=out_dir.parent) as work_name:
        work = Path(work_name)
        source = work / "deck.pptx"
        shutil.copyfile(pptx_path, source)
        pdf = _to_pdf(source, work)
        pages = _to_png(pdf, work, width)
        for index, page in enumerate(pages, start=1):
            os.replace(page, out_dir / f"slide-{index:03d}.png")
        os.replace(pdf, out_dir / "deck.pdf")
    return sorted(out_dir.glob("slide-*.png"))


def _run(command: list[str], *, timeout: int) -> None:
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise PreviewError(f"{Path(command[0]).name} took longer than {timeout} s") from None
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise PreviewError(f"{Path(command[0]).name} failed: {detail[0]}")


def _to_pdf(source: Path, work: Path) -> Path:
    profile = (work / "profile").as_uri()
    _run([soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore",
          "--convert-to", "pdf", "--outdir", str(work), str(source)], timeout=CONVERT_TIMEOUT)
    pdf = work / "deck.pdf"
    if not pdf.is_file():
        raise PreviewError("LibreOffice produced no PDF (the file may be damaged)")
    return pdf


def _to_png(pdf: Path, work: Path, width: int) -> list[Path]:
    _run(["pdftoppm", "-png", "-scale-to", str(width), str(pdf), str(work / "page")],
         timeout=CONVERT_TIMEOUT)
    pages = sorted(work.glob("page-*.png"), key=lambda p: int(re.findall(r"\d+", p.stem)[-1]))
    if not pages:
        raise PreviewError("pdftoppm produced no pictures")
    return pages


# -- design assets ------------------------------------------------------------------------------
def asset_folder(asset) -> Path:
    return Path(settings.DATA_DIR) / "thumbnails" / f"asset-{asset.pk}"


def asset_thumbnails(asset) -> list[Path]:
    """The rendered slide pictures of a design asset (empty until rendered)."""
    return sorted(asset_folder(asset).glob("slide-*.png"))


def ensure_asset_thumbnails(asset) -> list[Path]:
    """Render an asset's pictures once (a template with no slides shows its layouts' look)."""
    existing = asset_thumbnails(asset)
    if existing or not available():
        return existing
    try:
        return render_thumbnails(asset.path, asset_folder(asset))
    except PreviewError as exc:
        logger.warning("thumbnails of design asset %s failed: %s", asset.pk, exc)
        return []
