"""Hostile templates, built in the tests with python-pptx and XML edits.

Each is a real .pptx a firm could hand out: a dark theme whose colour map
swaps bg1/tx1, a title on a picture banner, a footer band baked into the
background picture, tiny and missing placeholders.
"""

from __future__ import annotations

import io
from pathlib import Path

from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.util import Inches

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
WIDTH, HEIGHT = int(Inches(13.333)), int(Inches(7.5))
BANNER_HEIGHT = int(Inches(1.9))
BAND_TOP = int(HEIGHT * 0.82)
BANNER_COLOR = (0x4A, 0x1F, 0x5C)  # deep purple
BAND_COLOR = (0x33, 0x33, 0x33)


def png(size: tuple[int, int], paint) -> io.BytesIO:
    """A PNG of `size`, drawn by `paint(image)`."""
    image = Image.new("RGB", size, "white")
    paint(image)
    out = io.BytesIO()
    image.save(out, format="PNG")
    out.seek(0)
    return out


def _base() -> Presentation:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    return prs


def _layout(prs, name: str):
    return next(layout for layout in prs.slide_layouts if layout.name == name)


def _theme(prs):
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    part = prs.slide_master.part.part_related_by(RT.THEME)
    return part, etree.fromstring(part.blob)


def _set_theme_colors(prs, colors: dict[str, str]) -> None:
    part, root = _theme(prs)
    scheme = root.find(f".//{A}clrScheme")
    for slot, value in colors.items():
        element = scheme.find(f"{A}{slot}")
        for child in list(element):
            element.remove(child)
        etree.SubElement(element, f"{A}srgbClr").set("val", value)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _picture_xml(rid: str, shape_id: int, box: tuple[int, int, int, int], name: str) -> str:
    left, top, width, height = box
    return (f'<p:pic {nsdecls("p", "a", "r")}><p:nvPicPr><p:cNvPr id="{shape_id}" '
            f'name="{name}"/><p:cNvPicPr><a:picLocks noChangeAspect="1"/></p:cNvPicPr><p:nvPr/>'
            f'</p:nvPicPr><p:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/>'
            f'</a:stretch></p:blipFill><p:spPr><a:xfrm><a:off x="{left}" y="{top}"/>'
            f'<a:ext cx="{width}" cy="{height}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
            f'</a:prstGeom></p:spPr></p:pic>')


def _add_picture_behind(part_owner, image: io.BytesIO, box, name: str) -> None:
    """A picture as the first (bottom) shape of a layout or master."""
    _, rid = part_owner.part.get_or_add_image_part(image)
    tree = part_owner._element.find(qn("p:cSld")).find(qn("p:spTree"))
    tree.insert(2, parse_xml(_picture_xml(rid, 900, box, name)))


def dark_swapped(path: Path) -> Path:
    """A dark theme whose colour map swaps bg1/tx1 and bg2/tx2 (as many dark Office
    themes do): text on slides is lt1 (white) on dk1 (dark slate)."""
    prs = _base()
    _set_theme_colors(prs, {"dk1": "1B262C", "lt1": "FFFFFF", "dk2": "2C3C43",
                            "lt2": "E8ECEE", "accent1": "90C226", "accent2": "54A021"})
    clr_map = prs.slide_master._element.find(qn("p:clrMap"))
    for key, value in {"bg1": "dk1", "tx1": "lt1", "bg2": "dk2", "tx2": "lt2"}.items():
        clr_map.set(key, value)
    _ensure_background_ref(prs.slide_master, "bg1")
    prs.save(str(path))
    return path


def _ensure_background_ref(master, slot: str) -> None:
    c_sld = master._element.find(qn("p:cSld"))
    old = c_sld.find(qn("p:bg"))
    if old is not None:
        c_sld.remove(old)
    c_sld.insert(0, parse_xml(f'<p:bg {nsdecls("p", "a")}><p:bgRef idx="1001">'
                              f'<a:schemeClr val="{slot}"/></p:bgRef></p:bg>'))


