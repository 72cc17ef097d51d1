"""Every raw read of a deck's XML: namespaces, the theme, colour maps, style inheritance,
placeholders' inherited properties, fills and backgrounds, chart caches, table styles.

python-pptx's public API covers most of what a slide holds; what it does not say
is read here, resolved as PowerPoint does.  A run's size, typefaces and colour
come from the first of: the run, the shape's list style, its layout and master
placeholders, the master's text styles (title / body / other), the
presentation's default text style.  Theme fonts (+mj-lt, +mn-ea, ...) and
scheme colours (through the master's colour map, or a slide's or layout's
override) are resolved against the theme.

Callers hold elements only as opaque handles passed back here.  The writes are
in `generator.render.xml`; uploads are pre-parsed, hardened, by `generator.intake`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

from lxml import etree
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml import xmlchemy
from pptx.oxml.ns import _nsmap as PPTX_NSMAP
from pptx.shapes.placeholder import _InheritsDimensions

from generator.colours import from_hls, to_hls

A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
DIAGRAM_NS = "http://schemas.openxmlformats.org/drawingml/2006/diagram"  # SmartArt
P14_NS = "http://schemas.microsoft.com/office/powerpoint/2010/main"
NS = {"a": A_NS, "p": P_NS, "r": R_NS, "c": C_NS}
A, P, C = f"{{{A_NS}}}", f"{{{P_NS}}}", f"{{{C_NS}}}"

DEFAULT_SIZE_PT = 18.0
TITLE_TYPES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE}
BODY_TYPES = {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.SUBTITLE,
              PP_PLACEHOLDER.VERTICAL_BODY, PP_PLACEHOLDER.VERTICAL_OBJECT}
DEFAULT_INSETS = (91440, 45720, 91440, 45720)  # left, top, right, bottom
_DEFAULT_MAP = {"bg1": "lt1", "tx1": "dk1", "bg2": "lt2", "tx2": "dk2"}


@functools.lru_cache(maxsize=512)
def _compiled_xpath(path: str) -> etree.XPath:
    return etree.XPath(path, namespaces=PPTX_NSMAP)


def _xpath(self, xpath_str: str):
    """python-pptx's `BaseOxmlElement.xpath`, the expression compiled once instead of on
    every call (same result): python-pptx asks it several times per shape (is it a
    placeholder? of which idx and type?), a sixth of learning's and rendering's time."""
    return _compiled_xpath(xpath_str)(self)


xmlchemy.BaseOxmlElement.xpath = _xpath  # every python-pptx element; see `_xpath`


def local_name(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def shape_tag(shape) -> str:
    """The local name of a shape's element: 'sp', 'pic', 'graphicFrame', 'grpSp', 'cxnSp'."""
    return local_name(shape._element)


def shape_box(shape) -> tuple[int | None, int | None, int | None, int | None]:
    """(left, top, width, height) of a shape as python-pptx's `left`, `top`, `width` and
    `height` give them (a placeholder's missing values from the layout or master
    placeholder it inherits from), with that placeholder looked up once, not four times."""
    element = shape._element
    own = (element.x, element.y, element.cx, element.cy)
    if None not in own or not isinstance(shape, _InheritsDimensions):
        return own
    base = shape._base_placeholder
    if base is None:
        return own
    inherited = shape_box(base)
    return tuple(o if o is not None else i for o, i in zip(own, inherited))


# -- layouts ----------------------------------------------------------------------------------
def layouts_named(prs, names: list[str]) -> dict[str, object]:
    """Name -> layout for each of `names` the deck has (the first layout of that name in
    any master), in the order of `names`, each once."""
    by_name: dict[str, object] = {}
    for master in prs.slide_masters:
        for layout in master.slide_layouts:
            by_name.setdefault(layout.name, layout)
    return {name: by_name[name] for name in dict.fromkeys(names) if name in by_name}


