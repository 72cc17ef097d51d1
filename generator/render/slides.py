"""Text-led slide kinds: message, two-column comparison, KPI numbers and quote.

(Cover, dividers and agenda: `structure`; the executive summary: `summary`.)
"""

from __future__ import annotations

from pathlib import Path

from pptx.util import Inches

from generator import colours
from generator.design import Box
from generator.errors import SpecError
from generator.render.canvas import INSET_X, INSET_Y, Overflow, bullets
from generator.render import xml
from generator.render.deck import SlideContext
from generator.render.registry import register, split_list
from generator.render.takeaway import draw_takeaway
from generator.render.text import EMU_PER_PT, Frame, Paragraph, measure_block
from generator.spec import no_local_pictures, picture_path_problem

_GAP = int(Inches(0.3))


# -- text slides -----------------------------------------------------------------------
MAX_BULLETS = 6


def _split_message(slide, overflow):
    return split_list(slide, "points", overflow.fits)


@register("message", split=_split_message)
def build_message(ctx: SlideContext, slide) -> None:
    """Supporting points (at most six per slide), with a picture or a callout if given."""
    design, canvas = ctx.design, ctx.canvas
    if len(slide.points) > MAX_BULLETS:
        raise _overflow(ctx, "points", f"{len(slide.points)} points; six fit on one slide",
                        fits=_balanced(len(slide.points)))
    body = ctx.body
    if slide.callout:
        body = draw_takeaway(ctx, slide.callout, body, field="callout")
        ctx.slide.shapes[-1].name = "Callout"  # the outline reader knows it by this name
        body = body.take_top(body.height - _GAP // 2)[0]  # the points clear of the band
    if slide.image is not None:
        text_box, picture_box = body.take_left(int(body.width * 0.5), _GAP)
        canvas.picture(_image_path(ctx, slide.image.path), picture_box, name="Picture")
        if slide.image.alt:
            xml.set_description(ctx.slide.shapes[-1], slide.image.alt)
        body = text_box  # spread and centred on the body's middle, as the picture is
    if slide.points:
        canvas.text(body, bullets(slide.points), field="points", size=design.type.body,
                    min_size=design.type.body_min, spread=True, name="Body")


def _overflow(ctx: SlideContext, field: str, reason: str, fits: int | None = None):
    return Overflow(f"{ctx.canvas.place}: {field}: {reason}", field, fits)


def _balanced(count: int) -> int:
    """Points on the first slide when `count` need several: even slides of at most six."""
    slides = -(-count // MAX_BULLETS)
    return -(-count // slides)


def _image_path(ctx: SlideContext, raw: str):
    """Resolve an image inside the outline's folder; refuse anything else.

    No folder (the web, the API, a worker) means no local picture at all: never the
    process's own working folder, where other users' files live.  Symbolic links
    are followed before the check, so none leads out of the folder.
    """
    problem = no_local_pictures() if ctx.base_dir is None else picture_path_problem(raw)
    if problem:
        raise SpecError(f"{ctx.canvas.place}: image: {problem}")
    base = Path(ctx.base_dir).resolve()
    path = (base / raw).resolve()
    if not path.is_relative_to(base):
        raise SpecError(f"{ctx.canvas.place}: image: '{raw}' is outside the outline's folder")
    if not path.is_file():
        raise SpecError(f"{ctx.canvas.place}: image: '{raw}' does not exist")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise SpecError(f"{ctx.canvas.place}: image: '{raw}' is not a readable picture") from exc
    return path


@register("two_column")
def build_two_column(ctx: SlideContext, slide) -> None:
    """Two headed columns side by side, e.g. option A vs option B.

    Both columns' points share one size and one rhythm and start on the same line; a
    pair of short columns is centred in the body with its headings."""
    design, canvas = ctx.design, ctx.canvas
    sides = (("left", slide.left), ("right", slide.right))
    heading_height = int(Inches(0.5)) if any(c.heading for _s, c in sides) else 0
    heading_gap = int(Inches(0.15)) if heading_height else 0
    columns = ctx.body.columns(2, int(Inches(0.4)))
    below = [box.take_top(heading_height, heading_gap)[1] for box in columns]
    blocks = [(box, bullets(column.points), f"{side}.points")
              for (side, column), box in zip(sides, below) if column.points]
    laid = canvas.spread(blocks, size=design.type.body_max,
                         min_size=design.type.body_min) if blocks else []
    size = laid[0].size_pt if laid else design.type.body
    points_height = below[0].height
    if laid and all(block.short for block in laid):
        points_height = max(block.result.height for block in laid) + 2 * INSET_Y
    group = heading_height + heading_gap + points_height
    top = ctx.body.top + (ctx.body.height - group) // 2
    drawn = iter(laid)
    for (side, column), box in zip(sides, columns):
        if column.heading:
            _column_heading(ctx, Box(box.left, top, box.width, heading_height), column.heading,
                            side, size)
        if column.points:
            block = next(drawn)
            points_box = Box(box.left, top + heading_height + heading_gap, box.width,
                             points_height)
            canvas.text(points_box, block.paragraphs, field=f"{side}.points",
                        size=block.size_pt, name=f"{side.title()} Body")
            if block.gap_em >= RULED_GAP_EM:
                _rules_between_points(ctx, points_box, block, side)


RULED_GAP_EM = 1.5  # points further apart than this are rows of the comparison: ruled


def _rules_between_points(ctx: SlideContext, box: Box, block, side: str) -> None:
    """Hairlines halfway between a column's points, so that wide gaps read as the rows of
    a comparison rather than as loose lines."""
    fonts = ctx.design.fonts
    frame = Frame(box.width - 2 * INSET_X, box.height - 2 * INSET_Y)
    half_gap = int(block.gap_em * block.size_pt * EMU_PER_PT / 2)
    for index, para in enumerate(block.paragraphs):
        if not index or para.level:
            continue
        above = measure_block(block.paragraphs[:index], frame, block.size_pt,
                              fonts.latin_minor, fonts.ea_minor).height
        y = box.top + INSET_Y + above + half_gap
        ctx.canvas.line(box.left, y, box.right, y, color=ctx.design.palette.rule,
                        name=f"{side.title()} Rule {index}")


def _column_heading(ctx: SlideContext, box: Box, text: str, side: str, size: float) -> None:
    """A column's heading, a step above its points, on an accent rule."""
    design, canvas = ctx.design, ctx.canvas
    canvas.text(box, text, field=f"{side}.heading", size=max(design.type.body, size) + 2,
                min_size=design.type.body_min, bold=True, color=design.palette.heading,
                anchor="b", name=f"{side.title()} Heading")
    canvas.line(box.left, box.bottom, box.right, box.bottom, color=design.palette.accent1,
                width=1.5)


KPI_ROW_HEIGHT = int(Inches(3.0))  # a row of big numbers no taller than this: centred past it


@register("kpi")
def build_kpi(ctx: SlideContext, slide) -> None:
    """Big numbers in a row (two rows past three), each with its label and change.

    The numbers share one size, as large as the row allows (up to 1.5 times the design's
    KPI size), as do the labels; the rows are centred in the body."""
    count = len(slide.metrics)
    per_row = count if count <= 3 else (count + 1) // 2
    row_count = 1 if count <= 3 else 2
    height = min(ctx.body.height, row_count * KPI_ROW_HEIGHT + (row_count - 1) * _GAP)
    area = Box(ctx.body.left, ctx.body.top + (ctx.body.height - height) // 2, ctx.body.width,
               height)
    rows = area.rows(row_count, _GAP)
    boxes = [rows[index // per_row].columns(per_row, int(Inches(0.3)))[index % per_row]
             for index in range(count)]
    parts = [_metric_parts(box) for box in boxes]
    sizes = _metric_sizes(ctx, slide.metrics, parts)
    for index, (metric, box, part) in enumerate(zip(slide.metrics, boxes, parts)):
        _draw_metric(ctx, box, part, metric, index, sizes)


def _metric_parts(box: Box) -> tuple[Box, Box, Box]:
    """A metric's value, label and change boxes, right of its accent bar."""
    inner = Box(box.left + int(Inches(0.2)), box.top, box.width - int(Inches(0.2)), box.height)
    value_box, rest = inner.take_top(int(inner.height * 0.5))
    label_box, delta_box = rest.take_top(int(rest.height * 0.62))
    return value_box, label_box, delta_box


def _metric_sizes(ctx: SlideContext, metrics, parts) -> tuple[float, float]:
    """One size for every value and one for every label: the largest at which all fit.

    Values are set in the body face, bold: a theme's light heading face (Office's
    Calibri Light) has no metric twin here, LibreOffice draws it wider than measured,
    and at this size the difference wraps a number."""
    design, canvas = ctx.design, ctx.canvas
    blocks = [(part[0], [Paragraph(m.value, bold=True)], f"metrics[{i}].value")
              for i, (m, part) in enumerate(zip(metrics, parts))]
    try:  # a number reads as one line; a long one may wrap rather than fail
        values = canvas.spread(blocks, size=design.type.kpi_value * 1.5, min_size=20,
                               max_lines=1)
    except Overflow:
        values = canvas.spread(blocks, size=design.type.kpi_value * 1.5, min_size=20)
    labels = canvas.spread([(part[1], [Paragraph(m.label)], f"metrics[{i}].label")
                            for i, (m, part) in enumerate(zip(metrics, parts))],
                           size=design.type.body_max, min_size=design.type.body_min)
    return values[0].size_pt, labels[0].size_pt


def _draw_metric(ctx: SlideContext, box: Box, parts: tuple[Box, Box, Box], metric,
                 index: int, sizes: tuple[float, float]) -> None:
    design, canvas = ctx.design, ctx.canvas
    palette = design.palette
    value_box, label_box, delta_box = parts
    canvas.rect(Box(box.left, box.top, int(Inches(0.06)), box.height), fill=palette.accent1,
                name=f"KPI Bar {index + 1}")
    canvas.text(value_box, metric.value, field=f"metrics[{index}].value", size=sizes[0],
                bold=True, color=palette.heading, anchor="b", name=f"KPI Value {index + 1}")
    canvas.text(label_box, metric.label, field=f"metrics[{index}].label", size=sizes[1],
                color=palette.text, name=f"KPI Label {index + 1}")
    if metric.delta:
        arrow = {"up": "▲ ", "down": "▼ ", "flat": "► "}.get(metric.trend or "", "")
        color = palette.muted
        if metric.good is not None:
            color = palette.rag_green if metric.good else palette.rag_red
        canvas.text(delta_box, arrow + metric.delta, field=f"metrics[{index}].delta",
                    size=sizes[1], min_size=design.type.body_min, bold=True,
                    color=_readable(ctx, color), name=f"KPI Delta {index + 1}")


def _readable(ctx: SlideContext, color: str) -> str:
    """`color` if it meets 4.5:1 on the background, else the text colour."""
    background = ctx.design.palette.background
    return color if colours.contrast_ratio(color, background) >= 4.5 else ctx.design.palette.text


QUOTE_MAX_WIDTH = int(Inches(10.5))  # a readable measure for a quote set large


@register("quote")
def build_quote(ctx: SlideContext, slide) -> None:
    """A callout quote with an accent bar and its attribution, as large as the body allows
    (up to 1.6 times the design's largest body size) and centred in it."""
    design, canvas = ctx.design, ctx.canvas
    palette = design.palette
    body = ctx.body.inset(int(Inches(0.6)), int(Inches(0.3)))
    body = Box(body.left, body.top, min(body.width, QUOTE_MAX_WIDTH), body.height)
    quote_box, attribution_box = body.take_top(int(body.height * 0.8))
    mark_open, mark_close = ("「", "」") if ctx.lang == "ja" else ("“", "”")
    quote = [Paragraph(f"{mark_open}{slide.quote}{mark_close}")]
    laid = canvas.fit(quote_box, quote, field="quote", size=max(26, design.type.body_max * 1.6),
                      min_size=design.type.body_min, heading=True)
    attribution_height = attribution_box.height if slide.attribution else 0
    quote_height = min(quote_box.height, laid.height + 2 * INSET_Y + int(Inches(0.1)))
    group = quote_height + attribution_height
    top = body.top + (body.height - group) // 2
    canvas.rect(Box(body.left - int(Inches(0.3)), top, int(Inches(0.08)), group),
                fill=palette.accent1, name="Quote Bar")
    canvas.text(Box(body.left, top, body.width, quote_height), quote, field="quote",
                size=laid.size_pt, color=palette.heading, anchor="ctr", heading=True,
                name="Quote")
    if slide.attribution:
        canvas.text(Box(body.left, top + quote_height, body.width, attribution_height),
                    f"— {slide.attribution}", field="attribution",
                    size=max(design.type.body, laid.size_pt * 0.6),
                    min_size=design.type.body_min, color=palette.muted, align="r",
                    name="Attribution")
