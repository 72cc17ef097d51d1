"""Text-led slide kinds: message, two-column comparison, KPI numbers and quote.

(Cover, dividers and agenda: `structure`; the executive summary: `summary`.)
"""

from __future__ import annotations

from pathlib import Path

from pptx.util import Inches

from generator import colours
from generator.design import Box
from generator.errors import SpecError
from generator.render.canvas import Overflow, bullets
from generator.render import xml
from generator.render.deck import SlideContext
from generator.render.registry import register, split_list
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
        callout_height = int(Inches(0.85))
        body, callout_box = body.take_top(body.height - callout_height - _GAP // 2, _GAP // 2)
        canvas.text(callout_box, slide.callout, field="callout", size=design.type.body,
                    min_size=design.type.body_min, bold=True, fill=design.palette.accent1,
                    anchor="ctr", inset=(int(Inches(0.2)), int(Inches(0.08))), name="Callout")
    if slide.image is not None:
        text_box, picture_box = body.take_left(int(body.width * 0.5), _GAP)
        canvas.picture(_image_path(ctx, slide.image.path), picture_box, name="Picture")
        if slide.image.alt:
            xml.set_description(ctx.slide.shapes[-1], slide.image.alt)
        body = text_box
    if slide.points:
        canvas.text(body, bullets(slide.points), field="points", size=design.type.body,
                    min_size=design.type.body_min, name="Body")


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
    """Two headed columns side by side, e.g. option A vs option B."""
    design, canvas = ctx.design, ctx.canvas
    palette = design.palette
    heading_height = int(Inches(0.5))
    columns = ctx.body.columns(2, int(Inches(0.4)))
    for side, column, box in (("left", slide.left, columns[0]), ("right", slide.right, columns[1])):
        body = box
        if column.heading:
            heading_box, body = box.take_top(heading_height, int(Inches(0.15)))
            canvas.text(heading_box, column.heading, field=f"{side}.heading",
                        size=design.type.body + 2, min_size=design.type.body_min, bold=True,
                        color=palette.heading, anchor="b", name=f"{side.title()} Heading")
            canvas.line(heading_box.left, heading_box.bottom, heading_box.right,
                        heading_box.bottom, color=palette.accent1, width=1.5)
        if column.points:
            canvas.text(body, bullets(column.points), field=f"{side}.points",
                        size=design.type.body, min_size=design.type.body_min,
                        name=f"{side.title()} Body")


@register("kpi")
def build_kpi(ctx: SlideContext, slide) -> None:
    """Big numbers in a row (two rows past three), each with its label and change."""
    canvas = ctx.canvas
    count = len(slide.metrics)
    per_row = count if count <= 3 else (count + 1) // 2
    row_count = 1 if count <= 3 else 2
    height = min(ctx.body.height, row_count * int(Inches(2.3)) + (row_count - 1) * _GAP)
    area = Box(ctx.body.left, ctx.body.top + (ctx.body.height - height) // 3, ctx.body.width,
               height)
    rows = area.rows(row_count, _GAP)
    for index, metric in enumerate(slide.metrics):
        row = rows[index // per_row]
        box = row.columns(per_row, int(Inches(0.3)))[index % per_row]
        _draw_metric(ctx, canvas, box, metric, index)


def _draw_metric(ctx: SlideContext, canvas, box: Box, metric, index: int) -> None:
    design = ctx.design
    palette = design.palette
    canvas.rect(Box(box.left, box.top, int(Inches(0.06)), box.height), fill=palette.accent1,
                name=f"KPI Bar {index + 1}")
    inner = Box(box.left + int(Inches(0.2)), box.top, box.width - int(Inches(0.2)), box.height)
    value_box, rest = inner.take_top(int(inner.height * 0.45))
    canvas.text(value_box, metric.value, field=f"metrics[{index}].value",
                size=design.type.kpi_value, min_size=20, bold=True, color=palette.heading,
                anchor="b", heading=True, name=f"KPI Value {index + 1}")
    label_box, delta_box = rest.take_top(int(rest.height * 0.6))
    canvas.text(label_box, metric.label, field=f"metrics[{index}].label", size=design.type.body,
                min_size=design.type.body_min, color=palette.text, name=f"KPI Label {index + 1}")
    if metric.delta:
        arrow = {"up": "▲ ", "down": "▼ ", "flat": "► "}.get(metric.trend or "", "")
        color = palette.muted
        if metric.good is not None:
            color = palette.rag_green if metric.good else palette.rag_red
        canvas.text(delta_box, arrow + metric.delta, field=f"metrics[{index}].delta",
                    size=design.type.body, min_size=design.type.body_min, bold=True,
                    color=_readable(ctx, color), name=f"KPI Delta {index + 1}")


def _readable(ctx: SlideContext, color: str) -> str:
    """`color` if it meets 4.5:1 on the background, else the text colour."""
    background = ctx.design.palette.background
    return color if colours.contrast_ratio(color, background) >= 4.5 else ctx.design.palette.text


@register("quote")
def build_quote(ctx: SlideContext, slide) -> None:
    """A callout quote with an accent bar and its attribution."""
    design, canvas = ctx.design, ctx.canvas
    palette = design.palette
    body = ctx.body.inset(int(Inches(0.6)), int(Inches(0.3)))
    canvas.rect(Box(body.left - int(Inches(0.3)), body.top, int(Inches(0.08)), body.height),
                fill=palette.accent1, name="Quote Bar")
    quote_box, attribution_box = body.take_top(int(body.height * 0.78))
    mark_open, mark_close = ("「", "」") if ctx.lang == "ja" else ("“", "”")
    canvas.text(quote_box, f"{mark_open}{slide.quote}{mark_close}", field="quote", size=26,
                min_size=design.type.body_min, color=palette.heading, anchor="ctr", heading=True,
                name="Quote")
    if slide.attribution:
        canvas.text(attribution_box, f"— {slide.attribution}", field="attribution",
                    size=design.type.body, min_size=design.type.body_min, color=palette.muted,
                    align="r", name="Attribution")


