"""The lint rules, applied to one slide of a written deck."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from pptx.util import Emu

from generator.design import Box
from generator.fonts import measurer
from generator.colours import contrast_ratio
from generator.render.text import wrap
from generator.ooxml import (BODY_TYPES, DEFAULT_SIZE_PT, TITLE_TYPES, BodyProperties,
                              ColorResolver, LevelStyle, background_color, body_properties,
                              color_map, default_text_style, fill_under, group_child_frame,
                              level_style, master_styles, merge, own_list_style,
                              paragraph_parts, placeholder_chain, placeholder_key,
                              placeholder_type, read_theme, shape_description, shape_fill,
                              shape_tag, style_font_color)

EMU_PER_PT = 12700
OFF_SLIDE_TOLERANCE = int(0.5 * EMU_PER_PT)
HEIGHT_TOLERANCE = 0.04
MIN_CONTRAST = 4.5
MAX_BULLETS = 6
MAX_TITLE_LINES = 2
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
        self.colors = ColorResolver(self.theme, color_map(slide, self.master))
        self.styles = master_styles(self.master)
        self.default_style = default_text_style(prs)
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
        frame = group_child_frame(group)
        outer = self._bounds(group, parent)
        if frame is None:
            return (outer.left, outer.top, 1.0, 1.0, 0, 0)
        cx, cy, cw, chh = frame
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
        body = body_properties(shape.text_frame)
        if body.vertical:
            return  # vertical text: not measured
        lines = self._lines(shape)
        if not any(line.text.strip() for line in lines):
            if shape.is_placeholder and placeholder_key(shape) not in _FIELD_PLACEHOLDERS:
                yield (shape.name, "empty_placeholder", "warning",
                       f"'{shape.name}' is an empty placeholder ('Click to add text' in PowerPoint)")
            return
        yield from self._min_font(shape, lines, body.font_scale)
        wrapped, height = self._measure(lines, bounds, body)
        yield from self._overflow(shape, bounds, body, lines, wrapped, height)
        if is_title and sum(len(w) for w in wrapped) > MAX_TITLE_LINES:
            yield (shape.name, "title_lines", "error",
                   f"the action title runs to {sum(len(w) for w in wrapped)} lines "
                   f"(at most {MAX_TITLE_LINES})")
        bullets = sum(1 for line in lines if line.bullet and line.level == 0 and line.text.strip())
        if bullets > MAX_BULLETS:
            yield (shape.name, "bullets", "error",
                   f"{bullets} bullets in one text body (at most {MAX_BULLETS})")
        yield from self._contrast(shape, bounds, placed, lines)

    def _chain(self, shape, level: int) -> list[LevelStyle | None]:
        chain = [level_style(own_list_style(shape), level)]
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
        style_color = style_font_color(shape)
        for paragraph in shape.text_frame.paragraphs:
            parts = paragraph_parts(paragraph)
            chain = self._chain(shape, parts.level)
            local = merge([parts.own, chain[0]])  # the shape's own say, above its p:style
            inherited = merge([parts.own, *chain])
            lines.append(self._line(parts, inherited, local, style_color))
        return lines

    def _line(self, parts, inherited: LevelStyle, local: LevelStyle, style_color) -> Line:
        text_parts, sizes, first = [], [], None
        for text, own in parts.pieces:
            text_parts.append(text)
            if own is None:
                continue  # a line break
            style = merge([own, inherited])
            if text.strip():
                sizes.append(style.size or DEFAULT_SIZE_PT)
                first = first or style
        style = first or merge([parts.end, inherited])
        latin = self.theme.font(style.latin or "+mn-lt", False) or "Arial"
        ea = self.theme.font(style.ea or "+mn-ea", True) or latin
        color = (self.colors.resolve(parts.run_color) or self.colors.resolve(local.color_parent)
                 or style_color or self.colors.resolve(inherited.color_parent)
                 or self.colors.scheme("tx1"))
        return Line(text="".join(text_parts), level=parts.level,
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

    def _measure(self, lines: list[Line], bounds: Box, body: BodyProperties
                 ) -> tuple[list[list[str]], float]:
        scale, reduction = body.font_scale, body.line_reduction
        left, top, right, bottom = body.insets
        width_pt = (bounds.width - left - right) / EMU_PER_PT
        no_wrap = body.no_wrap
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

    def _overflow(self, shape, bounds, body: BodyProperties, lines, wrapped, height):
        if body.grows:
            return  # the box grows with its text
        left, top, right, bottom = body.insets
        available = (bounds.height - top - bottom) / EMU_PER_PT
        if height > available * (1 + HEIGHT_TOLERANCE) + 1:
            yield (shape.name, "overflow", "error",
                   f"text needs {height:.0f} pt of height; the box has {available:.0f} pt")
        if body.no_wrap:
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
        own = shape_fill(shape, self.colors)
        if own is not None:
            return None if own == "" else own
        x, y = bounds.left + bounds.width // 2, bounds.top + bounds.height // 2
        for other, other_bounds in reversed(placed):
            if not other_bounds.contains(x, y):
                continue
            fill = shape_fill(other, self.colors)
            if fill == "":
                return None  # a picture or gradient behind: not judged
            if fill is not None:
                return fill
        # nothing of the slide's own behind it: the layout's and master's graphics
        # (a banner, a picture) are, then the background (None: cannot be judged here)
        return fill_under(self.slide.slide_layout, bounds.to_json(), self.colors,
                          self.background)

    def _slide_background(self) -> str | None:
        """None for a picture or gradient background."""
        return background_color((self.slide, self.slide.slide_layout, self.master), self.colors)

    # -- pictures and slide-level warnings -----------------------------------------------------------
    def _picture(self, shape):
        if shape_tag(shape) != "pic":
            return
        description = shape_description(shape)
        if description is not None and not description.strip():
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


def _inches(value: int) -> str:
    return f'{Emu(value).inches:.2f}"'
