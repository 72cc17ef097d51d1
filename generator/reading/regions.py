"""Pictures of the parts of a slide that have no DeckSpec form (SmartArt, drawings, objects).

The source deck is rendered once by the slide-picture pipeline (`generator.previews.soffice`:
LibreOffice, then pdftoppm) and each region is cropped out of its slide's picture.
Without LibreOffice the regions are only listed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from generator.previews import soffice

logger = logging.getLogger(__name__)
RENDER_WIDTH = 1600
SOURCE_PICTURES = ".source-pictures"


@dataclass
class Region:
    """A part of slide `slide` (1-based) in EMU, and what it was."""

    slide: int
    left: int
    top: int
    width: int
    height: int
    what: str
    picture: str = ""  # file name in the pictures folder once cropped


def crop_regions(source: Path, regions: list[Region], slide_size: tuple[int, int],
                 folder: Path) -> bool:
    """Crop every region out of the rendered source deck into `folder`; False if unrendered."""
    if not regions:
        return False
    pages = render_source(source, folder)
    if not pages:
        return False
    for number, region in enumerate(regions, start=1):
        if region.slide - 1 >= len(pages):
            continue
        with Image.open(pages[region.slide - 1]) as page:
            box = _box(region, slide_size, page.size)
            if box is None:
                continue
            name = f"region-{region.slide:03d}-{number:03d}.png"
            page.crop(box).convert("RGB").save(folder / name)
            region.picture = name
    return True


def render_source(source: Path, folder: Path) -> list[Path]:
    """Pictures of every source slide in `folder/.source-pictures` (rendered once; reused);
    empty when this server renders no slide pictures."""
    done = sorted((folder / SOURCE_PICTURES).glob("slide-*.png"))
    if done or not soffice.available():
        return done
    try:
        return soffice.render_thumbnails(source, folder / SOURCE_PICTURES, width=RENDER_WIDTH)
    except soffice.PreviewError as exc:
        logger.warning("restyle: the source slides could not be rendered: %s", exc)
        return []


def _box(region: Region, slide_size: tuple[int, int], pixels: tuple[int, int]):
    scale_x, scale_y = pixels[0] / slide_size[0], pixels[1] / slide_size[1]
    left = max(0, int(region.left * scale_x))
    top = max(0, int(region.top * scale_y))
    right = min(pixels[0], int((region.left + region.width) * scale_x))
    bottom = min(pixels[1], int((region.top + region.height) * scale_y))
    if right - left < 4 or bottom - top < 4:
        return None
    return left, top, right, bottom
