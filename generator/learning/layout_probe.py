"""Look at a template's layouts as a reader sees them, once, at learn time.

Each layout that decks use is put on an empty slide (its placeholders
removed, so only the template's own graphics show) and rendered with the
slide-picture pipeline (`generator.previews.soffice`).  Per layout this finds the
colour really behind each placeholder (solid, gradient or picture: sampled
pixels), the plain background and the free area, where the template's own
graphics (logos, bands, baked-in background art) are not.

Without LibreOffice (`PREVIEWS_ENABLED=false` or not installed) the same
facts come from the XML: the background fill of the layout (or its master)
through the master's colour map, the free area unknown (None).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from PIL import Image
from pptx import Presentation

from generator.errors import PreviewError
from generator.learning.learned_design import layout_map
from generator.learning.surface import GRID_COLUMNS, Behind, Surface, analyse, behind
from generator.ooxml import (background_color, draws_nothing, fill_under,
                              has_slide_number_field, layout_colors, layouts_named,
                              placeholder_colors, shape_box)
from generator.previews.soffice import available, render_thumbnails
from generator.render import xml

logger = logging.getLogger(__name__)
PROBE_WIDTH = 480  # pixels: enough for colours and a 64-column grid, quick to render
MAX_LAYOUTS = 12


def probe_layouts(path: Path, names: list[str], prs=None) -> dict[str, dict]:
    """Layout name -> what was seen (see `_probe_picture` / `_probe_xml`), for `names`.

    Pictures when the tools are there, XML otherwise; never raises for a
    template the XML reading accepts (a failed render falls back to XML).  `prs`: the
    deck at `path` when the caller has it open already (it is only read).
    """
    prs = prs if prs is not None else Presentation(str(path))
    layouts = layouts_named(prs, names[:MAX_LAYOUTS])
    found = {name: _probe_xml(prs, layout) for name, layout in layouts.items()}
    if not pictures_wanted() or not layouts:
        return _with_numbering(found, layouts)
    try:
        pictures = _render_layouts(path, list(layouts))
    except PreviewError as exc:
        logger.warning("layout pictures failed, colours read from the XML: %s", exc)
        return _with_numbering(found, layouts)
    for (name, layout), picture in zip(layouts.items(), pictures):
        found[name] = _probe_picture(prs, layout, picture)
    return _with_numbering(found, layouts)


def _with_numbering(found: dict[str, dict], layouts: dict[str, object]) -> dict[str, dict]:
    for name, layout in layouts.items():
        found[name]["numbers_pages"] = numbers_pages(layout)
    return found


def numbers_pages(layout) -> bool:
    """Whether the layout (or its master) shows the slide number itself: a slide-number
    field in one of its own shapes, not in a placeholder (a badge drawn by the template)."""
    for source in (layout, layout.slide_master):
        for shape in source.shapes:
            if shape.is_placeholder:
                continue
            if has_slide_number_field(shape):
                return True
    return False


def pictures_wanted() -> bool:
    """Layout pictures at learn time: when previews can be rendered here, unless
    `LEARN_LAYOUT_PICTURES` is off (a test suite learning hundreds of files)."""
    from django.conf import settings

    return settings.LEARN_LAYOUT_PICTURES and available()


def _render_layouts(path: Path, names: list[str]) -> list[Image.Image]:
    """One picture per layout: an empty slide of it, placeholders removed."""
    prs = Presentation(str(path))
    for slide in list(prs.slides):
        xml.delete_slide(prs, slide)
    xml.add_empty_layout_slides(prs, names)
    with tempfile.TemporaryDirectory(prefix="bcgslides-probe-") as work:
        deck = Path(work) / "layouts.pptx"
        prs.save(str(deck))
        pictures = render_thumbnails(deck, Path(work) / "out", width=PROBE_WIDTH)
        loaded = []
        for picture in pictures:
            with Image.open(picture) as image:
                loaded.append(image.convert("RGB"))
        return loaded


def _placeholder_boxes(layout) -> list[tuple[int, str, list[int]]]:
    """(idx, type, [left, top, width, height] EMU) of a layout's placeholders."""
    boxes = []
    for ph in layout.placeholders:
        left, top, width, height = shape_box(ph)
        if left is None or width is None:
            continue
        kind = str(ph.placeholder_format.type).split(".")[-1].split(" ")[0]
        boxes.append((ph.placeholder_format.idx, kind, [int(left), int(top), int(width),
                                                        int(height)]))
    return boxes


