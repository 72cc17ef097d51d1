"""Every raw-XML write the project makes, one small function per element.

python-pptx covers most of what we draw; what it lacks (the East Asian
typeface on a run, line-breaking rules, bullets, the slide-number field,
theme colours and fonts, the master's text styles, deleting a slide or a
shape, z-order) is done here, so a python-pptx upgrade can break only this
module and its reading twin, `generator.ooxml` (namespaces, theme, style
inheritance: every raw read).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from lxml import etree
from pptx.oxml.ns import qn

from generator.ooxml import A_NS, C_NS, P14_NS, P_NS, layouts_named, theme_part

if TYPE_CHECKING:
    from pptx.presentation import Presentation
    from pptx.slide import Slide
    from pptx.text.text import _Paragraph, _Run

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


_RPR_RANK = {qn(tag): i for i, tag in enumerate(_RPR_ORDER)}
_RPR_FILLS = frozenset(qn(tag) for tag in ("a:noFill", "a:solidFill", "a:gradFill", "a:blipFill",
                                           "a:pattFill", "a:grpFill"))


def set_run_color(run: _Run, *, rgb: str | None = None, scheme: str | None = None) -> bool:
    """A solid text colour on a run whose `a:rPr` has no fill yet: `rgb` ('RRGGBB') or a
    theme `scheme` slot ('accent1'), the XML python-pptx's `font.color` writes, without
    its generic child lookups (most of a run's cost).  False, nothing done, when the run
    has a fill already (the caller goes through python-pptx)."""
    rPr = run._r.get_or_add_rPr()
    if any(child.tag in _RPR_FILLS for child in rPr):
        return False
    fill = etree.SubElement(rPr, qn("a:solidFill"))
    color = etree.SubElement(fill, qn("a:srgbClr" if scheme is None else "a:schemeClr"))
    color.set("val", rgb if scheme is None else scheme)
    ln = rPr.find(qn("a:ln"))
    rPr.insert(0 if ln is None else rPr.index(ln) + 1, fill)
    return True


def _order_rpr_children(rPr) -> None:
    """Keep `a:rPr` children in schema order (PowerPoint refuses files otherwise)."""
    rank = _RPR_RANK
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


def add_empty_layout_slides(prs: Presentation, names: list[str]) -> None:
    """One slide per layout named in `names` (the first layout of that name in any master),
    its placeholders removed: only the template's own graphics show.  KeyError for a name
    the deck has no layout of."""
    layouts = layouts_named(prs, names)
    for name in names:
        slide = prs.slides.add_slide(layouts[name])
        for shape in list(slide.placeholders):
            remove_shape(shape)


def remove_shape(shape) -> None:
    """Take a shape (a placeholder, say) off its slide."""
    shape._element.getparent().remove(shape._element)


def send_to_back(slide: Slide, shape) -> None:
    """Put `shape` under everything else on `slide`."""
    tree = slide.shapes._spTree
    tree.remove(shape._element)
    tree.insert(2, shape._element)  # after nvGrpSpPr and grpSpPr


def empty_shape_texts(slide: Slide) -> None:
    """Empty the text of every shape (p:sp) of `slide`; tables keep theirs (their rows
    would shrink without it)."""
    for shape in slide._element.iter(f"{{{P_NS}}}sp"):
        for text in shape.iter(f"{{{A_NS}}}t"):
            text.text = ""


def set_master_text_styles(master, *, title_size: float, body_sizes: list[float]) -> None:
    """The master's title style (left-aligned, bold, tx2) and its first body levels
    (`body_sizes`, tx1, not bold)."""
    styles = master._element.find(qn("p:txStyles"))
    title = styles.find(qn("p:titleStyle")).find(qn("a:lvl1pPr"))
    title.set("algn", "l")
    _set_def_rpr(title, size=title_size, bold=True, scheme_color="tx2")
    body = styles.find(qn("p:bodyStyle"))
    for number, size in enumerate(body_sizes, start=1):
        element = body.find(qn(f"a:lvl{number}pPr"))
        if element is not None:
            _set_def_rpr(element, size=size, bold=False, scheme_color="tx1")


def _set_def_rpr(ppr, *, size: float, bold: bool, scheme_color: str) -> None:
    def_rpr = ppr.find(qn("a:defRPr"))
    if def_rpr is None:
        def_rpr = etree.SubElement(ppr, qn("a:defRPr"))
    def_rpr.set("sz", str(int(size * 100)))
    def_rpr.set("b", "1" if bold else "0")
    for old in def_rpr.findall(qn("a:solidFill")):
        def_rpr.remove(old)
    fill = etree.Element(qn("a:solidFill"))
    etree.SubElement(fill, qn("a:schemeClr")).set("val", scheme_color)
    def_rpr.insert(0, fill)


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
    for entry in ext_lst.iter(f"{{{P14_NS}}}sldId"):
        if entry.get("id") == slide_id:
            entry.getparent().remove(entry)


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


# -- charts ---------------------------------------------------------------------------------
def _c(tag: str) -> str:
    return f"{{{C_NS}}}{tag}"


def set_chart_text(chart, *, latin: str, ea: str, size: float, color: str, lang: str) -> None:
    """Chart-wide text properties: size, colour, and both Latin and East Asian typefaces."""
    chart.font.size = int(size * 12700)
    chart.font.name = latin
    def_rpr = chart._chartSpace.find(f"{_c('txPr')}/{{{A_NS}}}p/{{{A_NS}}}pPr/{{{A_NS}}}defRPr")
    if def_rpr is None:
        return
    def_rpr.set("lang", lang)
    for old in def_rpr.findall(f"{{{A_NS}}}solidFill"):
        def_rpr.remove(old)
    fill = etree.Element(f"{{{A_NS}}}solidFill")
    etree.SubElement(fill, f"{{{A_NS}}}srgbClr").set("val", color)
    def_rpr.insert(0, fill)
    ea_element = def_rpr.find(f"{{{A_NS}}}ea")
    if ea_element is None:
        ea_element = etree.SubElement(def_rpr, f"{{{A_NS}}}ea")
    ea_element.set("typeface", ea)
    _order_rpr_children(def_rpr)


def set_tick_label_skip(axis, every: int) -> None:
    """Show every n-th category label (and tick) so that long series stay readable."""
    element = axis._element
    for tag in ("tickLblSkip", "tickMarkSkip"):
        old = element.find(_c(tag))
        if old is not None:
            element.remove(old)
    # schema order: ... lblOffset, tickLblSkip, tickMarkSkip, noMultiLvlLbl
    anchor = element.find(_c("noMultiLvlLbl"))
    for tag in ("tickLblSkip", "tickMarkSkip"):
        new = etree.Element(_c(tag))
        new.set("val", str(int(every)))
        if anchor is not None:
            anchor.addprevious(new)
        else:
            element.append(new)


def set_doughnut_hole(chart, percent: int) -> None:
    hole = chart._chartSpace.find(f".//{_c('doughnutChart')}/{_c('holeSize')}")
    if hole is not None:
        hole.set("val", str(int(percent)))


def set_bubble_scale(chart, percent: int) -> None:
    scale = chart._chartSpace.find(f".//{_c('bubbleChart')}/{_c('bubbleScale')}")
    if scale is not None:
        scale.set("val", str(int(percent)))


def set_fill_alpha(fill, percent: int) -> None:
    """Make a solid fill partly transparent (overlapping bubbles stay visible)."""
    color = fill._fill._solidFill if hasattr(fill._fill, "_solidFill") else None
    solid = fill._xPr.find(f"{{{A_NS}}}solidFill")
    if solid is None or len(solid) == 0:
        return
    target = solid[0]
    for old in target.findall(f"{{{A_NS}}}alpha"):
        target.remove(old)
    etree.SubElement(target, f"{{{A_NS}}}alpha").set("val", str(int(percent * 1000)))
    del color


def set_label_separator(data_labels, separator: str) -> None:
    """What goes between a label's category name and value (PowerPoint's default is '; ')."""
    d_lbls = data_labels._element
    old = d_lbls.find(_c("separator"))
    if old is not None:
        d_lbls.remove(old)
    element = etree.Element(_c("separator"))
    element.text = separator
    # schema order: ... showBubbleSize, separator, showLeaderLines
    anchor = d_lbls.find(_c("showLeaderLines"))
    if anchor is not None:
        anchor.addprevious(element)
    else:
        d_lbls.append(element)


def set_line_arrow(connector, end: str = "tail") -> None:
    """An arrowhead at the end of a line (axes of a 2x2)."""
    ln = connector.line._get_or_add_ln()
    for old in ln.findall(f"{{{A_NS}}}{end}End"):
        ln.remove(old)
    arrow = etree.SubElement(ln, f"{{{A_NS}}}{end}End")
    arrow.set("type", "triangle")
    arrow.set("w", "med")
    arrow.set("len", "med")


def set_log_scale(axis, base: int) -> None:
    scaling = axis._element.find(_c("scaling"))
    old = scaling.find(_c("logBase"))
    if old is not None:
        scaling.remove(old)
    log = etree.Element(_c("logBase"))
    log.set("val", str(base))
    scaling.insert(0, log)  # logBase comes first inside c:scaling


def set_crosses_at(axis, value: float) -> None:
    """Where the OTHER axis crosses this one's perpendicular: c:crossesAt on this axis.

    In a chart, each axis element says where it crosses the other axis, in
    the other axis's units.
    """
    element = axis._element
    for tag in ("crosses", "crossesAt"):
        old = element.find(_c(tag))
        if old is not None:
            element.remove(old)
    crosses = etree.Element(_c("crossesAt"))
    crosses.set("val", repr(float(value)))
    anchor = element.find(_c("crossAx"))
    anchor.addnext(crosses)


def set_plot_manual_layout(chart, x: float, y: float, w: float, h: float) -> None:
    """Fix the plot area's inner rectangle as fractions of the chart frame."""
    plot_area = chart._chartSpace.find(f".//{_c('plotArea')}")
    old = plot_area.find(_c("layout"))
    if old is not None:
        plot_area.remove(old)
    layout = etree.Element(_c("layout"))
    manual = etree.SubElement(layout, _c("manualLayout"))
    for tag, value in (("layoutTarget", "inner"), ("xMode", "edge"), ("yMode", "edge"),
                       ("x", x), ("y", y), ("w", w), ("h", h)):
        etree.SubElement(manual, _c(tag)).set("val", str(value))
    plot_area.insert(0, layout)