# -- theme --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Theme:
    colors: dict[str, str]
    major_latin: str
    minor_latin: str
    major_ea: str
    minor_ea: str

    def font(self, typeface: str | None, east_asian: bool) -> str | None:
        """Resolve '+mj-lt' style theme references to a typeface name."""
        if not typeface:
            return None
        table = {"+mj-lt": self.major_latin, "+mn-lt": self.minor_latin,
                 "+mj-ea": self.major_ea, "+mn-ea": self.minor_ea,
                 "+mj-cs": self.major_latin, "+mn-cs": self.minor_latin}
        return table.get(typeface, typeface) or None


def theme_part(prs):
    """The theme part of the first slide master."""
    return prs.slide_master.part.part_related_by(RT.THEME)


def read_theme(master_part) -> Theme:
    """The colour scheme and the major/minor fonts of a slide master's theme."""
    theme = _parsed_theme(master_part.part_related_by(RT.THEME).blob)
    return replace(theme, colors=dict(theme.colors))  # the caller's own colours


@functools.lru_cache(maxsize=32)
def _parsed_theme(blob: bytes) -> Theme:
    """`read_theme` of a theme part's bytes, parsed once (learning and rendering ask for
    the same theme per layout and per shape)."""
    root = etree.fromstring(blob)
    colors = {}
    scheme = root.find(f".//{A}clrScheme")
    if scheme is not None:
        for slot in scheme:
            value = _color_of_element(slot)
            if value:
                colors[etree.QName(slot).localname] = value
    fonts = {}
    for kind in ("majorFont", "minorFont"):
        element = root.find(f".//{A}fontScheme/{A}{kind}")
        latin = element.find(f"{A}latin") if element is not None else None
        ea = element.find(f"{A}ea") if element is not None else None
        jpan = element.find(f"{A}font[@script='Jpan']") if element is not None else None
        fonts[kind] = (latin.get("typeface") if latin is not None else "Arial",
                       (ea.get("typeface") if ea is not None else "")
                       or (jpan.get("typeface") if jpan is not None else ""))
    return Theme(colors=colors, major_latin=fonts["majorFont"][0], minor_latin=fonts["minorFont"][0],
                 major_ea=fonts["majorFont"][1], minor_ea=fonts["minorFont"][1])


def _color_of_element(slot) -> str | None:
    srgb = slot.find(f"{A}srgbClr")
    if srgb is not None:
        return srgb.get("val", "").upper() or None
    system = slot.find(f"{A}sysClr")
    if system is not None:
        return (system.get("lastClr") or ("000000" if system.get("val") == "windowText"
                                          else "FFFFFF")).upper()
    return None


# -- colours ----------------------------------------------------------------------------------
class ColorResolver:
    """Scheme colour names to RGB, through a colour map and the theme."""

    def __init__(self, theme: Theme, color_map: dict[str, str]):
        self.theme = theme
        self.color_map = color_map

    def resolve(self, fill_parent) -> str | None:
        """RGB hex of the colour element inside `fill_parent` (e.g. a:solidFill), with transforms."""
        if fill_parent is None:
            return None
        for child in fill_parent:
            name = etree.QName(child).localname
            base = None
            if name == "srgbClr":
                base = child.get("val", "").upper()
            elif name == "schemeClr":
                slot = child.get("val", "")
                slot = self.color_map.get(slot, _DEFAULT_MAP.get(slot, slot))
                base = self.theme.colors.get(slot)
            elif name == "sysClr":
                base = _color_of_element(fill_parent)
            elif name == "prstClr":
                base = {"black": "000000", "white": "FFFFFF"}.get(child.get("val", ""))
            if base and len(base) == 6:
                return _transform(base, child)
        return None

    def scheme(self, name: str) -> str | None:
        """RGB hex of a scheme colour ('tx1', 'bg1', 'accent1', ...), the map honoured."""
        return self.resolve(_scheme_fill(name))


def _scheme_fill(name: str):
    fill = etree.Element(f"{A}solidFill")
    etree.SubElement(fill, f"{A}schemeClr").set("val", name)
    return fill


def _transform(hex_color: str, element) -> str:
    """Apply lumMod/lumOff/tint/shade (the common ones) to an RGB colour."""
    h, lightness, s = to_hls(hex_color)
    for modifier in element:
        name = etree.QName(modifier).localname
        value = int(modifier.get("val", "100000")) / 100000
        if name == "lumMod":
            lightness *= value
        elif name == "lumOff":
            lightness += value
        elif name == "tint":
            lightness = lightness * value + (1 - value)
        elif name == "shade":
            lightness *= value
    lightness = min(max(lightness, 0.0), 1.0)
    return from_hls(h, lightness, s)


