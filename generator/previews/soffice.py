"""Slide pictures of any .pptx: LibreOffice (headless) to PDF, poppler's pdftoppm to PNG.

Used for generated decks (per version) and for design assets.  The input is
copied under a fixed name into a private work folder with its own LibreOffice
profile, so concurrent conversions never collide and no user-supplied name
reaches a command line.  The pictures are rendered locally, then stored in the
shared files (`generator.files`) so that a web host serves what a worker
rendered: slide-001.png... first and deck.pdf last, which marks them complete.

LibreOffice fetches linked pictures and objects while it converts, so the
copy it reads has every outside link but hyperlinks removed, and it runs in
its own empty network namespace (`unshare --net`) wherever the system allows
one: it cannot reach the server's network, not even 127.0.0.1.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

from django.conf import settings

from generator import files
from generator.errors import InvalidDeckFile, PreviewError
from generator.intake.package_clean import strip_outside_links
from generator.previews import converter, office
from generator.previews.office import CONVERT_TIMEOUT, no_network_prefix

logger = logging.getLogger(__name__)
THUMB_WIDTH = 640
PDF_NAME = "deck.pdf"
_PICTURE = re.compile(r"slide-\d{3,}\.png")


def available() -> bool:
    """Whether previews are on (`PREVIEWS_ENABLED`) and can be rendered here (LibreOffice
    and pdftoppm installed)."""
    return settings.PREVIEWS_ENABLED and bool(office.soffice() and shutil.which("pdftoppm"))


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
        _copy_without_outside_links(pptx_path, source)
        pdf = _to_pdf(source, work)
        pages = _to_png(pdf, work, width)
        for index, page in enumerate(pages, start=1):
            os.replace(page, out_dir / f"slide-{index:03d}.png")
        os.replace(pdf, out_dir / "deck.pdf")
    return sorted(out_dir.glob("slide-*.png"))


def _copy_without_outside_links(source: Path, target: Path) -> None:
    try:
        removed = strip_outside_links(source, target)
    except (InvalidDeckFile, zipfile.BadZipFile, OSError, ValueError) as exc:
        raise PreviewError(f"the deck cannot be read for pictures ({exc.__class__.__name__})") \
            from None
    if removed:
        logger.warning("removed %d outside link(s) from %s before rendering pictures", removed,
                       source.name)


def _run(command: list[str], *, timeout: int, isolated: bool = False) -> None:
    program = Path(command[0]).name
    if isolated:
        command = [*no_network_prefix(), *command]
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise PreviewError(f"{program} took longer than {timeout} s") from None
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise PreviewError(f"{program} failed: {detail[0]}")


def _to_pdf(source: Path, work: Path) -> Path:
    """`work/deck.pdf`, through this worker's warm LibreOffice (`converter`), or a one-shot
    soffice where that cannot run."""
    pdf = work / "deck.pdf"
    converter.to_pdf(source, pdf, cold=lambda deck: _to_pdf_cold(deck, work))
    if not pdf.is_file():
        raise PreviewError("LibreOffice produced no PDF (the file may be damaged)")
    return pdf


def _to_pdf_cold(source: Path, work: Path) -> Path:
    """A LibreOffice started for this one deck (about 5 s), with its own profile."""
    profile = (work / "profile").as_uri()
    _run([office.soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore",
          "--convert-to", "pdf", "--outdir", str(work), str(source)], timeout=CONVERT_TIMEOUT,
         isolated=True)
    pdf = work / "deck.pdf"
    if not pdf.is_file():
        raise PreviewError("LibreOffice produced no PDF (the file may be damaged)")
    return pdf


def _to_png(pdf: Path, work: Path, width: int) -> list[Path]:
    """One PNG a page; long decks in one pdftoppm per core, each on its own pages."""
    command = ["pdftoppm", "-png", "-scale-to", str(width)]
    ranges = _page_ranges(pdf, min(os.cpu_count() or 1, MAX_PNG_PROCESSES))
    if len(ranges) < 2:
        _run([*command, str(pdf), str(work / "page")], timeout=CONVERT_TIMEOUT)
    else:
        _run_all([[*command, "-f", str(first), "-l", str(last), str(pdf), str(work / "page")]
                  for first, last in ranges], timeout=CONVERT_TIMEOUT)
    pages = sorted(work.glob("page-*.png"), key=lambda p: int(re.findall(r"\d+", p.stem)[-1]))
    if not pages:
        raise PreviewError("pdftoppm produced no pictures")
    return pages


PAGES_PER_PROCESS = 4  # below this a second pdftoppm costs more than it saves
MAX_PNG_PROCESSES = 4


def _page_ranges(pdf: Path, processes: int) -> list[tuple[int, int]]:
    """The PDF's pages split in up to `processes` runs of consecutive pages ([] if unknown)."""
    try:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, timeout=60, check=True)
        pages = int(re.search(rb"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    except (OSError, subprocess.SubprocessError, AttributeError, ValueError):
        return []
    processes = max(1, min(processes, pages // PAGES_PER_PROCESS))
    size = -(-pages // processes)
    return [(first, min(first + size - 1, pages)) for first in range(1, pages + 1, size)]


def _run_all(commands: list[list[str]], *, timeout: int) -> None:
    """Run `commands` side by side; `PreviewError` if any fails or outlasts `timeout`."""
    running = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
               for command in commands]
    deadline = time.monotonic() + timeout
    failed = None
    for process in running:
        try:
            _out, err = process.communicate(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            failed = failed or f"pdftoppm took longer than {timeout} s"
            process.kill()
            process.communicate()
            continue
        if process.returncode != 0 and failed is None:
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            failed = f"pdftoppm failed: {detail[0]}"
    if failed:
        raise PreviewError(failed)


# -- stored pictures ------------------------------------------------------------------------------
def stored_pictures(prefix: str) -> list[str]:
    """The storage names of the slide pictures under `prefix`, in slide order.

    Empty until the set is complete: the PDF is stored last, so pictures of a
    render that stopped part-way are never shown.
    """
    names = files.list_names(prefix)
    if f"{prefix}/{PDF_NAME}" not in names:
        return []
    pictures = [name for name in names if _PICTURE.fullmatch(posixpath.basename(name))]
    return sorted(pictures, key=lambda name: int(re.findall(r"\d+", name)[-1]))


def picture_name(prefix: str, number: int) -> str:
    """The storage name of slide `number`'s picture under `prefix` (as `publish` stores it)."""
    return f"{prefix}/slide-{number:03d}.png"


def publish(pptx_path: Path, prefix: str) -> list[str]:
    """Render the deck at `pptx_path` and store its pictures and PDF under `prefix`.

    Returns the pictures' storage names.  Raises `PreviewError` (then nothing new
    is marked complete) or `SharedFilesError`.
    """
    with tempfile.TemporaryDirectory(prefix="bcgslides-preview-") as work:
        out = Path(work) / "out"
        pictures = render_thumbnails(pptx_path, out)
        # a picture's name says what it is (slide N of this deck): replacing an earlier
        # partial render's copy is right, a variant name would show slides twice
        stored = [files.replace(picture, f"{prefix}/{picture.name}") for picture in pictures]
        files.replace(out / PDF_NAME, f"{prefix}/{PDF_NAME}")
    return stored


# -- design assets ------------------------------------------------------------------------------
def asset_prefix(asset) -> str:
    """Where an asset's pictures are stored: thumbnails/asset-<id>/."""
    return f"{files.THUMBNAILS}/asset-{asset.pk}"


def asset_thumbnails(asset) -> list[str]:
    """The storage names of a design asset's slide pictures (empty until rendered)."""
    return stored_pictures(asset_prefix(asset))


def ensure_asset_thumbnails(asset) -> list[str]:
    """Render an asset's pictures once (a template with no slides shows its layouts' look)."""
    existing = asset_thumbnails(asset)
    if existing or not available():
        return existing
    try:
        return publish(asset.path, asset_prefix(asset))
    except PreviewError as exc:
        logger.warning("thumbnails of design asset %s failed: %s", asset.pk, exc)
        return []
