"""Effective text and colour properties of a written deck, resolved as PowerPoint does.

A run's size, typefaces and colour come from the first of: the run, the
shape's list style, its layout and master placeholders, the master's text
styles (title / body / other), the presentation's default text style.  Theme
fonts (+mj-lt, +mn-ea, ...) and scheme colours (through the master's colour
map) are resolved against the theme.  Lint reads everything from the file.
"""

from __future__ import annotations

import colorsys
import functools
from dataclasses import dataclass

from lxml import etree
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
A = "{%s}" % NS["a"]
DEFAULT_SIZE_PT = 18.0
TITLE_TYPES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE}
BODY_TYPES = {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.SUBTITLE,
              PP_PLACEHOLDER.VERTICAL_BODY, PP_PLACEHOLDER.VERTICAL_OBJECT}
_DEFAULT_MAP = {"bg1": "lt1", "tx1": "dk1", "bg2": "lt2", "tx2": "dk2"}


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


def read_theme(master_part) -> Theme:
    root = etree.fromstring(master_part.part_related_by(RT.THEME).blob)
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


def _transform(hex_color: str, element) -> str:
    """Apply lumMod/lumOff/tint/shade (the common ones) to an RGB colour."""
    r, g, b = (int(hex_color[i:i + 2], 16) / 255 for i in (0, 2, 4))
    h, lightness, s = colorsys.rgb_to_hls(r, g, b)
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
    r, g, b = colorsys.hls_to_rgb(h, lightness, s)
    return "".join(f"{round(c * 255):02X}" for c in (r, g, b))


def master_color_map(master) -> dict[str, str]:
    element = master._element.find("p:clrMap", NS)
    return dict(element.attrib) if element is not None else {}


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
    return _cached_master_styles(id(master._element), master._element)


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