def master_color_map(master) -> dict[str, str]:
    element = master._element.find("p:clrMap", NS)
    return dict(element.attrib) if element is not None else {}


def color_map(source, master) -> dict[str, str]:
    """The colour map in force on `source` (a slide or a layout): its own override,
    else its master's."""
    override = source._element.find("p:clrMapOvr/a:overrideClrMapping", NS)
    return dict(override.attrib) if override is not None else master_color_map(master)


def layout_colors(layout) -> ColorResolver:
    """Colours as slides of `layout` resolve them (its theme, its colour map)."""
    master = layout.slide_master
    return ColorResolver(read_theme(master.part), color_map(layout, master))


def background_color(sources, colors: ColorResolver, *, gradient_middle: bool = False
                     ) -> str | None:
    """The background of the first of `sources` (slide, layout, master) that has one;
    the scheme's bg1 when none does.  None for a picture or pattern (unknown), and for a
    gradient unless `gradient_middle` (then its middle stop stands for it)."""
    for source in sources:
        bg = source._element.find("p:cSld/p:bg", NS)
        if bg is None:
            continue
        pr = bg.find("p:bgPr", NS)
        if pr is not None:
            if pr.find(f"{A}solidFill") is not None:
                return colors.resolve(pr.find(f"{A}solidFill"))
            stops = pr.findall(f"{A}gradFill/{A}gsLst/{A}gs") if gradient_middle else []
            if stops:
                return colors.resolve(stops[len(stops) // 2])
            return None
        ref = bg.find("p:bgRef", NS)
        return colors.resolve(ref) if ref is not None else None
    return colors.scheme("bg1")


def shape_fill(shape, colors: ColorResolver) -> str | None:
    """A shape's own fill: RGB, '' for an unjudgeable fill (picture, gradient), None for none."""
    element = shape._element
    if local_name(element) == "pic":
        return ""
    sp_pr = element.find("p:spPr", NS)
    if sp_pr is None:
        return None
    if sp_pr.find(f"{A}solidFill") is not None:
        return colors.resolve(sp_pr.find(f"{A}solidFill")) or ""
    if sp_pr.find(f"{A}gradFill") is not None or sp_pr.find(f"{A}blipFill") is not None:
        return ""
    if sp_pr.find(f"{A}noFill") is not None:
        return None
    style_fill = element.find(f"p:style/{A}fillRef", NS)
    if style_fill is not None and style_fill.get("idx", "0") != "0":
        return colors.resolve(style_fill) or ""
    return None


def style_font_color(shape) -> str | None:
    """The text colour a shape's `p:style` gives it (its fontRef), None without one."""
    ref = shape._element.find(f"p:style/{A}fontRef", NS)
    if ref is None:
        return None
    try:
        slide_master = shape.part.slide.slide_layout.slide_master
        resolver = ColorResolver(read_theme(slide_master.part), master_color_map(slide_master))
    except AttributeError:
        return None
    return resolver.resolve(ref)


def fill_under(layout, box: list[int], colors: ColorResolver, background: str | None
               ) -> str | None:
    """The colour under the centre of `box`: the topmost non-placeholder shape of the
    layout, then of the master, that covers it; else the background.  None: unknown."""
    x, y = box[0] + box[2] // 2, box[1] + box[3] // 2
    for source in (layout, layout.slide_master):
        for shape in reversed(list(source.shapes)):
            if shape.is_placeholder or shape.left is None or shape.width is None:
                continue
            if not (shape.left <= x <= shape.left + shape.width
                    and shape.top <= y <= shape.top + shape.height):
                continue
            if shape_tag(shape) in ("pic", "graphicFrame", "grpSp"):
                return None
            sp_pr = shape._element.find("p:spPr", NS)
            if sp_pr is None or sp_pr.find(f"{A}noFill") is not None:
                continue
            if sp_pr.find(f"{A}solidFill") is not None:
                return colors.resolve(sp_pr.find(f"{A}solidFill"))
            if sp_pr.find(f"{A}gradFill") is not None or sp_pr.find(f"{A}blipFill") is not None:
                return None
            ref = shape._element.find(f"p:style/{A}fillRef", NS)
            if ref is not None and ref.get("idx", "0") != "0":
                return colors.resolve(ref)
    return background


def draws_nothing(shape) -> bool:
    """A shape that draws nothing: no fill, no line, no text."""
    if shape_tag(shape) in ("pic", "graphicFrame", "grpSp", "cxnSp"):
        return False
    sp_pr = shape._element.find("p:spPr", NS)
    style = shape._element.find("p:style", NS)
    filled = sp_pr is not None and sp_pr.find(f"{A}noFill") is None and any(
        sp_pr.find(f"{A}{kind}") is not None
        for kind in ("solidFill", "gradFill", "blipFill", "pattFill"))
    if not filled and style is not None and sp_pr is not None \
            and sp_pr.find(f"{A}noFill") is None:
        ref = style.find(f"{A}fillRef")
        filled = ref is not None and ref.get("idx", "0") != "0"
    lined = sp_pr is not None and sp_pr.find(f"{A}ln") is not None \
        and sp_pr.find(f"{A}ln/{A}noFill") is None
    text = getattr(shape, "has_text_frame", False) and shape.has_text_frame \
        and shape.text_frame.text.strip()
    return not (filled or lined or text)


# -- style inheritance ----------------------------------------------------------------------
@dataclass
class LevelStyle:
    """What a list-style level (a:lvlNpPr) says; None = not said here."""

    size: float | None = None
    latin: str | None = None
    ea: str | None = None
    color_parent: object = None
    bold: bool | None = None
    bullet: bool | None = None
    line_spacing: float | None = None  # multiple of single
    space_before: float | None = None  # points
    margin_left: int | None = None


def level_style(lst_style, level: int) -> LevelStyle | None:
    """The `a:lvl{level+1}pPr` of a list style element, parsed."""
    if lst_style is None:
        return None
    ppr = lst_style.find(f"{A}lvl{level + 1}pPr")
    if ppr is None:
        return None
    return paragraph_properties(ppr)


def paragraph_properties(ppr) -> LevelStyle:
    style = LevelStyle()
    def_rpr = ppr.find(f"{A}defRPr")
    if def_rpr is not None:
        _read_rpr(def_rpr, style)
    if ppr.find(f"{A}buNone") is not None:
        style.bullet = False
    elif ppr.find(f"{A}buChar") is not None or ppr.find(f"{A}buAutoNum") is not None:
        style.bullet = True
    spacing = ppr.find(f"{A}lnSpc/{A}spcPct")
    if spacing is not None:
        style.line_spacing = int(spacing.get("val", "100000")) / 100000
    before = ppr.find(f"{A}spcBef/{A}spcPts")
    if before is not None:
        style.space_before = int(before.get("val", "0")) / 100
    if ppr.get("marL") is not None:
        style.margin_left = int(ppr.get("marL"))
    return style


def _read_rpr(rpr, style: LevelStyle) -> None:
    if rpr.get("sz"):
        style.size = int(rpr.get("sz")) / 100
    if rpr.get("b") is not None:
        style.bold = rpr.get("b") in ("1", "true")
    latin = rpr.find(f"{A}latin")
    ea = rpr.find(f"{A}ea")
    style.latin = latin.get("typeface") if latin is not None else None
    style.ea = ea.get("typeface") if ea is not None else None
    fill = rpr.find(f"{A}solidFill")
    style.color_parent = fill


def run_style(rpr) -> LevelStyle:
    style = LevelStyle()
    if rpr is not None:
        _read_rpr(rpr, style)
    return style


def merge(styles: list[LevelStyle | None]) -> LevelStyle:
    """First-given wins, field by field (the inheritance chain, nearest first)."""
    result = LevelStyle()
    for style in styles:
        if style is None:
            continue
        for name in result.__dataclass_fields__:
            if getattr(result, name) is None and getattr(style, name) is not None:
                setattr(result, name, getattr(style, name))
    return result


@functools.lru_cache(maxsize=256)
def _cached_master_styles(master_key: int, master_element) -> dict[str, object]:
    styles = master_element.find("p:txStyles", NS)
    if styles is None:
        return {}
    return {name: styles.find(f"p:{name}", NS) for name in ("titleStyle", "bodyStyle",
                                                             "otherStyle")}


def master_styles(master) -> dict[str, object]:
    """The master's text styles by name: 'titleStyle', 'bodyStyle', 'otherStyle'."""
    return _cached_master_styles(id(master._element), master._element)


def master_text_size(master, style: str) -> float | None:
    """The first-level size (pt) a master's text style ('titleStyle', ...) sets."""
    element = master._element.find(f"p:txStyles/p:{style}/{A}lvl1pPr/{A}defRPr", NS)
    if element is not None and element.get("sz"):
        return int(element.get("sz")) / 100
    return None


def default_text_style(prs):
    """The presentation's default text style (a list style), None when it has none."""
    return prs.part._element.find("p:defaultTextStyle", NS)


def own_list_style(shape):
    """The list style (a:lstStyle) of a shape's own text body."""
    return shape.text_frame._txBody.find(f"{A}lstStyle")


def placeholder_chain(shape) -> list:
    """The list styles (a:lstStyle) of a placeholder's layout and master placeholders."""
    chain = []
    base = shape
    for _ in range(2):
        base = getattr(base, "_base_placeholder", None)
        if base is None:
            break
        body = base._element.find(".//p:txBody", NS)
        chain.append(body.find(f"{A}lstStyle") if body is not None else None)
    return chain


def placeholder_type(shape):
    if not shape.is_placeholder:
        return None
    try:
        return shape.placeholder_format.type
    except (ValueError, AttributeError):
        return None


def placeholder_key(shape) -> str:
    """The `type` of a shape's p:ph ('body' when unsaid), '' for a shape that is none."""
    ph = shape._element.find(".//p:nvPr/p:ph", NS)
    return ph.get("type", "body") if ph is not None else ""


def placeholder_colors(layout) -> dict[str, str]:
    """Placeholder idx -> the text colour the template gives it (inherited through the
    layout, the master placeholder and the master's text styles, colour map honoured)."""
    colors = layout_colors(layout)
    styles = master_styles(layout.slide_master)
    found = {}
    for ph in layout.placeholders:
        kind = ph.placeholder_format.type
        title = kind is not None and "TITLE" in str(kind)
        chain = [ph._element.find(".//a:lstStyle", NS)]
        base = getattr(ph, "_base_placeholder", None)
        if base is not None:
            chain.append(base._element.find(".//a:lstStyle", NS))
        chain.append(styles.get("titleStyle" if title else "bodyStyle"))
        color = None
        for lst in chain:
            level = level_style(lst, 0)
            if level is not None and level.color_parent is not None:
                color = colors.resolve(level.color_parent)
                if color:
                    break
        found[str(ph.placeholder_format.idx)] = color or colors.scheme("tx1") or "000000"
    return found


# -- text bodies and paragraphs -----------------------------------------------------------------
@dataclass(frozen=True)
class BodyProperties:
    """What a text body's a:bodyPr says about how its text is laid out."""

    vertical: bool = False
    no_wrap: bool = False
    grows: bool = False  # spAutoFit: the box grows with its text
    font_scale: float = 1.0  # normAutofit
    line_reduction: float = 0.0
    insets: tuple[int, int, int, int] = DEFAULT_INSETS  # left, top, right, bottom


def body_properties(text_frame) -> BodyProperties:
    body_pr = text_frame._txBody.find(f"{A}bodyPr")
    if body_pr is None:
        return BodyProperties()
    scale, reduction = 1.0, 0.0
    norm = body_pr.find(f"{A}normAutofit")
    if norm is not None:
        scale = int(norm.get("fontScale", "100000")) / 100000
        reduction = int(norm.get("lnSpcReduction", "0")) / 100000
    insets = tuple(int(body_pr.get(name, default)) for name, default in
                   zip(("lIns", "tIns", "rIns", "bIns"), DEFAULT_INSETS))
    return BodyProperties(vertical=body_pr.get("vert") not in (None, "horz"),
                          no_wrap=body_pr.get("wrap") == "none",
                          grows=body_pr.find(f"{A}spAutoFit") is not None,
                          font_scale=scale, line_reduction=reduction, insets=insets)


@dataclass
class ParagraphParts:
    """A paragraph as lint measures it: its level, its own properties, its pieces of
    text in order ((text, run style) per run or field, ('\\n', None) per line break),
    its end mark's style and the fill of its first non-empty run."""

    level: int
    own: LevelStyle | None
    pieces: list[tuple[str, LevelStyle | None]]
    end: LevelStyle
    run_color: object


def paragraph_parts(paragraph) -> ParagraphParts:
    p = paragraph._p
    ppr = p.find(f"{A}pPr")
    pieces: list[tuple[str, LevelStyle | None]] = []
    run_color = None
    colored = False
    for child in p:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag in ("r", "fld"):
            rpr = child.find(f"{A}rPr")
            text = child.findtext(f"{A}t") or ""
            pieces.append((text, run_style(rpr)))
            if not colored and text.strip():
                colored = True
                run_color = rpr.find(f"{A}solidFill") if rpr is not None else None
        elif tag == "br":
            pieces.append(("\n", None))
    return ParagraphParts(level=int(ppr.get("lvl", "0")) if ppr is not None else 0,
                          own=paragraph_properties(ppr) if ppr is not None else None,
                          pieces=pieces, end=run_style(p.find(f"{A}endParaRPr")),
                          run_color=run_color)


def paragraph_margin(paragraph) -> int:
    """A paragraph's own left margin (EMU, marL), 0 when it sets none."""
    ppr = paragraph._p.pPr
    margin = ppr.get("marL") if ppr is not None else None
    return int(margin) if margin else 0


def paragraph_has_slide_number(paragraph) -> bool:
    """Whether a paragraph holds a slide-number field."""
    return bool(paragraph._p.xpath("./a:fld[@type='slidenum']"))


def has_slide_number_field(shape) -> bool:
    """Whether a slide-number field is anywhere in a shape's text."""
    return any(field.get("type") == "slidenum" for field in shape._element.iter(f"{A}fld"))


# -- shapes -----------------------------------------------------------------------------------
def group_child_frame(group) -> tuple[int, int, int, int] | None:
    """A group's child offset and extent (chOff x, y; chExt cx, cy), None without a:xfrm."""
    xfrm = group._element.find("p:grpSpPr/a:xfrm", NS)
    if xfrm is None:
        return None
    ch_off, ch_ext = xfrm.find(f"{A}chOff"), xfrm.find(f"{A}chExt")
    cx = int(ch_off.get("x", 0)) if ch_off is not None else 0
    cy = int(ch_off.get("y", 0)) if ch_off is not None else 0
    cw = int(ch_ext.get("cx", 0)) if ch_ext is not None else 0
    ch = int(ch_ext.get("cy", 0)) if ch_ext is not None else 0
    return cx, cy, cw, ch


def shape_description(shape) -> str | None:
    """A shape's alt text (its cNvPr descr), '' when empty, None when it has no cNvPr."""
    found = shape._element.xpath(".//*[local-name()='cNvPr']")
    return found[0].get("descr") or "" if found else None


def plays_media(shape) -> bool:
    """Whether a shape links a video or sound file."""
    return bool(shape._element.xpath(".//*[local-name()='videoFile' or local-name()='audioFile']"))


def graphic_uris(shape) -> list[str]:
    """The graphicData URIs of a graphic frame (chart, table, SmartArt, OLE), [] otherwise."""
    if not shape._element.tag.endswith("}graphicFrame"):
        return []
    return list(shape._element.xpath(".//*[local-name()='graphicData']/@uri"))


def has_picture_fill(shape) -> bool:
    """Whether the shape itself is filled by a picture (a:blipFill child: a picture placeholder)."""
    return bool(shape._element.xpath("./*[local-name()='blipFill']"))


# -- charts -----------------------------------------------------------------------------------
def chart_plot_types(chart_part) -> list[str]:
    """The plot element names of a chart part (barChart, bar3DChart, ...)."""
    area = chart_part._element.find(f"{C}chart/{C}plotArea")
    return [child.tag.split("}")[-1] for child in (area if area is not None else [])
            if isinstance(child.tag, str) and child.tag.endswith("Chart")]


def chart_style_facts(chart) -> dict:
    """Series colours (their srgb/scheme value, None when unset), data labels shown,
    major gridlines and the gap width of a chart."""
    space = chart._chartSpace
    colors = []
    for ser in space.iter(f"{C}ser"):
        fill = ser.find(f"{C}spPr/{A}solidFill/*")
        colors.append(fill.get("val") if fill is not None else None)
    gap = space.find(f".//{C}gapWidth")
    return {"series_colors": colors,
            "data_labels": space.find(f".//{C}dLbls/{C}showVal[@val='1']") is not None,
            "gridlines": space.find(f".//{C}majorGridlines") is not None,
            "gap_width": int(gap.get("val")) if gap is not None else None}


def chart_series(chart) -> list:
    """Every series element of every plot of a chart (handles for the `series_*` reads)."""
    return chart._chartSpace.xpath(".//c:plotArea/*/c:ser")


def series_categories(series) -> list[str]:
    """The cached labels of a series' `c:cat` (text or numbers; the last level of
    multi-level ones)."""
    element = series.find(f"{C}cat")
    if element is None:
        return []
    cache = element.find(f".//{C}strCache")
    if cache is None:
        cache = element.find(f".//{C}numCache")
    if cache is None:
        levels = element.findall(f".//{C}lvl")
        cache = levels[0] if levels else None
    if cache is None:
        return []
    count_el = cache.find(f"{C}ptCount")
    points = cache.findall(f"{C}pt")
    count = int(count_el.get("val")) if count_el is not None else len(points)
    labels = [""] * count
    for point in points:
        index = int(point.get("idx", "0"))
        v = point.find(f"{C}v")
        if v is not None and 0 <= index < count:
            labels[index] = " ".join((v.text or "").split())[:200]
    return labels


def series_numbers(series, tag: str) -> list[float | None]:
    """The cached numbers of `c:val`/`c:xVal`/`c:yVal`/`c:bubbleSize` of a series."""
    found = series.find(f"{C}{tag}")
    if found is None:
        return []
    cache = found.find(f".//{C}numCache")
    if cache is None:
        return []
    count_el = cache.find(f"{C}ptCount")
    count = int(count_el.get("val")) if count_el is not None else 0
    values: list[float | None] = [None] * count
    for point in cache.findall(f"{C}pt"):
        index = int(point.get("idx", "0"))
        v = point.find(f"{C}v")
        if v is not None and 0 <= index < count:
            values[index] = float(v.text)
    return values


def series_name(series) -> str:
    """A series' name as its cache or rich text holds it ('' when unnamed)."""
    return " ".join(" ".join(series.xpath("./c:tx//c:v/text() | ./c:tx//a:t/text()")).split())


def series_point_labels(series) -> dict[int, str]:
    """Each point's own data-label text (a scatter or bubble point's name)."""
    labels = {}
    for label in series.xpath("./c:dLbls/c:dLbl"):
        index = label.find(f"{C}idx")
        text = " ".join(" ".join(label.xpath("./c:tx//a:t/text()")).split())
        if index is not None and text:
            labels[int(index.get("val"))] = text[:200]
    return labels


def value_axis_crossings(chart) -> list[str]:
    """The c:crossesAt values of a chart's value axes, in document order."""
    return list(chart._chartSpace.xpath(".//c:valAx/c:crossesAt/@val"))


# -- tables -----------------------------------------------------------------------------------
def table_style_facts(table) -> dict:
    """A table's style id, its first-row and banded-row flags and its first cell's fill."""
    tbl_pr = table._tbl.tblPr
    style = tbl_pr.find(f"{A}tableStyleId")
    fill = table.cell(0, 0)._tc.find(f"{A}tcPr/{A}solidFill/*")
    return {"style_id": style.text if style is not None else None,
            "first_row": tbl_pr.get("firstRow") == "1",
            "banded_rows": tbl_pr.get("bandRow") == "1",
            "header_fill": fill.get("val") if fill is not None else None}
