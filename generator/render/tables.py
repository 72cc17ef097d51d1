"""Tables (with Harvey balls and RAG status cells) and next steps (action, owner, due).

Native PowerPoint tables: header row in the dark theme colour, hairlines
between rows, no banding, numbers right-aligned.  Column widths follow the
content; row heights follow the wrapped text.  A table taller than the body
continues on the next slide with its header repeated, split at the last row
that fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Inches, Pt

from generator.design import Box
from generator.fonts import measurer
from generator.spec import Cell
from generator.render import xml
from generator.render.canvas import Overflow
from generator.render.deck import SlideContext
from generator.render.registry import register, split_list
from generator.render.text import EMU_PER_PT, Frame, Paragraph, measure_block

CELL_X = int(Inches(0.08))
CELL_Y = int(Inches(0.05))
BALL = int(Inches(0.24))
DOT = int(Inches(0.16))
MAX_SIZE, MIN_SIZE = 14.0, 10.0
_NUMERIC = re.compile(r"^[\s(]*[+\-−±]?[¥$€£]?\s*\d[\d,._]*(\.\d+)?\s*(%|x|倍|円|万|億|兆|億円|兆円|万円|"
                      r"bn|m|k|pt|pts)?[)\s]*$", re.I)


@dataclass
class _Layout:
    size: float
    widths: list[int]
    heights: list[int]  # header first


def _is_numeric(text: str) -> bool:
    return bool(text.strip()) and bool(_NUMERIC.match(text.strip()))


def _cell_text(cell: Cell) -> str:
    return cell.text


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
            extra = DOT / EMU_PER_PT + 4 if cell.rag else 0
            width = BALL / EMU_PER_PT if cell.harvey is not None else 0
            longest = max(longest, width, plain.width_em(cell.text) * size + extra)
        widths.append(min(max(longest, 40.0), 320.0) + 2 * CELL_X / EMU_PER_PT)
    return widths


def _column_widths(ctx: SlideContext, natural: list[float], total: int) -> list[int]:
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


def _row_height(ctx: SlideContext, cells: list[tuple[str, bool, int]], size: float) -> int:
    """The height a row needs: its tallest cell, wrapped at the column width."""
    fonts = ctx.design.fonts
    tallest = 0
    for text, bold, width in cells:
        frame = Frame(width - 2 * CELL_X, 10**9)
        block = measure_block([Paragraph(text or " ", bold=bold)], frame, size,
                              fonts.latin_minor, fonts.ea_minor)
        tallest = max(tallest, block.height)
    return max(tallest + 2 * CELL_Y, BALL + 2 * CELL_Y)


def _layout(ctx: SlideContext, header: list[str], rows: list[list[Cell]], box: Box,
            first_bold: bool) -> tuple[_Layout | None, int]:
    """The largest size at which every row fits; else (None, rows that fit at the minimum)."""
    size = MAX_SIZE
    while size >= MIN_SIZE:
        widths = _column_widths(ctx, _natural_widths(ctx, header, rows, size), box.width)
        heights = [_row_height(ctx, [(t, True, w) for t, w in zip(header, widths)], size)]
        for row in rows:
            heights.append(_row_height(ctx, [(_cell_text(c), first_bold and i == 0 or c.bold, w)
                                             for i, (c, w) in enumerate(zip(row, widths))], size))
        if sum(heights) <= box.height:
            return _Layout(size, widths, heights), len(rows)
        size -= 1.0
    fits, used = 0, heights[0]
    for height in heights[1:]:
        used += height
        if used > box.height:
            break
        fits += 1
    return None, fits


def draw_table(ctx: SlideContext, header: list[str], rows: list[list[Cell]], *, field: str,
               first_bold: bool) -> None:
    """A fitted native table in the body; raises Overflow (with the rows that fit) if too tall."""
    box = ctx.body
    layout, fits = _layout(ctx, header, rows, box, first_bold)
    if layout is None:
        raise Overflow(f"{ctx.canvas.place}: {field}: {len(rows)} rows do not fit on one slide",
                       field, fits=max(fits, 1))
    height = sum(layout.heights)
    frame = ctx.slide.shapes.add_table(len(rows) + 1, len(header), box.left, box.top, box.width,
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
    _decorations(ctx, box, rows, layout)


def _header_row(ctx: SlideContext, table, header: list[str], layout: _Layout, aligns) -> None:
    palette = ctx.design.palette
    for c, title in enumerate(header):
        cell = table.cell(0, c)
        _cell_frame(cell, palette.dk2)
        ctx.canvas.write_paragraphs(cell.text_frame, [Paragraph(title, bold=True)], layout.size,
                                    color=ctx.canvas.text_color_on(palette.dk2), align=aligns[c])


def _cell_frame(cell, fill: str | None) -> None:
    cell.margin_left = cell.margin_right = CELL_X
    cell.margin_top = cell.margin_bottom = CELL_Y
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    if fill is None:
        cell.fill.background()
    else:
        cell.fill.solid()
        from pptx.dml.color import RGBColor

        cell.fill.fore_color.rgb = RGBColor.from_string(fill)


def _body_cell(ctx: SlideContext, cell, spec: Cell, layout: _Layout, numeric: bool, *,
               bold: bool) -> None:
    palette = ctx.design.palette
    _cell_frame(cell, None)
    xml.set_cell_bottom_border(cell, palette.rule, Pt(0.75))
    if spec.rag:
        cell.margin_left = CELL_X + DOT + int(Inches(0.06))
    text = spec.text if spec.harvey is None else ""
    ctx.canvas.write_paragraphs(cell.text_frame, [Paragraph(text, bold=bold)], layout.size,
                                color=palette.text,
                                align="r" if numeric else ("ctr" if spec.harvey is not None
                                                           else "l"))


def _decorations(ctx: SlideContext, box: Box, rows: list[list[Cell]], layout: _Layout) -> None:
    """Harvey balls and RAG dots, drawn over their cells."""
    lefts = [box.left + sum(layout.widths[:i]) for i in range(len(layout.widths))]
    top = box.top + layout.heights[0]
    for r, row in enumerate(rows):
        height = layout.heights[r + 1]
        for c, cell in enumerate(row):
            if cell.harvey is not None:
                cx = lefts[c] + (layout.widths[c] - BALL) // 2
                _harvey(ctx, Box(cx, top + (height - BALL) // 2, BALL, BALL), cell.harvey, r, c)
            elif cell.rag:
                dot = Box(lefts[c] + CELL_X, top + (height - DOT) // 2, DOT, DOT)
                color = getattr(ctx.design.palette, f"rag_{cell.rag}")
                shape = ctx.canvas.rect(dot, fill=color, shape_type=MSO_SHAPE.OVAL,
                                        name=f"RAG {cell.rag} r{r + 1}c{c + 1}")
                xml.set_description(shape, cell.rag)
        top += height


def _harvey(ctx: SlideContext, box: Box, quarters: int, r: int, c: int) -> None:
    """A Harvey ball: an outlined circle, filled by quarters (a pie shape for 1-3)."""
    palette = ctx.design.palette
    name = f"Harvey {quarters}/4 r{r + 1}c{c + 1}"
    fill = palette.accent1 if quarters == 4 else palette.lt1
    ring = ctx.canvas.rect(box, fill=fill, line=palette.accent1, shape_type=MSO_SHAPE.OVAL,
                           name=name, line_width=1.0)
    xml.set_description(ring, f"{quarters} of 4")
    if 0 < quarters < 4:
        pie = ctx.canvas.rect(box, fill=palette.accent1, shape_type=MSO_SHAPE.PIE,
                              name=f"{name} fill")
        # pie angles are 60000ths of a degree, clockwise from 3 o'clock; python-pptx
        # scales adjustments by 1/100000: start at 12 o'clock, sweep a quarter per step
        pie.adjustments[0] = 270 * 0.6
        pie.adjustments[1] = ((270 + 90 * quarters) % 360) * 0.6


def _split_rows(slide, overflow):
    return split_list(slide, "rows", overflow.fits)


@register("table", split=_split_rows)
def build_table(ctx: SlideContext, slide) -> None:
    draw_table(ctx, slide.columns, slide.rows, field="rows", first_bold=slide.first_column_bold)


def _split_actions(slide, overflow):
    return split_list(slide, "actions", overflow.fits)


@register("next_steps", split=_split_actions)
def build_next_steps(ctx: SlideContext, slide) -> None:
    header = [ctx.word("action"), ctx.word("owner"), ctx.word("due")]
    rows = [[Cell(text=a.action), Cell(text=a.owner), Cell(text=a.due)] for a in slide.actions]
    draw_table(ctx, header, rows, field="actions", first_bold=False)
