"""Tables (with Harvey balls and RAG status cells) and next steps (action, owner, due).

Native PowerPoint tables: header row in the dark theme colour, hairlines
between rows, no banding, numbers right-aligned.  Column widths follow the
content; row heights follow the wrapped text.  A table uses its body: the text
grows (up to the design's largest body size) while no cell wraps onto more
lines, then the rows grow (up to a finished row's height) and what is left
centres the table.  A table taller than the body continues on the next slide
with its header repeated, split at the last row that fits.  Status colours
carry the design's meaning colours: green is its positive, red its negative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Inches, Pt

from generator.colours import contrast_ratio, mix
from generator.design import Box, Palette
from generator.fonts import measurer
from generator.spec import Cell
from generator.render import xml
from generator.render.canvas import Overflow
from generator.render.deck import SlideContext
from generator.render.registry import register, split_list
from generator.render.takeaway import draw_takeaway
from generator.render.text import EMU_PER_PT, Frame, Paragraph, measure_block

CELL_X = int(Inches(0.08))
CELL_Y = int(Inches(0.05))
BASE_SIZE, MIN_SIZE = 14.0, 10.0  # a table's natural size, and the smallest it shrinks to
BALL_EM, DOT_EM = 1.25, 0.8  # Harvey ball and RAG dot diameters, in ems of the table's text
MAX_ROW_SHARE = 0.13  # a row grows to at most this share of the slide height
HEADER_GROWTH = 0.5  # the header row grows by at most half its natural height
_NUMERIC = re.compile(r"^[\s(]*[+\-−±]?[¥$€£]?\s*\d[\d,._]*(\.\d+)?\s*(%|x|倍|円|万|億|兆|億円|兆円|万円|"
                      r"bn|m|k|pt|pts)?[)\s]*$", re.I)


@dataclass
class _Layout:
    size: float
    widths: list[int]
    heights: list[int]  # header first
    lines: list[list[int]]  # lines per cell, header first

    @property
    def ball(self) -> int:
        return int(Pt(self.size * BALL_EM))

    @property
    def dot(self) -> int:
        return int(Pt(self.size * DOT_EM))


def _is_numeric(text: str) -> bool:
    return bool(text.strip()) and bool(_NUMERIC.match(text.strip()))


def rag_color(palette: Palette, status: str) -> str:
    """A RAG status in the design's meaning colours: green is positive, red negative."""
    return {"green": palette.positive, "red": palette.negative}.get(status, palette.rag_amber)


def _natural_widths(ctx: SlideContext, header: list[str], rows: list[list[Cell]], size: float
                    ) -> list[float]:
    """Each column's preferred width in points: its longest line, within sensible bounds."""
    fonts = ctx.design.fonts
    plain, bold = measurer(fonts.latin_minor, fonts.ea_minor), measurer(
        fonts.latin_minor, fonts.ea_minor, True)
    widths = []
    for column, title in enumerate(header):
        longest = bold.width_em(title) * size
        for row in rows:
            cell = row[column]
            extra = size * DOT_EM + 4 if cell.rag else 0
            width = size * BALL_EM if cell.harvey is not None else 0
            longest = max(longest, width, plain.width_em(cell.text) * size + extra)
        widths.append(min(max(longest, 40.0), 320.0) + 2 * CELL_X / EMU_PER_PT)
    return widths


def _column_widths(natural: list[float], total: int) -> list[int]:
    """Scale natural widths to the body width; wide columns give way first."""
    total_pt = total / EMU_PER_PT
    if sum(natural) <= total_pt:
        scale = total_pt / sum(natural)
        return [int(w * scale * EMU_PER_PT) for w in natural]
    share = total_pt / len(natural)
    narrow = [w for w in natural if w <= share]
    spare = total_pt - sum(narrow)
    wide_total = sum(w for w in natural if w > share) or 1
    return [int((w if w <= share else spare * w / wide_total) * EMU_PER_PT) for w in natural]


def _grid(header: list[str], rows: list[list[Cell]], first_bold: bool
          ) -> list[list[tuple[str, bool, float]]]:
    """(text, bold, left inset in ems) of every cell, header first: what is measured."""
    grid = [[(title, True, 0.0) for title in header]]
    for row in rows:
        grid.append([(cell.text if cell.harvey is None else "",
                      cell.bold or (first_bold and i == 0),
                      DOT_EM + 0.3 if cell.rag else 0.0) for i, cell in enumerate(row)])
    return grid


