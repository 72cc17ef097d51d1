"""The only raw-XML edits the renderer makes, one small function per element.

python-pptx covers most of what we draw; what it lacks (the East Asian
typeface on a run, line-breaking rules, bullets, the slide-number field,
theme colours and fonts, deleting a slide) is done here, so a python-pptx
upgrade can break only this module.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn

if TYPE_CHECKING:
    from pptx.presentation import Presentation
    from pptx.slide import Slide
    from pptx.text.text import _Paragraph, _Run

A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
P14_SECTION_URI = "{521415D9-36F7-43E2-AB2F-B90AF26B5E84}"


def set_run_fonts(run: _Run, *, latin: str, ea: str, lang: str) -> None:
    """Write `a:latin` and `a:ea` typefaces (and the language) on a run.

    PowerPoint picks the East Asian font for kana and kanji from `a:ea`; without
    it Japanese falls back to whatever the viewer's default is.
    """
    rPr = run._r.get_or_add_rPr()
    rPr.set("lang", lang)
    if lang.startswith("ja"):
        rPr.set("altLang", "en-US")
    for tag, typeface in (("a:latin", latin), ("a:ea", ea), ("a:cs", latin)):
        element = rPr.find(qn(tag))
        if element is None:
            element = etree.SubElement(rPr, qn(tag))
        element.set("typeface", typeface)
    _order_rpr_children(rPr)


_RPR_ORDER = ["a:ln", "a:noFill", "a:solidFill", "a:gradFill", "a:blipFill", "a:pattFill",
              "a:grpFill", "a:effectLst", "a:effectDag", "a:highlight", "a:uLnTx", "a:uLn",
              "a:uFillTx", "a:uFill", "a:latin", "a:ea", "a:cs", "a:sym", "a:hlinkClick",
              "a:hlinkMouseOver", "a:rtl", "a:extLst"]


def _order_rpr_children(rPr) -> None:
    """Keep `a:rPr` children in schema order (PowerPoint refuses files otherwise)."""
    rank = {qn(tag): i for i, tag in enumerate(_RPR_ORDER)}
    children = sorted(rPr, key=lambda el: rank.get(el.tag, len(rank)))
    for child in children:
        rPr.remove(child)
        rPr.append(child)


def set_line_breaking(paragraph: _Paragraph) -> None:
    """Japanese line breaking: break between East Asian characters, keep kinsoku rules."""
    pPr = paragraph._p.get_or_add_pPr()
    pPr.set("eaLnBrk", "1")
    pPr.set("latinLnBrk", "0")
    pPr.set("hangingPunct", "1")


def set_bullet(paragraph: _Paragraph, *, char: str | None, indent: int, margin: int,
               color: str | None = None, font: str = "Arial") -> None:
    """A bullet character with a hanging indent (`margin` = marL, `indent` = negative hang).

    `char=None` writes `a:buNone`, which stops the placeholder's inherited bullet.
    """
    pPr = paragraph._p.get_or_add_pPr()
    for tag in ("a:buClr", "a:buClrTx", "a:buSzPct", "a:buFont", "a:buNone", "a:buChar",
                "a:buAutoNum"):
        for old in pPr.findall(qn(tag)):
            pPr.remove(old)
    pPr.set("marL", str(int(margin)))
    pPr.set("indent", str(int(indent)))
    insert_at = _bullet_insert_index(pPr)
    if char is None:
        pPr.insert(insert_at, etree.Element(qn("a:buNone")))
        return
    elements = []
    if color:
        clr = etree.Element(qn("a:buClr"))
        etree.SubElement(clr, qn("a:srgbClr")).set("val", color)
        elements.append(clr)
    bu_font = etree.Element(qn("a:buFont"))
    bu_font.set("typeface", font)
    elements.append(bu_font)
    bu_char = etree.Element(qn("a:buChar"))
    bu_char.set("char", char)
    elements.append(bu_char)
    for offset, element in enumerate(elements):
        pPr.insert(insert_at + offset, element)


def _bullet_insert_index(pPr) -> int:
    """Bullets go after lnSpc/spcBef/spcAft and before tabLst/defRPr (schema order)."""
    before = {qn("a:lnSpc"), qn("a:spcBef"), qn("a:spcAft")}
    index = 0
    for i, child in enumerate(pPr):
        if child.tag in before:
            index = i + 1
    return index


def add_slide_number_field(paragraph: _Paragraph, number: int) -> _Run:
    """A `slidenum` field (PowerPoint renumbers it when slides move); shows `number` now."""
    p = paragraph._p
    fld = etree.SubElement(p, qn("a:fld"))
    fld.set("id", "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}")
    fld.set("type", "slidenum")
    etree.SubElement(fld, qn("a:rPr"))
    text = etree.SubElement(fld, qn("a:t"))
    text.text = str(number)
    end = p.find(qn("a:endParaRPr"))
    if end is not None:
        p.remove(end)
        p.append(end)
    from pptx.text.text import _Run

    return _Run(fld, paragraph)


def delete_slide(prs: Presentation, slide: Slide) -> None:
    """Remove `slide` cleanly: its id, its relationship, and its section-list entry.

    Parts reachable only through the slide (charts, notes, pictures) are not
    written on save, since python-pptx saves by walking relationships.
    """
    sld_id_lst = prs.slides._sldIdLst
    for sld_id in list(sld_id_lst):
        if prs.part.related_part(sld_id.rId) is slide.part:
            _remove_from_sections(prs, sld_id.get("id"))
            prs.part.drop_rel(sld_id.rId)
            sld_id_lst.remove(sld_id)
            return
    raise ValueError("slide is not in this presentation")


def _remove_from_sections(prs: Presentation, slide_id: str | None) -> None:
    ext_lst = prs.part._element.find(qn("p:extLst"))
    if ext_lst is None or slide_id is None:
        return
    for entry in ext_lst.iter("{http://schemas.microsoft.com/office/powerpoint/2010/main}sldId"):
        if entry.get("id") == slide_id:
            entry.getparent().remove(entry)


def theme_part(prs: Presentation):
    """The theme part of the first slide master."""
    return prs.slide_master.part.part_related_by(RT.THEME)


def read_theme(prs: Presentation) -> etree._Element:
    return etree.fromstring(theme_part(prs).blob)


def write_theme(prs: Presentation, *, name: str, colors: dict[str, str], latin_major: str,
                latin_minor: str, ea_major: str, ea_minor: str) -> None:
    """Set the theme's colour scheme and its major/minor Latin and East Asian fonts."""
    part = theme_part(prs)
    root = etree.fromstring(part.blob)
    root.set("name", name)
    scheme = root.find(f".//{{{A_NS}}}clrScheme")
    scheme.set("name", name)
    for slot, hex_value in colors.items():
        element = scheme.find(f"{{{A_NS}}}{slot}")
        if element is None:
            continue
        for child in list(element):
            element.remove(child)
        etree.SubElement(element, f"{{{A_NS}}}srgbClr").set("val", hex_value)
    font_scheme = root.find(f".//{{{A_NS}}}fontScheme")
    font_scheme.set("name", name)
    for tag, latin, ea in (("majorFont", latin_major, ea_major),
                           ("minorFont", latin_minor, ea_minor)):
        font = font_scheme.find(f"{{{A_NS}}}{tag}")
        font.find(f"{{{A_NS}}}latin").set("typeface", latin)
        font.find(f"{{{A_NS}}}ea").set("typeface", ea)
        for script in font.findall(f"{{{A_NS}}}font"):
            if script.get("script") == "Jpan":
                script.set("typeface", ea)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def set_placeholder_geometry(shape, left: int, top: int, width: int, height: int) -> None:
    """Give a layout/master placeholder an explicit position (python-pptx covers slides only)."""
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def set_anchor(text_frame, anchor: str) -> None:
    """Vertical anchor on `a:bodyPr`: 't', 'ctr' or 'b'."""
    text_frame._txBody.bodyPr.set("anchor", anchor)


def drop_shape_style(shape) -> None:
    """Remove `p:style`: the theme's effects (shadows, gradients) must not decorate our shapes.

    Fill, line and text colour are always set explicitly, so nothing else
    depends on the style reference.
    """
    style = shape._element.find(qn("p:style"))
    if style is not None:
        shape._element.remove(style)


def clone_element(element):
    return copy.deepcopy(element)