def banner_and_band(path: Path) -> Path:
    """A title on a dark picture banner (title colour left dark: tx1), and a footer band
    baked into the master's background picture."""
    prs = _base()
    band = png((1333, 750), lambda im: im.paste(BAND_COLOR, (0, int(750 * 0.82), 1333, 750)))
    _, rid = prs.slide_master.part.get_or_add_image_part(band)
    c_sld = prs.slide_master._element.find(qn("p:cSld"))
    old = c_sld.find(qn("p:bg"))
    if old is not None:
        c_sld.remove(old)
    c_sld.insert(0, parse_xml(
        f'<p:bg {nsdecls("p", "a", "r")}><p:bgPr><a:blipFill><a:blip r:embed="{rid}"/>'
        '<a:stretch><a:fillRect/></a:stretch></a:blipFill><a:effectLst/></p:bgPr></p:bg>'))
    banner = png((400, 60), lambda im: im.paste(BANNER_COLOR, (0, 0, 400, 60)))
    title_only = _layout(prs, "Title Only")
    _add_picture_behind(title_only, banner, (0, 0, WIDTH, BANNER_HEIGHT), "Banner")
    for shape in title_only.placeholders:
        if shape.placeholder_format.idx == 0:  # the title sits on the banner
            shape.left, shape.top = int(Inches(0.5)), int(Inches(0.45))
            shape.width, shape.height = WIDTH - int(Inches(1.0)), int(Inches(1.2))
    prs.save(str(path))
    return path


def tiny_and_missing(path: Path) -> Path:
    """The content layout's title tiny, the cover's subtitle tiny, the section layout's
    title missing, and a notes master without a body placeholder."""
    prs = _base()
    for shape in _layout(prs, "Title Only").placeholders:
        if shape.placeholder_format.idx == 0:
            shape.left, shape.top, shape.width, shape.height = (
                int(Inches(0.2)), int(Inches(0.05)), int(Inches(0.6)), int(Inches(0.18)))
    for shape in _layout(prs, "Title Slide").placeholders:
        if shape.placeholder_format.idx == 1:
            shape.left, shape.top, shape.width, shape.height = (
                int(Inches(5)), int(Inches(6)), int(Inches(0.4)), int(Inches(0.2)))
    section = _layout(prs, "Section Header")
    for shape in list(section.placeholders):
        if shape.placeholder_format.idx == 0:
            shape._element.getparent().remove(shape._element)
    notes_master = prs.notes_master
    for shape in list(notes_master.placeholders):
        if shape.placeholder_format.idx == 1 or "BODY" in str(shape.placeholder_format.type):
            shape._element.getparent().remove(shape._element)
    prs.save(str(path))
    return path


def numbered_badge(path: Path) -> Path:
    """The content layout draws the slide number itself, in a badge of its own (a text box
    with a slide-number field, not a placeholder)."""
    prs = _base()
    layout = _layout(prs, "Title Only")
    tree = layout._element.find(qn("p:cSld")).find(qn("p:spTree"))
    tree.append(parse_xml(
        f'<p:sp {nsdecls("p", "a")}><p:nvSpPr><p:cNvPr id="901" name="Badge"/><p:cNvSpPr/>'
        f'<p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="{WIDTH - int(Inches(0.8))}" '
        f'y="{HEIGHT - int(Inches(0.7))}"/><a:ext cx="{int(Inches(0.5))}" '
        f'cy="{int(Inches(0.5))}"/></a:xfrm><a:prstGeom prst="ellipse"><a:avLst/></a:prstGeom>'
        '<a:solidFill><a:srgbClr val="1F497D"/></a:solidFill></p:spPr><p:txBody><a:bodyPr/>'
        '<a:lstStyle/><a:p><a:fld id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}" type="slidenum">'
        '<a:rPr lang="en-US"><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill></a:rPr>'
        '<a:t>‹#›</a:t></a:fld><a:endParaRPr lang="en-US"/></a:p></p:txBody></p:sp>'))
    prs.save(str(path))
    return path