def _measure(ctx: SlideContext, grid, widths: list[int], size: float
             ) -> tuple[list[int], list[list[int]]]:
    """Each row's height at `size` (its tallest cell, wrapped at the column width) and the
    lines each cell takes."""
    fonts = ctx.design.fonts
    floor = int(Pt(size * BALL_EM)) + 2 * CELL_Y
    heights, lines = [], []
    for row in grid:
        tallest, counts = 0, []
        for (text, bold, inset_em), width in zip(row, widths):
            frame = Frame(width - 2 * CELL_X - int(Pt(size * inset_em)), 10**9)
            block = measure_block([Paragraph(text or " ", bold=bold)], frame, size,
                                  fonts.latin_minor, fonts.ea_minor)
            tallest = max(tallest, block.height)
            counts.append(block.line_count)
        heights.append(max(tallest + 2 * CELL_Y, floor))
        lines.append(counts)
    return heights, lines


def _fitting_layout(ctx: SlideContext, header, rows, grid, box: Box
                    ) -> tuple[_Layout | None, list[int]]:
    """The largest size up to BASE_SIZE at which every row fits (None if none does) and
    the row heights at the last size tried."""
    size, heights = BASE_SIZE, []
    while size >= MIN_SIZE:
        widths = _column_widths(_natural_widths(ctx, header, rows, size), box.width)
        heights, lines = _measure(ctx, grid, widths, size)
        if sum(heights) <= box.height:
            return _Layout(size, widths, heights, lines), heights
        size -= 1.0
    return None, heights


def _grown_text(ctx: SlideContext, grid, layout: _Layout, box: Box) -> _Layout:
    """The largest size up to the design's body_max at which the table still fits and no
    cell takes more lines than at its natural size (columns keep their widths)."""
    size = float(int(ctx.design.type.body_max))
    while size > layout.size:
        heights, lines = _measure(ctx, grid, layout.widths, size)
        if sum(heights) <= box.height and all(
                a <= b for grown, base in zip(lines, layout.lines) for a, b in zip(grown, base)):
            return _Layout(size, layout.widths, heights, lines)
        size -= 1.0
    return layout


def _grown_rows(ctx: SlideContext, heights: list[int], box: Box) -> list[int]:
    """Row heights grown to take the body's spare height, each up to a finished row's
    height (a row already taller keeps its own); the header grows less."""
    spare = box.height - sum(heights)
    if spare <= 0 or len(heights) < 2:
        return heights
    tallest = int(ctx.design.slide_height * MAX_ROW_SHARE)
    header, body = heights[0], heights[1:]
    step = spare / (len(body) + HEADER_GROWTH)
    grown = [min(h + int(step), max(h, tallest)) for h in body]
    header = header + int(min(step * HEADER_GROWTH, header * HEADER_GROWTH))
    return [header, *grown]


def _layout(ctx: SlideContext, header: list[str], rows: list[list[Cell]], box: Box,
            first_bold: bool) -> tuple[_Layout | None, int]:
    """The table's layout in `box`; else (None, rows that fit at the minimum size)."""
    grid = _grid(header, rows, first_bold)
    layout, heights = _fitting_layout(ctx, header, rows, grid, box)
    if layout is None:
        fits, used = 0, heights[0]
        for height in heights[1:]:
            used += height
            if used > box.height:
                break
            fits += 1
        return None, fits
    if layout.size >= BASE_SIZE and not ctx.earlier:  # a continuation keeps the table's size
        layout = _grown_text(ctx, grid, layout, box)
    layout.heights = _grown_rows(ctx, layout.heights, box)
    return layout, len(rows)


def draw_table(ctx: SlideContext, header: list[str], rows: list[list[Cell]], *, field: str,
               first_bold: bool, box: Box | None = None) -> None:
    """A fitted native table in `box` (the body by default), centred in its height;
    raises Overflow (with the rows that fit) if too tall."""
    box = box or ctx.body
    layout, fits = _layout(ctx, header, rows, box, first_bold)
    if layout is None:
        raise Overflow(f"{ctx.canvas.place}: {field}: {len(rows)} rows do not fit on one slide",
                       field, fits=max(fits, 1))
    height = sum(layout.heights)
    top = box.top + (box.height - height) // 2
    frame = ctx.slide.shapes.add_table(len(rows) + 1, len(header), box.left, top, box.width,
                                       height)
    frame.name = "Table"
    table = frame.table
    xml.set_plain_table_style(table)
    for index, width in enumerate(layout.widths):
        table.columns[index].width = width
    for index, row_height in enumerate(layout.heights):
        table.rows[index].height = row_height
    numeric = [all(_is_numeric(r[i].text) for r in rows if r[i].text) and any(
        r[i].text for r in rows) for i in range(len(header))]
    balls = [all(r[i].harvey is not None for r in rows) for i in range(len(header))]
    aligns = ["r" if n else "ctr" if b else "l" for n, b in zip(numeric, balls)]
    _header_row(ctx, table, header, layout, aligns)
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row):
            _body_cell(ctx, table.cell(r, c), cell, layout, numeric[c],
                       bold=cell.bold or (first_bold and c == 0))
    _decorations(ctx, Box(box.left, top, box.width, height), rows, layout)


