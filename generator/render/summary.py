"""The executive summary: the deck's key messages, each with its support.

Consulting layout: one block per message, spread over the whole body in equal rows
split by hairlines; a large number in the highlight colour on the left, the message in
bold beside it and its support beneath in regular weight, the group centred in its
row.  The text takes the largest size up to `Typography.body_max` at which every block
fits its row; when even the smallest does not fit, the messages that fit stay and the
rest continue on the next slide, numbered on.
"""

from __future__ import annotations

from dataclasses import dataclass

from pptx.util import Inches

from generator.design import Box
from generator.render.canvas import INSET_X, INSET_Y, Overflow
from generator.render.deck import SlideContext
from generator.render.registry import register, split_list
from generator.render.text import Frame, Paragraph, fit

NUMBER_SCALE = 1.9  # the number's size, relative to the message's
NUMBER_MAX = 44.0
ROW_PAD = int(Inches(0.1))  # above and below a block, inside its row
SUB_INDENT = int(Inches(0.22))
NUMBER_GAP = int(Inches(0.15))  # between the number and its block


@dataclass(frozen=True)
class _Layout:
    """The blocks' rows, the text size, the width of the number, and each block's height
    at that size (its text with insets and row padding)."""

    rows: list[Box]
    size: float
    number_width: int
    heights: list[int]


def _block(point) -> list[Paragraph]:
    """The message in bold, its support beneath in regular weight."""
    paragraphs = [Paragraph(point.text, bold=True)]
    for sub in point.sub:
        paragraphs.append(Paragraph(sub, level=1, bullet=True, indent=SUB_INDENT,
                                    size_scale=0.9, space_before_em=0.3))
    return paragraphs


def _number_width(count: int, first: int, size: float) -> int:
    """Room for the widest number at its size (digits are about 0.56 em wide)."""
    digits = len(str(first + count - 1))
    return int((digits * 0.6 + 0.5) * min(size * NUMBER_SCALE, NUMBER_MAX) * 12700) + INSET_X


def _heights(ctx: SlideContext, blocks, width: int, size: float) -> list[int] | None:
    """Each block's text height at `size` in a column `width` wide (None: a word breaks
    or a block could not fit any row)."""
    fonts = ctx.design.fonts
    frame = Frame(width - 2 * INSET_X, 10 ** 9)
    heights = []
    for paragraphs in blocks:
        result = fit(paragraphs, frame, max_pt=size, min_pt=size, latin=fonts.latin_minor,
                     ea=fonts.ea_minor)
        if result is None or result.broken_words:
            return None
        heights.append(result.height + 2 * INSET_Y + 2 * ROW_PAD)
    return heights


def _layout(ctx: SlideContext, blocks, first: int) -> _Layout | int:
    """The largest size (body_max down to body_min) at which the blocks fit in equal rows,
    else rows as tall as each block needs; or how many blocks fit at the smallest size."""
    sizes, body = ctx.design.type, ctx.body
    size = max(sizes.body_max, sizes.body)
    fallback = None
    while size >= sizes.body_min - 1e-6:
        number_width = _number_width(len(blocks), first, size)
        heights = _heights(ctx, blocks, body.width - number_width - NUMBER_GAP, size)
        if heights is not None:
            equal = body.height // len(blocks)
            if max(heights) <= equal:
                return _Layout(body.rows(len(blocks), 0), size, number_width, heights)
            if fallback is None and sum(heights) <= body.height:
                fallback = _Layout(_rows_by_need(body, heights), size, number_width, heights)
        size -= 1.0
    if fallback is not None:
        return fallback
    return _how_many_fit(ctx, blocks, first)


def _rows_by_need(body: Box, heights: list[int]) -> list[Box]:
    """Rows as tall as each block needs, the spare height shared out equally."""
    spare = (body.height - sum(heights)) // len(heights)
    rows, top = [], body.top
    for height in heights:
        rows.append(Box(body.left, top, body.width, height + spare))
        top += height + spare
    return rows


def _how_many_fit(ctx: SlideContext, blocks, first: int) -> int:
    """How many of the first blocks fit the body at the smallest size (at least one)."""
    sizes, body = ctx.design.type, ctx.body
    number_width = _number_width(len(blocks), first, sizes.body_min)
    width = body.width - number_width - NUMBER_GAP
    heights = _heights(ctx, blocks, width, sizes.body_min) or []
    used, count = 0, 0
    for height in heights:
        if used + height > body.height:
            break
        used, count = used + height, count + 1
    return max(count, 1)


@register("executive_summary", split=lambda s, overflow: split_list(s, "points", overflow.fits))
def build_executive_summary(ctx: SlideContext, slide) -> None:
    """Key messages as numbered blocks, each with its supporting points."""
    first = 1 + sum(len(piece.points) for piece in ctx.earlier)
    blocks = [_block(point) for point in slide.points]
    layout = _layout(ctx, blocks, first)
    if isinstance(layout, int):
        fits = layout if layout < len(blocks) else None
        raise Overflow(f"{ctx.canvas.place}: points: {len(blocks)} key messages do not fit "
                       f"even at {ctx.design.type.body_min:g} pt", "points", fits)
    for index, (paragraphs, row) in enumerate(zip(blocks, layout.rows)):
        _draw_block(ctx, paragraphs, row, first + index, layout, layout.heights[index])
        if index:
            ctx.canvas.line(row.left, row.top, row.right, row.top,
                            color=ctx.design.palette.rule, width=0.75,
                            name=f"Summary Rule {index}")


def _draw_block(ctx: SlideContext, paragraphs, row: Box, number: int, layout: _Layout,
                height: int) -> None:
    """The text centred in the row, the number beside it level with the message's top
    (`height`: the block's, as measured for the layout)."""
    design, canvas = ctx.design, ctx.canvas
    inner = row.inset(0, ROW_PAD)
    number_box, text_box = inner.take_left(layout.number_width, NUMBER_GAP)
    canvas.text(text_box, paragraphs, field="points", size=layout.size,
                min_size=design.type.body_min, anchor="ctr", name=f"Summary Point {number}")
    top = text_box.top + max((text_box.height - (height - 2 * ROW_PAD)) // 2, 0)
    number_box = Box(number_box.left, top, number_box.width, inner.bottom - top)
    canvas.text(number_box, str(number), field="points",
                size=min(layout.size * NUMBER_SCALE, NUMBER_MAX), min_size=design.type.body_min,
                bold=True, color=design.palette.highlight_ink, heading=True, anchor="t", align="r",
                inset=(INSET_X, 0), name=f"Summary Number {number}")