# -- tables and accessibility ---------------------------------------------------------------
NO_GRID_TABLE_STYLE = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"  # "No Style, No Grid"


def set_plain_table_style(table) -> None:
    """No built-in style: our fills and hairlines are the only decoration."""
    tbl_pr = table._tbl.tblPr
    tbl_pr.set("firstRow", "1")
    tbl_pr.set("bandRow", "0")
    style = tbl_pr.find(f"{{{A_NS}}}tableStyleId")
    if style is None:
        style = etree.SubElement(tbl_pr, f"{{{A_NS}}}tableStyleId")
    style.text = NO_GRID_TABLE_STYLE


def set_cell_bottom_border(cell, color: str, width: int) -> None:
    """A hairline under a cell (a:lnB), placed before the cell fill as the schema wants."""
    tc_pr = cell._tc.get_or_add_tcPr()
    for old in tc_pr.findall(f"{{{A_NS}}}lnB"):
        tc_pr.remove(old)
    line = etree.Element(f"{{{A_NS}}}lnB")
    line.set("w", str(int(width)))
    line.set("cmpd", "sng")
    fill = etree.SubElement(line, f"{{{A_NS}}}solidFill")
    etree.SubElement(fill, f"{{{A_NS}}}srgbClr").set("val", color)
    after = {f"{{{A_NS}}}{tag}" for tag in ("lnL", "lnR", "lnT")}
    index = sum(1 for child in tc_pr if child.tag in after)
    tc_pr.insert(index, line)


