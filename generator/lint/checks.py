"""The lint rules, applied to one slide of a written deck."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from pptx.util import Emu

from generator.design import Box
from generator.fonts import measurer
from generator.colours import contrast_ratio
from generator.render.text import wrap
from generator.lint.styles import A, BODY_TYPES, DEFAULT_SIZE_PT, NS, TITLE_TYPES, ColorResolver, LevelStyle, level_style, master_color_map, master_styles, merge, paragraph_properties, placeholder_chain, placeholder_type, read_theme, run_style

EMU_PER_PT = 12700
OFF_SLIDE_TOLERANCE = int(0.5 * EMU_PER_PT)
HEIGHT_TOLERANCE = 0.04
MIN_CONTRAST = 4.5
MAX_BULLETS = 6
MAX_TITLE_LINES = 2
DEFAULT_INSETS = (91440, 45720, 91440, 45720)  # left, top, right, bottom
_SOURCE_WORDS = ("source", "sources", "出典", "出所", "資料")
_FIELD_PLACEHOLDERS = {"dt", "ftr", "sldNum", "hdr"}


@dataclass
class Line:
    """A measured paragraph."""

    text: str
    level: int
    size: float
    latin: str
    ea: str
    bold: bool
    bullet: bool
    margin: int
    line_spacing: float
    space_before: float
    color: str | None


class SlideChecker:
    """All rules for one slide; `run()` yields (shape, rule, severity, message)."""

    def __init__(self, prs, slide, number: int, *, min_font_pt: float):
        self.prs, self.slide, self.number = prs, slide, number
        self.min_font_pt = min_font_pt
        self.width, self.height = prs.slide_width, prs.slide_height
        self.master = slide.slide_layout.slide_master
        self.theme = read_theme(self.master.part)
        color_map = master_color_map(self.master)
        override = slide._element.find("p:clrMapOvr/a:overrideClrMapping", NS)
        if override is not None:
            color_map = dict(override.attrib)
        self.colors = ColorResolver(self.theme, color_map)
        self.styles = master_styles(self.master)
        default = prs.part._element.find("p:defaultTextStyle", NS)
        self.default_style = default
        self.background = self._slide_background()

    # -- walking shapes -----------------------------------------------------------------------
    def run(self) -> Iterator[tuple[str, str, str, str]]:
        placed: list[tuple[object, Box]] = []
        titled = False
        for shape, bounds in self._shapes(self.slide.shapes, None):
            yield from self._geometry(shape, bounds)
            if shape.has_text_frame if hasattr(shape, "has_text_frame") else False:
                is_title = self._is_title(shape)
                titled = titled or (is_title and bool(shape.text_frame.text.strip()))
                yield from self._text(shape, bounds, placed, is_title)
            yield from self._picture(shape)
            placed.append((shape, bounds))
        yield from self._slide_warnings(titled)

    def _shapes(self, shapes, transform) -> Iterator[tuple[object, Box]]:
        for shape in shapes:
            bounds = self._bounds(shape, transform)
            if shape.shape_type is not None and shape.shape_type == 6:  # MSO_SHAPE_TYPE.GROUP
                yield shape, bounds
                yield from self._shapes(shape.shapes, self._group_transform(shape, transform))
            else:
                yield shape, bounds

    def _bounds(self, shape, transform) -> Box:
        left, top = shape.left or 0, shape.top or 0
        width, height = shape.width or 0, shape.height or 0
        if transform is None:
            return Box(left, top, width, height)
        ox, oy, sx, sy, cx, cy = transform
        return Box(int(ox + (left - cx) * sx), int(oy + (top - cy) * sy),
                      int(width * sx), int(height * sy))

    def _group_transform(self, group, parent):
        xfrm = group._element.find("p:grpSpPr/a:xfrm", NS)
        outer = self._bounds(group, parent)
        if xfrm is None:
            return (outer.left, outer.top, 1.0, 1.0, 0, 0)
        ch_off, ch_ext = xfrm.find(f"{A}chOff"), xfrm.find(f"{A}chExt")
        cx = int(ch_off.get("x", 0)) if ch_off is not None else 0
        cy = int(ch_off.get("y", 0)) if ch_off is not None else 0
        cw = int(ch_ext.get("cx", 0)) if ch_ext is not None else 0
        chh = int(ch_ext.get("cy", 0)) if ch_ext is not None else 0
        sx = outer.width / cw if cw else 1.0
        sy = outer.height / chh if chh else 1.0
        return (outer.left, outer.top, sx, sy, cx, cy)

    # -- geometry ----------------------------------------------------------------------------------
    def _geometry(self, shape, bounds: Box):
        if bounds.width == 0 and bounds.height == 0 and not shape.left and not shape.top:
            return
        t = OFF_SLIDE_TOLERANCE
        if (bounds.left < -t or bounds.top < -t or bounds.right > self.width + t
                or bounds.bottom > self.height + t):
            yield (shape.name, "off_slide", "error",
                   f"'{shape.name}' extends past the slide edge "
                   f"({_inches(bounds.left)}, {_inches(bounds.top)}) to "
                   f"({_inches(bounds.right)}, {_inches(bounds.bottom)}) on a "
                   f"{_inches(self.width)} × {_inches(self.height)} slide")

    # -- text --------------------------------------------------------------------------------------------
    def _is_title(self, shape) -> bool:
        return placeholder_type(shape) in TITLE_TYPES or shape.name == "Title"

    def _text(self, shape, bounds: Box, placed, is_title: bool):
        body = shape.text_frame._txBody
        body_pr = body.find(f"{A}bodyPr")
        if body_pr is not None and body_pr.get("vert") not in (None, "horz"):
            return  # vertical text: not measured
        lines = self._lines(shape)
        if not any(line.text.strip() for line in lines):
            if shape.is_placeholder and self._placeholder_key(shape) not in _FIELD_PLACEHOLDERS:
                yield (shape.name, "empty_placeholder", "warning",
                       f"'{shape.name}' is an empty placeholder ('Click to add text' in PowerPoint)")
            return
        scale, reduction = _autofit(body_pr)
        yield from self._min_font(shape, lines, scale)
        wrapped, height = self._measure(lines, bounds, body_pr, scale, reduction)
        yield from self._overflow(shape, bounds, body_pr, lines, wrapped, height)
        if is_title and sum(len(w) for w in wrapped) > MAX_TITLE_LINES:
            yield (shape.name, "title_lines", "error",
                   f"the action title runs to {sum(len(w) for w in wrapped)} lines "
                   f"(at most {MAX_TITLE_LINES})")
        bullets = sum(1 for line in lines if line.bullet and line.level == 0 and line.text.strip())
        if bullets > MAX_BULLETS:
            yield (shape.name, "bullets", "error",
                   f"{bullets} bullets in one text body (at most {MAX_BULLETS})")
        yield from self._contrast(shape, bounds, placed, lines)

    def _placeholder_key(self, shape) -> str:
        ph = shape._element.find(".//p:nvPr/p:ph", NS)
        return ph.get("type", "body") if ph is not None else ""

    def _chain(self, shape, level: int) -> list[LevelStyle | None]:
        body = shape.text_frame._txBody
        chain = [level_style(body.find(f"{A}lstStyle"), level)]
        kind = placeholder_type(shape)
        if shape.is_placeholder:
            chain += [level_style(lst, level) for lst in placeholder_chain(shape)]
        master_key = ("titleStyle" if kind in TITLE_TYPES else
                      "bodyStyle" if shape.is_placeholder and (kind in BODY_TYPES or kind is None)
                      else "otherStyle")
        if shape.is_placeholder:
            chain.append(level_style(self.styles.get(master_key), level))
        else:
            chain.append(level_style(self.default_style, level))
            chain.append(level_style(self.styles.get("otherStyle"), level))
        return chain

    def _lines(self, shape) -> list[Line]:
        lines = []
        style_color = _shape_style_font_color(shape)
        for paragraph in shape.text_frame.paragraphs:
            p = paragraph._p
            ppr = p.find(f"{A}pPr")
            level = int(ppr.get("lvl", "0")) if ppr is not None else 0
            chain = self._chain(shape, level)
            own = paragraph_properties(ppr) if ppr is not None else None
            local = merge([own, chain[0]])  # the shape's own say, above its p:style
            inherited = merge([own, *chain])
            lines.append(self._line(p, level, inherited, local, style_color))
        return lines

    def _line(self, p, level: int, inherited: LevelStyle, local: LevelStyle,
              style_color) -> Line:
        text_parts, sizes, first = [], [], None
        for child in p:
            tag = child.tag.rsplit("}", 1)[-1]
            if tag in ("r", "fld"):
                rpr = child.find(f"{A}rPr")
                style = merge([run_style(rpr), inherited])
                text = child.findtext(f"{A}t") or ""
                text_parts.append(text)
                if text.strip():
                    sizes.append(style.size or DEFAULT_SIZE_PT)
                    first = first or style
            elif tag == "br":
                text_parts.append("\n")
        style = first or merge([run_style(p.find(f"{A}endParaRPr")), inherited])
        latin = self.theme.font(style.latin or "+mn-lt", False) or "Arial"
        ea = self.theme.font(style.ea or "+mn-ea", True) or latin
        run_color = first_color if (first_color := _run_color(p)) is not None else None
        color = (self.colors.resolve(run_color) or self.colors.resolve(local.color_parent)
                 or style_color or self.colors.resolve(inherited.color_parent)
                 or self.colors.resolve(_scheme("tx1")))
        return Line(text="".join(text_parts), level=level,
                    size=max(sizes) if sizes else (style.size or DEFAULT_SIZE_PT),
                    latin=latin, ea=ea, bold=bool(style.bold), bullet=bool(inherited.bullet),
                    margin=inherited.margin_left or 0,
                    line_spacing=inherited.line_spacing or 1.0,
                    space_before=inherited.space_before or 0.0, color=color)

    def _min_font(self, shape, lines: list[Line], scale: float):
        sizes = [line.size * scale for line in lines if line.text.strip()]
        if sizes and min(sizes) < self.min_font_pt - 0.01:
            yield (shape.name, "min_font", "error",
                   f"text at {min(sizes):g} pt (the minimum is {self.min_font_pt:g} pt)")

    def _measure(self, lines: list[Line], bounds: Box, body_pr, scale: float,
                 reduction: float) -> tuple[list[list[str]], float]:
        left, top, right, bottom = _insets(body_pr)
        width_pt = (bounds.width - left - right) / EMU_PER_PT
        no_wrap = body_pr is not None and body_pr.get("wrap") == "none"
        wrapped, height = [], 0.0
        for index, line in enumerate(lines):
            size = line.size * scale
            usable = max(width_pt - line.margin / EMU_PER_PT, 1.0)
            pieces = line.text.split("\n") if no_wrap else wrap(
                line.text, usable, size, line.latin, line.ea, line.bold)
            wrapped.append(pieces)
            metric = measurer(line.latin, line.ea, line.bold)
            spacing = line.line_spacing * (1 - reduction)
            for piece in pieces:
                height += size * metric.line_height_em(piece or line.text or "x") * spacing
            if index:
                height += line.space_before * scale
        return wrapped, height

    def _overflow(self, shape, bounds, body_pr, lines, wrapped, height):
        if body_pr is not None and body_pr.find(f"{A}spAutoFit") is not None:
            return  # the box grows with its text
        left, top, right, bottom = _insets(body_pr)
        available = (bounds.height - top - bottom) / EMU_PER_PT
        if height > available * (1 + HEIGHT_TOLERANCE) + 1:
            yield (shape.name, "overflow", "error",
                   f"text needs {height:.0f} pt of height; the box has {available:.0f} pt")
        if body_pr is not None and body_pr.get("wrap") == "none":
            width_pt = (bounds.width - left - right) / EMU_PER_PT
            for line, pieces in zip(lines, wrapped):
                metric = measurer(line.latin, line.ea, line.bold)
                widest = max((metric.width_em(p) * line.size for p in pieces), default=0)
                if widest > width_pt * (1 + HEIGHT_TOLERANCE) + 1:
                    yield (shape.name, "overflow", "error",
                           f"an unwrapped line needs {widest:.0f} pt; the box is {width_pt:.0f} pt")
                    break

    # -- contrast ----------------------------------------------------------------------------------------
    def _contrast(self, shape, bounds: Box, placed, lines: list[Line]):
        background = self._behind(shape, bounds, placed)
        if background is None:
            return
        for line in lines:
            if not line.text.strip() or line.color is None:
                continue
            ratio = contrast_ratio(line.color, background)
            if ratio < MIN_CONTRAST - 0.005:
                yield (shape.name, "contrast", "error",
                       f"text #{line.color} on #{background}: contrast {ratio:.2f}:1 "
                       f"(at least {MIN_CONTRAST}:1)")
                return

    def _behind(self, shape, bounds: Box, placed) -> str | None:
        own = _fill_of(shape._element, self.colors)
        if own is not None:
            return None if own == "" else own
        x, y = bounds.left + bounds.width // 2, bounds.top + bounds.height // 2
        for other, other_bounds in reversed(placed):
            if not other_bounds.contains(x, y):
                continue
            fill = _fill_of(other._element, self.colors)
            if fill == "":
                return None  # a picture or gradient behind: not judged
            if fill is not None:
                return fill
        # nothing of the slide's own behind it: the layout's and master's graphics
        # (a banner, a picture) are, then the background (None: cannot be judged here)
        from generator.learning.layout_probe import fill_under

        return fill_under(self.slide.slide_layout, bounds.to_json(), self.colors,
                          self.background)

    def _slide_background(self) -> str | None:
        for source in (self.slide, self.slide.slide_layout, self.master):
            bg = source._element.find("p:cSld/p:bg", NS)
            if bg is None:
                continue
            fill = bg.find(f"p:bgPr/{A}solidFill", NS)
            if fill is not None:
                return self.colors.resolve(fill)
            ref = bg.find("p:bgRef", NS)
            if ref is not None:
                return self.colors.resolve(ref)
            return None  # a picture or gradient background
        return self.colors.resolve(_scheme("bg1"))

    # -- pictures and slide-level warnings -----------------------------------------------------------
    def _picture(self, shape):
        element = shape._element
        if element.tag.rsplit("}", 1)[-1] != "pic":
            return
        c_nv_pr = element.find(".//p:cNvPr", NS)
        if c_nv_pr is not None and not (c_nv_pr.get("descr") or "").strip():
            yield (shape.name, "alt_text", "warning", f"picture '{shape.name}' has no alt text")

    def _slide_warnings(self, titled: bool):
        if not titled:
            yield ("", "no_title", "warning", "the slide has no title")
        has_chart = any(getattr(shape, "has_chart", False) and shape.has_chart
                        for shape in self.slide.shapes)
        if has_chart and not self._has_source():
            yield ("", "no_source", "warning", "a chart without a source line")

    def _has_source(self) -> bool:
        for shape in self.slide.shapes:
            if shape.name == "Source":
                return True
            if shape.has_text_frame:
                text = shape.text_frame.text.strip().lower()
                if text.startswith(_SOURCE_WORDS) or "\n" in text and any(
                        part.strip().startswith(_SOURCE_WORDS) for part in text.split("\n")):
                    return True
        return False


def _run_color(p):
    """The fill of the first non-empty run's own rPr, if it sets one."""
    for child in p:
        if child.tag.rsplit("}", 1)[-1] in ("r", "fld") and (child.findtext(f"{A}t") or "").strip():
            rpr = child.find(f"{A}rPr")
            return rpr.find(f"{A}solidFill") if rpr is not None else None
    return None