def _probe_picture(prs, layout, picture: Image.Image) -> dict:
    width, height = int(prs.slide_width), int(prs.slide_height)
    surface = analyse(picture)
    fx, fy, fw, fh = surface.free_fraction()
    sx, sy = picture.width / width, picture.height / height
    placeholders = {}
    for idx, kind, (left, top, w, h) in _placeholder_boxes(layout):
        seen = behind(picture, (int(left * sx), int(top * sy), int((left + w) * sx),
                                int((top + h) * sy)))
        if seen is not None:
            placeholders[str(idx)] = {"type": kind, **seen.to_json()}
    own = placeholder_colors(layout)
    for idx, data in placeholders.items():
        data["own"] = own.get(idx)
    return {"source": "picture", "background": surface.background,
            "free": [int(fx * width), int(fy * height), int(fw * width), int(fh * height)],
            "mask": surface.mask_rows(), "placeholders": placeholders}


def _probe_xml(prs, layout) -> dict:
    """The same facts from the XML: the background through the colour map, and under
    each placeholder the topmost filled shape of the layout or master (a picture or
    gradient there: unknown, and the placeholder keeps the template's own colour)."""
    background = xml_background(layout)
    own = placeholder_colors(layout)
    colors = layout_colors(layout)
    placeholders = {}
    for idx, kind, box in _placeholder_boxes(layout):
        under = fill_under(layout, box, colors, background)
        if under:
            placeholders[str(idx)] = {"type": kind, "own": own.get(str(idx)),
                                      **Behind.plain(under).to_json()}
    probe = {"source": "xml", "background": background, "free": None, "mask": None,
             "placeholders": placeholders}
    surface = xml_surface(prs, layout, background or "FFFFFF")
    if surface is not None:
        width, height = int(prs.slide_width), int(prs.slide_height)
        fx, fy, fw, fh = surface.free_fraction()
        probe["free"] = [int(fx * width), int(fy * height), int(fw * width), int(fh * height)]
        probe["mask"] = surface.mask_rows()
    return probe


def xml_surface(prs, layout, background: str):
    """The graphics of a layout and its master as the XML places them (pictures, filled
    shapes, lines; not placeholders, not a full-slide backdrop) on the surface grid.
    None when there are none."""
    width, height = int(prs.slide_width), int(prs.slide_height)
    boxes = []
    for source in (layout.slide_master, layout):
        for shape in source.shapes:
            if shape.is_placeholder or shape.left is None or shape.width is None:
                continue
            if shape.width >= width * 0.95 and shape.height >= height * 0.95:
                continue  # a backdrop: its colour is what `xml_background` cannot read
            if draws_nothing(shape):
                continue
            boxes.append((int(shape.left), int(shape.top), int(shape.left + shape.width),
                          int(shape.top + max(shape.height, 12700))))
    if not boxes:
        return None
    columns = GRID_COLUMNS
    rows = max(round(columns * height / width), 1)
    plain = []
    for r in range(rows):
        top, bottom = r * height // rows, (r + 1) * height // rows
        row = []
        for c in range(columns):
            left, right = c * width // columns, (c + 1) * width // columns
            row.append(not any(b[0] < right and left < b[2] and b[1] < bottom and top < b[3]
                               for b in boxes))
        plain.append(row)
    return Surface(columns=columns, rows=rows, background=background, plain=plain)


def xml_background(layout) -> str | None:
    """The layout's background colour from the XML, the colour map honoured (a gradient:
    its middle stop); None for a picture background (what is behind text is then unknown)."""
    return background_color((layout, layout.slide_master), layout_colors(layout),
                            gradient_middle=True)


def attach_probes(path: Path, patterns: list[dict], prs=None) -> list[dict]:
    """Add what was seen of the layouts decks use to their `layout` patterns
    (pattern_data["probe"]); returns `patterns`.  `prs`: the deck at `path`, if open."""
    entries = [(p["name"], p["data"]) for p in patterns if p["type"] == "layout"]
    used = list(dict.fromkeys(layout_map(entries).values()))
    if not used:
        return patterns
    found = probe_layouts(path, used, prs)
    for pattern in patterns:
        if pattern["type"] == "layout" and pattern["name"] in found:
            pattern["data"]["probe"] = found[pattern["name"]]
    return patterns