def set_description(shape, text: str) -> None:
    """Alt text (cNvPr descr) for screen readers and the accessibility checker."""
    c_nv_pr = shape._element.find(f".//{{{P_NS}}}cNvPr")
    if c_nv_pr is not None:
        c_nv_pr.set("descr", text)


def set_end_paragraph_size(paragraph, size_pt: float) -> None:
    """The end-of-paragraph mark's size (renderers size empty lines by it; default 18 pt)."""
    p = paragraph._p
    end = p.find(qn("a:endParaRPr"))
    if end is None:
        end = etree.SubElement(p, qn("a:endParaRPr"))
    end.set("sz", str(int(round(size_pt * 2) / 2 * 100)))


def add_notes_body(notes_slide) -> None:
    """A notes body placeholder on a notes page whose master has none (PowerPoint shows
    the speaker notes from the body placeholder only)."""
    from pptx.oxml import parse_xml
    from pptx.oxml.ns import nsdecls

    tree = notes_slide.shapes._spTree
    ids = [int(v) for v in tree.xpath("//@id") if str(v).isdigit()]
    sp = parse_xml(
        f'<p:sp {nsdecls("p", "a")}><p:nvSpPr><p:cNvPr id="{max(ids, default=1) + 1}" '
        'name="Notes Placeholder"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>'
        '<p:nvPr><p:ph type="body" idx="1"/></p:nvPr></p:nvSpPr><p:spPr>'
        '<a:xfrm><a:off x="685800" y="4400550"/><a:ext cx="5486400" cy="3600450"/></a:xfrm>'
        '</p:spPr><p:txBody><a:bodyPr/><a:lstStyle/><a:p/></p:txBody></p:sp>')
    tree.append(sp)