def _scheme(name: str):
    from lxml import etree

    fill = etree.Element(f"{A}solidFill")
    etree.SubElement(fill, f"{A}schemeClr").set("val", name)
    return fill


def _fill_of(element, colors: ColorResolver) -> str | None:
    """A shape's own fill: RGB, '' for an unjudgeable fill (picture, gradient), None for none."""
    tag = element.tag.rsplit("}", 1)[-1]
    if tag == "pic":
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


def _shape_style_font_color(shape) -> str | None:
    ref = shape._element.find(f"p:style/{A}fontRef", NS)
    if ref is None:
        return None
    resolver = None
    try:
        slide_master = shape.part.slide.slide_layout.slide_master
        resolver = ColorResolver(read_theme(slide_master.part), master_color_map(slide_master))
    except AttributeError:
        return None
    return resolver.resolve(ref)


def _autofit(body_pr) -> tuple[float, float]:
    if body_pr is None:
        return 1.0, 0.0
    norm = body_pr.find(f"{A}normAutofit")
    if norm is None:
        return 1.0, 0.0
    scale = int(norm.get("fontScale", "100000")) / 100000
    reduction = int(norm.get("lnSpcReduction", "0")) / 100000
    return scale, reduction


def _insets(body_pr) -> tuple[int, int, int, int]:
    if body_pr is None:
        return DEFAULT_INSETS
    return tuple(int(body_pr.get(name, default)) for name, default in
                 zip(("lIns", "tIns", "rIns", "bIns"), DEFAULT_INSETS))


def _inches(value: int) -> str:
    return f'{Emu(value).inches:.2f}"'
