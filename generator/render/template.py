"""The base template a deck is drawn on.

For the built-in design the template is made in code from python-pptx's
default (Office) template: 16:9, every master/layout placeholder stretched
to the new width, our theme colours and Latin + East Asian fonts, a master
title style that matches the grid, and the layouts the renderer uses
repositioned onto the grid, so that slides a user adds later in PowerPoint
look like the generated ones.  A learned design opens its asset file instead
and drops the asset's own slides.
"""

from __future__ import annotations

import functools
import hashlib
import io
from pathlib import Path

import pptx
from django.conf import settings
from pptx import Presentation
from pptx.util import Inches

from generator.atomic import writing_atomically
from generator.design import Design, default_design
from generator.render import xml

_DEFAULT_WIDTH = int(Inches(10))


def open_template(design: Design) -> Presentation:
    """A fresh `Presentation` for `design`, with no slides in it."""
    if design.template_path is None:
        return Presentation(io.BytesIO(builtin_template_bytes()))
    prs = Presentation(str(design.template_path))
    for slide in list(prs.slides):
        xml.delete_slide(prs, slide)
    return prs


# Bump when the code below changes what the template looks like.
TEMPLATE_REVISION = 1


@functools.lru_cache(maxsize=1)
def builtin_template_bytes() -> bytes:
    """The built-in template as .pptx bytes: built once, then cached on disk.

    The disk copy (under DATA_DIR/cache, keyed by the design, this module's
    revision and the python-pptx version) saves every later process the
    ~60 ms it takes to build.
    """
    design = default_design()
    key = hashlib.sha256(
        f"{TEMPLATE_REVISION}|{pptx.__version__}|{design!r}".encode()
    ).hexdigest()[:16]
    cached = Path(settings.DATA_DIR) / "cache" / f"builtin-template-{key}.pptx"
    if cached.is_file():
        return cached.read_bytes()
    blob = _build_builtin(design)
    _write_atomically(cached, blob)
    return blob


def _write_atomically(path: Path, blob: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with writing_atomically(path, mode=0o600) as handle:
            handle.write(blob)
    except OSError:
        pass  # a read-only cache dir only costs speed


def _build_builtin(design: Design) -> bytes:
    prs = Presentation()
    scale = design.slide_width / _DEFAULT_WIDTH
    prs.slide_width, prs.slide_height = design.slide_width, design.slide_height
    master = prs.slide_master
    for shape in master.shapes:
        _stretch(shape, scale)
    for layout in master.slide_layouts:
        for shape in layout.placeholders:
            _stretch(shape, scale)
    xml.write_theme(
        prs, name="bcgslides", colors=design.palette.theme_colors(),
        latin_major=design.fonts.latin_major, latin_minor=design.fonts.latin_minor,
        ea_major=design.fonts.ea_major, ea_minor=design.fonts.ea_minor,
    )
    _style_master_text(master, design)
    _place_layouts(prs, design)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _stretch(shape, scale: float) -> None:
    if shape.left is None or shape.width is None:
        return
    shape.left = int(shape.left * scale)
    shape.width = int(shape.width * scale)


def _style_master_text(master, design: Design) -> None:
    """Master title and body styles: left-aligned action titles in the dark theme colour."""
    body = design.type.body
    xml.set_master_text_styles(master, title_size=design.type.title,
                               body_sizes=[body, body - 2, body - 4])


def _place_layouts(prs, design: Design) -> None:
    frames = design.frames
    by_name = {layout.name: layout for layout in prs.slide_layouts}
    title_only = by_name["Title Only"]
    for shape in title_only.placeholders:
        if shape.placeholder_format.type is not None and shape.placeholder_format.idx == 0:
            xml.set_placeholder_geometry(shape, *frames.title.to_json())
    content = by_name.get("Title and Content")
    if content is not None:
        for shape in content.placeholders:
            box = frames.title if shape.placeholder_format.idx == 0 else frames.body
            if shape.placeholder_format.idx in (0, 1):
                xml.set_placeholder_geometry(shape, *box.to_json())