def set_point_label_content(data_label, *, number_format: str, category: bool,
                            separator: str) -> None:
    """What one point's own data label shows (python-pptx's default shows the value only):
    its number format, the category name and the separator, in schema order."""
    d_lbl, c = data_label._dLbl, C_NS
    idx = d_lbl.find(f"{{{c}}}idx")
    for tag in ("numFmt", "separator"):
        for old in d_lbl.findall(f"{{{c}}}{tag}"):
            d_lbl.remove(old)
    fmt = etree.Element(f"{{{c}}}numFmt")
    fmt.set("formatCode", number_format)
    fmt.set("sourceLinked", "0")
    idx.addnext(fmt)
    show = d_lbl.find(f"{{{c}}}showCatName")
    if show is not None:
        show.set("val", "1" if category else "0")
    sep = etree.SubElement(d_lbl, f"{{{c}}}separator")
    sep.text = separator


_TEXT_FILLS = ("noFill", "solidFill", "gradFill", "blipFill", "pattFill", "grpFill")


def paint_frame_texts(slide: Slide, markers: tuple[str, str]) -> dict[int, set[str]]:
    """Paint the text of every chart and table on `slide` in a marker colour (the rendered
    lint's bare copy: the glyphs stay where they are, in a colour no slide uses, so the
    pixels that changed are the glyphs and the pixels around them are what is behind).

    Each text property (chart: c:txPr and c:rich; table: the runs of its cells) gets
    `markers[0]`, or `markers[1]` where its own colour is near the first.  Returns, per
    shape id, the sRGB colours the text had."""
    found: dict[int, set[str]] = {}
    for shape in _all_shapes(slide.shapes):
        if getattr(shape, "has_chart", False) and shape.has_chart:
            space = shape.chart._chartSpace
            properties = [rpr for holder in (*space.iter(f"{{{C_NS}}}txPr"),
                                             *space.iter(f"{{{C_NS}}}rich"))
                          for rpr in holder.iter(f"{{{A_NS}}}defRPr", f"{{{A_NS}}}rPr")]
        elif getattr(shape, "has_table", False) and shape.has_table:
            for run in shape._element.iter(f"{{{A_NS}}}r"):
                run.get_or_add_rPr()  # a run without properties gets its own marker
            properties = list(shape._element.iter(f"{{{A_NS}}}rPr"))
        else:
            continue
        found[shape.shape_id] = {_paint_text(rpr, markers) for rpr in properties} - {""}
    return found


def _all_shapes(shapes):
    for shape in shapes:
        yield shape
        if getattr(shape, "shape_type", None) == 6:  # a group: its members too
            yield from _all_shapes(shape.shapes)


def _paint_text(rpr, markers: tuple[str, str]) -> str:
    """Give one text property a marker fill; returns its own sRGB colour ('' if none)."""
    own = ""
    for tag in _TEXT_FILLS:
        for old in rpr.findall(f"{{{A_NS}}}{tag}"):
            srgb = old.find(f"{{{A_NS}}}srgbClr")
            own = srgb.get("val", "").upper() if srgb is not None else own
            rpr.remove(old)
    near = own and sum(abs(int(own[i:i + 2], 16) - int(markers[0][i:i + 2], 16))
                       for i in (0, 2, 4)) < 160
    fill = etree.Element(f"{{{A_NS}}}solidFill")
    etree.SubElement(fill, f"{{{A_NS}}}srgbClr").set("val", markers[1] if near else markers[0])
    line = rpr.find(f"{{{A_NS}}}ln")
    if line is not None:
        line.addnext(fill)
    else:
        rpr.insert(0, fill)
    return own


# -- chart data labels, one point at a time (H3) -------------------------------------------
def hide_point_label(data_label) -> None:
    """No label on this one point (`c:delete`): a segment too small to hold its label."""
    d_lbl = data_label._get_or_add_dLbl()
    for child in list(d_lbl):
        if child.tag != f"{{{C_NS}}}idx":
            d_lbl.remove(child)
    etree.SubElement(d_lbl, f"{{{C_NS}}}delete").set("val", "1")


def set_point_label_fields(data_label, *, number_format: str, value: bool, percent: bool,
                           category: bool = False) -> None:
    """Which fields one point's own data label shows (python-pptx's default: the value only)
    and the number format they take."""
    d_lbl, c = data_label._get_or_add_dLbl(), C_NS
    for old in d_lbl.findall(f"{{{c}}}numFmt"):
        d_lbl.remove(old)
    fmt = etree.Element(f"{{{c}}}numFmt")
    fmt.set("formatCode", number_format)
    fmt.set("sourceLinked", "0")
    before = [d_lbl.find(f"{{{c}}}{tag}") for tag in ("idx", "layout", "tx")]
    [element for element in before if element is not None][-1].addnext(fmt)
    for tag, shown in (("showVal", value), ("showPercent", percent), ("showCatName", category)):
        element = d_lbl.find(f"{{{c}}}{tag}")
        if element is not None:
            element.set("val", "1" if shown else "0")