def header_fill(palette: Palette) -> str:
    """The header row's fill: the theme's dark second colour, or a tint of the text colour
    where that is the slide's own background (a dark template)."""
    if contrast_ratio(palette.dk2, palette.background) >= 1.5:
        return palette.dk2
    return mix(palette.background, palette.text, 0.2)


def _header_row(ctx: SlideContext, table, header: list[str], layout: _Layout, aligns) -> None:
    fill = header_fill(ctx.design.palette)
    for c, title in enumerate(header):
        cell = table.cell(0, c)
        _cell_frame(cell, fill)
        ctx.canvas.write_paragraphs(cell.text_frame, [Paragraph(title, bold=True)], layout.size,
                                    color=ctx.canvas.text_color_on(fill), align=aligns[c])


def _cell_frame(cell, fill: str | None) -> None:
    cell.margin_left = cell.margin_right = CELL_X
    cell.margin_top = cell.margin_bottom = CELL_Y
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    if fill is None:
        cell.fill.background()
    else:
        cell.fill.solid()
        cell.fill.fore_color.rgb = RGBColor.from_string(fill)


def _body_cell(ctx: SlideContext, cell, spec: Cell, layout: _Layout, numeric: bool, *,
               bold: bool) -> None:
    palette = ctx.design.palette
    _cell_frame(cell, None)
    xml.set_cell_bottom_border(cell, palette.rule, Pt(0.75))
    if spec.rag:
        cell.margin_left = CELL_X + int(Pt(layout.size * (DOT_EM + 0.3)))
    text = spec.text if spec.harvey is None else ""
    ctx.canvas.write_paragraphs(cell.text_frame, [Paragraph(text, bold=bold)], layout.size,
                                color=palette.text,
                                align="r" if numeric else ("ctr" if spec.harvey is not None
                                                           else "l"))


def _decorations(ctx: SlideContext, box: Box, rows: list[list[Cell]], layout: _Layout) -> None:
    """Harvey balls and RAG dots, drawn over their cells."""
    lefts = [box.left + sum(layout.widths[:i]) for i in range(len(layout.widths))]
    top = box.top + layout.heights[0]
    ball, dot = layout.ball, layout.dot
    for r, row in enumerate(rows):
        height = layout.heights[r + 1]
        for c, cell in enumerate(row):
            if cell.harvey is not None:
                cx = lefts[c] + (layout.widths[c] - ball) // 2
                _harvey(ctx, Box(cx, top + (height - ball) // 2, ball, ball), cell.harvey, r, c)
            elif cell.rag:
                spot = Box(lefts[c] + CELL_X, top + (height - dot) // 2, dot, dot)
                shape = ctx.canvas.rect(spot, fill=rag_color(ctx.design.palette, cell.rag),
                                        shape_type=MSO_SHAPE.OVAL,
                                        name=f"RAG {cell.rag} r{r + 1}c{c + 1}")
                xml.set_description(shape, cell.rag)
        top += height


def _harvey(ctx: SlideContext, box: Box, quarters: int, r: int, c: int) -> None:
    """A Harvey ball: an outlined circle in the neutral colour, filled by quarters (a pie
    shape for 1-3), empty quarters in the slide's own background."""
    palette = ctx.design.palette
    name = f"Harvey {quarters}/4 r{r + 1}c{c + 1}"
    fill = palette.neutral if quarters == 4 else palette.background
    ring = ctx.canvas.rect(box, fill=fill, line=palette.neutral, shape_type=MSO_SHAPE.OVAL,
                           name=name, line_width=1.0)
    xml.set_description(ring, f"{quarters} of 4")
    if 0 < quarters < 4:
        pie = ctx.canvas.rect(box, fill=palette.neutral, shape_type=MSO_SHAPE.PIE,
                              name=f"{name} fill")
        # pie angles are 60000ths of a degree, clockwise from 3 o'clock; python-pptx
        # scales adjustments by 1/100000: start at 12 o'clock, sweep a quarter per step
        pie.adjustments[0] = 270 * 0.6
        pie.adjustments[1] = ((270 + 90 * quarters) % 360) * 0.6


def _split_rows(slide, overflow):
    return split_list(slide, "rows", overflow.fits)


@register("table", split=_split_rows)
def build_table(ctx: SlideContext, slide) -> None:
    box = draw_takeaway(ctx, slide.takeaway, ctx.body)
    draw_table(ctx, slide.columns, slide.rows, field="rows", first_bold=slide.first_column_bold,
               box=box)


def _split_actions(slide, overflow):
    return split_list(slide, "actions", overflow.fits)


@register("next_steps", split=_split_actions)
def build_next_steps(ctx: SlideContext, slide) -> None:
    header = [ctx.word("action"), ctx.word("owner"), ctx.word("due")]
    rows = [[Cell(text=a.action), Cell(text=a.owner), Cell(text=a.due)] for a in slide.actions]
    draw_table(ctx, header, rows, field="actions", first_bold=False)
