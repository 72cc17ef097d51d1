"""Drawing primitives for slide builders: fitted text, shapes, lines, pictures.

Every text the renderer writes goes through `Canvas.text` (or
`Canvas.fill_text_frame`), which fits it with real font metrics before
writing it, sets both the Latin and the East Asian typeface on every run,
and raises `Overflow` naming the slide and field when it cannot fit even at
the minimum size; nothing is ever written outside its box.

Text that leads a slide uses the space (`Canvas.text(..., spread=True)`, or
`Canvas.spread` for blocks that share one size): it grows to the design's largest
body size, then its points spread down the area with one rhythm, and a block that
stays short of its area is centred in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Inches, Pt

from generator import colours
from generator.design import Box, Design
from generator.errors import FitError
from generator.render import xml
from generator.render.text import (SPREAD_MAX_GAP_EM, FitResult, Frame, Paragraph, Spread, fit,
                                   measure_block, spread_blocks)

if TYPE_CHECKING:
    from pptx.slide import Slide

INSET_X = int(Inches(0.06))
INSET_Y = int(Inches(0.04))
BULLET_MARGIN = int(Inches(0.22))
SUB_BULLET_MARGIN = int(Inches(0.5))
_ALIGN = {"l": PP_ALIGN.LEFT, "ctr": PP_ALIGN.CENTER, "r": PP_ALIGN.RIGHT}
_ACCENT_SLOTS = [MSO_THEME_COLOR.ACCENT_1, MSO_THEME_COLOR.ACCENT_2, MSO_THEME_COLOR.ACCENT_3,
                 MSO_THEME_COLOR.ACCENT_4, MSO_THEME_COLOR.ACCENT_5, MSO_THEME_COLOR.ACCENT_6]


class Overflow(FitError):
    """Text that does not fit its box at the minimum size; `field` names it.

    `fits` is how many items (rows, points) would fit, when the builder knows:
    the continuation then splits there instead of in halves.
    """

    def __init__(self, message: str, field: str, fits: int | None = None):
        super().__init__(message, [(field, message)])
        self.field = field
        self.fits = fits


def bullets(points, *, sub_scale: float = 0.9, gap_em: float = 0.45) -> list[Paragraph]:
    """Paragraphs for `spec.Point`s: a bulleted line each, their `sub` items one level down."""
    paragraphs: list[Paragraph] = []
    for index, point in enumerate(points):
        paragraphs.append(Paragraph(point.text, level=0, bullet=True, indent=BULLET_MARGIN,
                                    space_before_em=gap_em if index else 0.0))
        for sub in point.sub:
            paragraphs.append(Paragraph(sub, level=1, bullet=True, indent=SUB_BULLET_MARGIN,
                                        size_scale=sub_scale, space_before_em=0.15))
    return paragraphs


@dataclass
class Canvas:
    """One slide being drawn: the design, the deck language and the place for messages."""

    slide: Slide
    design: Design
    lang: str
    place: str

    # -- colours ---------------------------------------------------------------------
    def text_color_on(self, fill: str) -> str:
        """The design's dark or light text colour, whichever reads better on `fill`."""
        return colours.text_color_on(fill, self.design.palette.dk1, self.design.palette.lt1)

    def text_color_on_all(self, *backgrounds: str) -> str:
        """The text colour that reads best on all of `backgrounds` at once (a label that may
        sit partly on its bubble and partly on the slide)."""
        palette = self.design.palette
        options = [palette.text, palette.dk1, palette.lt1, "000000", "FFFFFF"]
        return colours.best_on_all(options, backgrounds)

    def _text_color(self, color: str | None, fill: str | None, on: str | None) -> str:
        """The colour text is written in: readable on what is behind it.

        Explicit colours are adjusted against a known fill or `on`; theme
        accents (often too light for text) also against the slide background.
        """
        if color is None:
            return self.text_color_on(fill or on) if (fill or on) else self.design.palette.text
        if fill or on:
            return self.readable(color, fill or on)
        if color.upper() in self.design.palette.accents:
            return self.readable(color)
        return color

    def readable(self, color: str, background: str | None = None) -> str:
        """`color`, darkened or lightened just enough to read at 4.5:1 on `background`.

        Theme accents are often too light for text (Office's blue is 4.0:1 on
        white); the hue stays, the contrast rule holds.
        """
        background = background or self.design.palette.background
        if colours.contrast_ratio(color, background) >= colours.WCAG_BODY:
            return color
        return colours.readable(color, background, self.text_color_on(background))

    def paint(self, color_format, hex_color: str) -> None:
        """Set a colour, as a theme accent reference when it is one (so themes re-colour it)."""
        accents = self.design.palette.accents
        if hex_color.upper() in accents:
            color_format.theme_color = _ACCENT_SLOTS[accents.index(hex_color.upper())]
        else:
            color_format.rgb = RGBColor.from_string(hex_color)

    def _paint_run(self, run, hex_color: str) -> bool:
        """`paint` on a run's font colour through the quick writer (False: not done)."""
        accents = self.design.palette.accents
        if hex_color.upper() in accents:
            slot = _ACCENT_SLOTS[accents.index(hex_color.upper())]
            return xml.set_run_color(run, scheme=MSO_THEME_COLOR.to_xml(slot))
        return xml.set_run_color(run, rgb=str(RGBColor.from_string(hex_color)))

    # -- text ----------------------------------------------------------------------------
    def text(self, box: Box, content: str | list[Paragraph], *, field: str, size: float,
             min_size: float | None = None, color: str | None = None, bold: bool = False,
             align: str = "l", anchor: str = "t", fill: str | None = None,
             line: str | None = None, heading: bool = False, name: str | None = None,
             max_lines: int | None = None, inset: tuple[int, int] = (INSET_X, INSET_Y),
             shape_type=None, on: str | None = None, shape_inset: tuple[int, int] = (0, 0),
             spread: bool = False, grow_to: float | None = None,
             max_gap_em: float = SPREAD_MAX_GAP_EM):
        """Fit `content` into `box` and draw it as a text box (or a filled shape).

        `on` is the colour behind an unfilled box when it is not the slide's
        background (text on a band or a panel drawn underneath).  `shape_inset`:
        what a preset shape's own text rectangle leaves out at the left and right
        (a chevron's notch and point), counted when fitting.

        `spread=True` makes the text use the box (the body of a text-led slide, an
        executive summary, an agenda): the size grows from `size` up to `grow_to`
        (default: the design's `body_max`), the largest at which it fits, sub-points
        keeping their scale; then the space before each top-level point widens, the
        same for all, until the block fills the box or the gap reaches `max_gap_em`
        (ems of the size); the block is centred vertically in the box (`anchor` is
        ignored), so a short one is not pinned to the top.  Blocks that must share one
        size and rhythm (columns side by side): `Canvas.spread`.
        """
        paragraphs = self.paragraphs(content, bold)
        fit_box = box if shape_inset == (0, 0) else Box(
            box.left + shape_inset[0], box.top, box.width - sum(shape_inset), box.height)
        if spread:
            top = max(size, grow_to if grow_to is not None else self.design.type.body_max)
            [laid] = self.spread([(fit_box, paragraphs, field)], size=top,
                                 min_size=min_size if min_size is not None else size,
                                 heading=heading, inset=inset, max_gap_em=max_gap_em)
            paragraphs, result, anchor = laid.paragraphs, laid.result, "ctr"
        else:
            result = self.fit(fit_box, paragraphs, field=field, size=size, min_size=min_size,
                              heading=heading, max_lines=max_lines, inset=inset)
        if fill is not None or line is not None or shape_type is not None:
            shape = self.slide.shapes.add_shape(shape_type or MSO_SHAPE.RECTANGLE, *box.to_json())
            self._style_shape(shape, fill, line)
        else:
            shape = self.slide.shapes.add_textbox(*box.to_json())
        if name:
            shape.name = name
        text_color = self._text_color(color, fill, on)
        self.write(shape.text_frame, paragraphs, result, color=text_color, align=align,
                   anchor=anchor, heading=heading, inset=inset)
        return shape

    def paragraphs(self, content: str | list[Paragraph], bold: bool = False) -> list[Paragraph]:
        if isinstance(content, str):
            return [Paragraph(content, bold=bold)]
        return content

    def fit(self, box: Box, paragraphs: list[Paragraph], *, field: str, size: float,
            min_size: float | None = None, heading: bool = False, max_lines: int | None = None,
            inset: tuple[int, int] = (INSET_X, INSET_Y)) -> FitResult:
        """Fit without drawing; raises `Overflow` naming `field` when it cannot fit."""
        latin, ea = self._faces(heading)
        frame = self._frame(box, inset)
        minimum = min_size if min_size is not None else size
        result = fit(paragraphs, frame, max_pt=size, min_pt=minimum, latin=latin, ea=ea,
                     max_lines=max_lines)
        if result is None:
            limit = f" in {max_lines} lines" if max_lines else ""
            raise Overflow(
                f"{self.place}: {field}: the text does not fit{limit} even at {minimum:g} pt "
                f"({sum(len(p.text) for p in paragraphs)} characters); shorten it",
                field,
            )
        return result

    def spread(self, blocks: list[tuple[Box, list[Paragraph], str]], *, size: float,
               min_size: float, heading: bool = False,
               inset: tuple[int, int] = (INSET_X, INSET_Y),
               max_gap_em: float = SPREAD_MAX_GAP_EM,
               max_lines: int | None = None) -> list[Spread]:
        """Lay out `(box, paragraphs, field)` blocks to use their boxes, all at one size and
        one rhythm: the largest size from `size` down to `min_size` at which every block
        fits, then the space before top-level points widened alike (`text.spread_blocks`).
        `max_lines` limits each block.  Raises `Overflow` naming the field of a block that
        cannot fit.  Draw each with `text(box, laid.paragraphs, size=laid.size_pt, ...)`:
        it fits as measured."""
        latin, ea = self._faces(heading)
        frames = [self._frame(box, inset) for box, _paragraphs, _field in blocks]
        common = min(self.fit(box, paragraphs, field=field, size=size, min_size=min_size,
                              heading=heading, inset=inset, max_lines=max_lines).size_pt
                     for box, paragraphs, field in blocks)

        def fits(paragraphs: list[Paragraph], frame: Frame) -> bool:
            measured = measure_block(paragraphs, frame, common, latin, ea)
            return measured.height <= frame.height and (
                max_lines is None or measured.line_count <= max_lines)

        while not all(fits(paragraphs, frame)
                      for (_box, paragraphs, _field), frame in zip(blocks, frames)):
            common -= 1  # wrapping is not quite monotonic: one block fit larger, not here
            if common < min_size:
                raise Overflow(f"{self.place}: {blocks[0][2]}: the blocks do not fit at one "
                               f"size of at least {min_size:g} pt; shorten them", blocks[0][2])
        return spread_blocks([(paragraphs, frame) for (_box, paragraphs, _field), frame
                       in zip(blocks, frames)], common, latin=latin, ea=ea,
                      max_gap_em=max_gap_em)

    def _faces(self, heading: bool) -> tuple[str, str]:
        fonts = self.design.fonts
        return ((fonts.latin_major, fonts.ea_major) if heading
                else (fonts.latin_minor, fonts.ea_minor))

    @staticmethod
    def _frame(box: Box, inset: tuple[int, int]) -> Frame:
        return Frame(box.width - 2 * inset[0], box.height - 2 * inset[1])

    def write(self, text_frame, paragraphs: list[Paragraph], result: FitResult, *,
              color: str | None,
              align: str | None = "l", anchor: str = "t", heading: bool = False,
              inset: tuple[int, int] = (INSET_X, INSET_Y)) -> None:
        """Write fitted `paragraphs` into `text_frame` at the size `result` found."""
        text_frame.word_wrap = True
        text_frame.auto_size = MSO_AUTO_SIZE.NONE
        text_frame.margin_left = text_frame.margin_right = inset[0]
        text_frame.margin_top = text_frame.margin_bottom = inset[1]
        xml.set_anchor(text_frame, anchor)
        self.write_paragraphs(text_frame, paragraphs, result.size_pt, color=color, align=align,
                              heading=heading)

    def write_paragraphs(self, text_frame, paragraphs: list[Paragraph], size_pt: float, *,
                         color: str | None, align: str | None = "l",
                         heading: bool = False) -> None:
        """Replace `text_frame`'s text with `paragraphs` at `size_pt` (no frame settings)."""
        text_frame.clear()
        for index, para in enumerate(paragraphs):
            paragraph = text_frame.paragraphs[0] if index == 0 else text_frame.add_paragraph()
            self._write_paragraph(paragraph, para, size_pt, color, align, heading)

    def _write_paragraph(self, paragraph, para: Paragraph, size_pt: float, color: str | None,
                         align: str | None, heading: bool) -> None:
        if align:
            paragraph.alignment = _ALIGN[align]
        xml.set_line_breaking(paragraph)
        if para.bullet:
            char = "•" if para.level == 0 else "–"
            xml.set_bullet(paragraph, char=char, indent=-int(Inches(0.2)), margin=para.indent,
                           color=self.design.palette.accent1 if para.level == 0 else None,
                           font=self.design.fonts.latin_minor)
        elif para.indent:
            xml.set_bullet(paragraph, char=None, indent=0, margin=para.indent)
        if para.space_before_em:
            paragraph.space_before = Pt(round(para.space_before_em * size_pt, 1))
        elif self.design.template_path is not None:
            paragraph.space_before = Pt(0)  # not the template's: the fit counted none
        if self.design.template_path is not None:
            paragraph.line_spacing = 1.0
        for line_index, line in enumerate(para.text.split("\n")):
            if line_index:
                paragraph.add_line_break()
            if not line:
                continue
            run = paragraph.add_run()
            run.text = line
            self.style_run(run, size=size_pt * para.size_scale, bold=para.bold, color=color,
                           heading=heading)
        # an empty paragraph (or a line break) is as tall as its end mark: give it our size
        xml.set_end_paragraph_size(paragraph, size_pt * para.size_scale)

    def style_run(self, run, *, size: float, bold: bool, color: str | None,
                  heading: bool = False):
        """Size, weight, colour (None: the template's own) and both typefaces on one run."""
        fonts = self.design.fonts
        run.font.size = Pt(round(size * 2) / 2)
        run.font.bold = bold
        if color is not None and not self._paint_run(run, color):
            self.paint(run.font.color, color)
        xml.set_run_fonts(
            run,
            latin=fonts.latin_major if heading else fonts.latin_minor,
            ea=fonts.ea_major if heading else fonts.ea_minor,
            lang="ja-JP" if self.lang == "ja" else "en-US",
        )

    # -- shapes ------------------------------------------------------------------------
    def rect(self, box: Box, *, fill: str | None, line: str | None = None,
             shape_type=MSO_SHAPE.RECTANGLE, name: str | None = None, line_width: float = 0.75,
             behind: bool = False):
        """A plain shape; `behind=True` puts it under everything already on the slide."""
        shape = self.slide.shapes.add_shape(shape_type, *box.to_json())
        self._style_shape(shape, fill, line, line_width)
        if name:
            shape.name = name
        if behind:
            xml.send_to_back(self.slide, shape)
        return shape

    def _style_shape(self, shape, fill: str | None, line: str | None,
                     line_width: float = 0.75) -> None:
        if fill is None:
            shape.fill.background()
        else:
            shape.fill.solid()
            self.paint(shape.fill.fore_color, fill)
        if line is None:
            shape.line.fill.background()
        else:
            shape.line.width = Pt(line_width)
            self.paint(shape.line.color, line)
        xml.drop_shape_style(shape)

    def line(self, x1: int, y1: int, x2: int, y2: int, *, color: str, width: float = 0.75,
             name: str | None = None):
        connector = self.slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, x1, y1, x2, y2)
        xml.drop_shape_style(connector)
        connector.line.width = Pt(width)
        self.paint(connector.line.color, color)
        if name:
            connector.name = name
        return connector

    def picture(self, path: Path, box: Box, *, name: str | None = None):
        """A picture scaled to fit `box`, centred, aspect ratio kept."""
        from PIL import Image

        with Image.open(path) as image:
            width_px, height_px = image.size
        scale = min(box.width / width_px, box.height / height_px)
        width, height = int(width_px * scale), int(height_px * scale)
        left = box.left + (box.width - width) // 2
        top = box.top + (box.height - height) // 2
        picture = self.slide.shapes.add_picture(str(path), left, top, width, height)
        if name:
            picture.name = name
        return picture
