"""The 2x2 matrix (shapes and connectors) and the growth-share matrix (a native bubble chart).

The growth-share matrix follows the BCG convention: relative market share on
a log scale with high share on the left, market growth on the vertical axis,
bubble area for revenue.  Its quadrant lines are the chart's own axes,
crossing at the thresholds, so they stay right when the chart is edited; the
four quadrant labels sit in the plot area's corners, whose position is fixed
by a manual plot layout.
"""

from __future__ import annotations

import math

from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.chart import XL_TICK_MARK
from pptx.enum.shapes import MSO_SHAPE
from pptx.util import Inches, Pt

from generator.design import Box
from generator.fonts import measurer
from generator.render import xml
from generator.render.canvas import INSET_X, INSET_Y
from generator.render.chartdata import StableBubbleChartData
from generator.render.deck import SlideContext
from generator.render.registry import register
from generator.render.text import EMU_PER_PT, Paragraph

_AXIS_BAND = int(Inches(0.45))
_GAP = int(Inches(0.08))


@register("matrix")
def build_matrix(ctx: SlideContext, slide) -> None:
    """Four quadrants with titles and text, two labelled axes, optional plotted items."""
    design, canvas = ctx.design, ctx.canvas
    palette = design.palette
    body = ctx.body
    grid = Box(body.left + _AXIS_BAND, body.top + int(Inches(0.35)),
               body.width - _AXIS_BAND - int(Inches(0.1)),
               body.height - int(Inches(0.35)) - _AXIS_BAND)
    cells = [box for row in grid.rows(2, _GAP) for box in row.columns(2, _GAP)]
    written: list[Box] = []
    for index, (box, quadrant) in enumerate(zip(cells, slide.quadrants)):
        highlighted = slide.highlight == index + 1
        fill = palette.accent1 if highlighted else palette.lt2
        canvas.rect(box, fill=fill, name=f"Quadrant {index + 1}")
        written.append(_quadrant_text(ctx, box, quadrant, index, canvas.text_color_on(fill),
                                      dim_body=bool(slide.items)))
    _axes(ctx, grid, slide)
    for index, item in enumerate(slide.items):
        _plot_item(ctx, grid, item, index, written)


def _quadrant_text(ctx: SlideContext, box: Box, quadrant, index: int, color: str,
                   dim_body: bool) -> Box:
    """Draws a quadrant's title and text; returns the area their lines take."""
    design = ctx.design
    inner = box.inset(int(Inches(0.15)), int(Inches(0.1)))
    paragraphs = [Paragraph(quadrant.title, bold=True)]
    if quadrant.text:
        paragraphs.append(Paragraph(quadrant.text, size_scale=0.85, space_before_em=0.3))
    anchor = "t" if index < 2 else "b"
    align = "l" if index % 2 == 0 else "r"
    ctx.canvas.text(inner, paragraphs, field=f"quadrants[{index}]", size=design.type.body,
                    min_size=design.type.label_min, color=color, anchor=anchor,
                    align=align, name=f"Quadrant {index + 1} Text")
    fitted = ctx.canvas.fit(inner, paragraphs, field=f"quadrants[{index}]",
                            size=design.type.body, min_size=design.type.label_min)
    width = max((_text_width(ctx, line, fitted.size_pt * para.size_scale, para.bold)
                 for para, lines in zip(paragraphs, fitted.lines) for line in lines), default=0)
    width = min(width + 2 * INSET_X, inner.width)
    height = min(fitted.height + 2 * INSET_Y, inner.height)
    return Box(inner.left if align == "l" else inner.right - width,
               inner.top if anchor == "t" else inner.bottom - height, width, height)


def _text_width(ctx: SlideContext, text: str, size_pt: float, bold: bool) -> int:
    fonts = ctx.design.fonts
    return int(measurer(fonts.latin_minor, fonts.ea_minor, bold).width_em(text) * size_pt
               * EMU_PER_PT)


def _overlaps(a: Box, b: Box) -> bool:
    return a.left < b.right and b.left < a.right and a.top < b.bottom and b.top < a.bottom


def _axes(ctx: SlideContext, grid: Box, slide) -> None:
    design, canvas = ctx.design, ctx.canvas
    palette = design.palette
    x_line = grid.bottom + int(Inches(0.12))
    y_line = grid.left - int(Inches(0.12))
    arrow = canvas.line(y_line, x_line, grid.right, x_line, color=palette.muted, width=1.25,
                        name="X Axis")
    xml.set_line_arrow(arrow)
    arrow = canvas.line(y_line, x_line, y_line, grid.top, color=palette.muted, width=1.25,
                        name="Y Axis")
    xml.set_line_arrow(arrow)
    label_height = int(Inches(0.3))
    x_box = Box(grid.left, x_line + int(Inches(0.03)), grid.width, label_height)
    _axis_labels(ctx, x_box, slide.x_axis, "x_axis")
    y_box = Box(y_line - int(Inches(0.05)), grid.top - int(Inches(0.33)),
                grid.width // 2, label_height)
    text = slide.y_axis.label + (f"（{slide.y_axis.low} → {slide.y_axis.high}）"
                                 if slide.y_axis.low and slide.y_axis.high and ctx.lang == "ja"
                                 else f" ({slide.y_axis.low} → {slide.y_axis.high})"
                                 if slide.y_axis.low and slide.y_axis.high else "")
    canvas.text(y_box, text, field="y_axis", size=design.type.label,
                min_size=design.type.label_min, bold=True, color=palette.text, name="Y Axis Label")


def _axis_labels(ctx: SlideContext, box: Box, axis, field: str) -> None:
    design, canvas = ctx.design, ctx.canvas
    third = box.width // 3
    low_box, rest = box.take_left(third)
    mid_box, high_box = rest.take_left(third)
    size, minimum = design.type.label, design.type.label_min
    if axis.low:
        canvas.text(low_box, axis.low, field=f"{field}.low", size=size, min_size=minimum,
                    color=design.palette.muted, name="X Axis Low")
    canvas.text(mid_box, axis.label, field=f"{field}.label", size=size, min_size=minimum,
                bold=True, color=design.palette.text, align="ctr", name="X Axis Label")
    if axis.high:
        canvas.text(high_box, axis.high, field=f"{field}.high", size=size, min_size=minimum,
                    color=design.palette.muted, align="r", name="X Axis High")


def _plot_item(ctx: SlideContext, grid: Box, item, index: int, written: list[Box]) -> None:
    """The item's dot where its values put it, its label beside it: on the right, or on
    the left when the right has no room or would run into a quadrant's text."""
    design, canvas = ctx.design, ctx.canvas
    dot = int(Inches(0.16))
    x = grid.left + int(item.x * (grid.width - dot))
    y = grid.top + int((1 - item.y) * (grid.height - dot))
    canvas.rect(Box(x, y, dot, dot), fill=design.palette.accent2, line=design.palette.lt1,
                shape_type=MSO_SHAPE.OVAL, name=f"Item {index + 1}")
    width, gap = int(Inches(1.6)), int(Inches(0.05))
    top, height = y - int(Inches(0.08)), int(Inches(0.32))
    inked = min(_text_width(ctx, item.label, design.type.label, True) + int(Inches(0.04)),
                width)
    right, left_side = Box(x + dot + gap, top, inked, height), Box(x - gap - inked, top, inked,
                                                                    height)
    left = x + dot + gap
    if left + width > grid.right or (any(_overlaps(right, box) for box in written)
                                     and not any(_overlaps(left_side, box) for box in written)
                                     and left_side.left >= grid.left):
        left = x - width - gap
    label = Box(left, top, width, height)
    fill = _fill_under(ctx, grid, label)
    canvas.text(label, item.label, field=f"items[{index}].label", size=design.type.label,
                min_size=design.type.label_min, bold=True, color=canvas.text_color_on(fill),
                align="l" if left > x else "r", name=f"Item {index + 1} Label",
                inset=(int(Inches(0.02)), 0))


def _fill_under(ctx: SlideContext, grid: Box, box: Box) -> str:
    """The quadrant colour under a label's centre (labels must read against it)."""
    cx, cy = box.left + box.width // 2, box.top + box.height // 2
    column = 0 if cx < grid.left + grid.width // 2 else 1
    row = 0 if cy < grid.top + grid.height // 2 else 1
    shapes = {shape.name: shape for shape in ctx.slide.shapes}
    quadrant = shapes.get(f"Quadrant {row * 2 + column + 1}")
    if quadrant is None:
        return ctx.design.palette.background
    fill = quadrant.fill
    if fill.fore_color.type is not None and fill.fore_color.type == 2:  # a theme colour
        return ctx.design.palette.accent1
    try:
        return str(fill.fore_color.rgb)
    except AttributeError:
        return ctx.design.palette.lt2


# -- growth-share --------------------------------------------------------------------------------
_QUADRANTS = ("stars", "question_marks", "cash_cows", "dogs")
_PLOT = (0.09, 0.04, 0.88, 0.82)  # manual plot layout: x, y, w, h as fractions of the frame


def _quadrant_of(item, slide) -> int:
    high_growth = item.market_growth >= slide.growth_threshold
    high_share = item.relative_share >= slide.share_threshold
    return {(True, True): 0, (True, False): 1, (False, True): 2, (False, False): 3}[
        (high_growth, high_share)]


def _share_bounds(slide) -> tuple[float, float]:
    shares = [item.relative_share for item in slide.items] + [slide.share_threshold]
    low = 10 ** math.floor(math.log10(min(shares) / 1.5))
    high = 10 ** math.ceil(math.log10(max(shares) * 1.5))
    return low, high


def _growth_bounds(slide) -> tuple[float, float]:
    values = [item.market_growth for item in slide.items] + [slide.growth_threshold]
    span = max(values) - min(values) or 10
    step = 10 ** math.floor(math.log10(span)) or 1
    low = math.floor((min(values) - span * 0.15) / step) * step
    high = math.ceil((max(values) + span * 0.15) / step) * step
    return (min(low, 0.0) if min(values) >= 0 else low), high


@register("growth_share")
def build_growth_share(ctx: SlideContext, slide) -> None:
    design = ctx.design
    data = StableBubbleChartData()
    series = data.add_series(slide.y_title or ctx.word("market_growth"))
    for item in slide.items:
        series.add_data_point(item.relative_share, item.market_growth, item.revenue)
    box = ctx.body
    frame = ctx.slide.shapes.add_chart(XL_CHART_TYPE.BUBBLE, *box.to_json(), data)
    frame.name = "Growth-Share Matrix"
    chart = frame.chart
    chart.has_title = False
    chart.has_legend = False
    xml.set_chart_text(chart, latin=design.fonts.latin_minor, ea=design.fonts.ea_minor,
                       size=design.type.label, color=design.palette.text,
                       lang="ja-JP" if ctx.lang == "ja" else "en-US")
    xml.set_bubble_scale(chart, 60)
    xml.set_plot_manual_layout(chart, *_PLOT)
    _growth_share_axes(ctx, chart, slide)
    _growth_share_bubbles(ctx, chart, slide)
    _quadrant_labels(ctx, box, slide)


def _growth_share_axes(ctx: SlideContext, chart, slide) -> None:
    design = ctx.design
    share_axis, growth_axis = chart.category_axis, chart.value_axis
    low, high = _share_bounds(slide)
    share_axis.minimum_scale, share_axis.maximum_scale = low, high
    xml.set_log_scale(share_axis, 10)
    share_axis.reverse_order = True  # high relative share on the left
    g_low, g_high = _growth_bounds(slide)
    growth_axis.minimum_scale, growth_axis.maximum_scale = g_low, g_high
    # each axis crosses the other at its threshold: the axes are the quadrant lines
    xml.set_crosses_at(share_axis, slide.growth_threshold)
    xml.set_crosses_at(growth_axis, slide.share_threshold)
    for axis, title in ((share_axis, slide.x_title or ctx.word("relative_share")),
                        (growth_axis, slide.y_title or ctx.word("market_growth") + " (%)")):
        axis.has_major_gridlines = False
        axis.format.line.width = Pt(1.25)
        ctx.canvas.paint(axis.format.line.color, design.palette.muted)
        # labels at the plot's edge, not on the axes crossing mid-plot; with the share
        # axis reversed, the growth axis's "high" end is the left edge
        axis.tick_label_position = (XL_TICK_LABEL_POSITION.HIGH if axis is growth_axis
                                    else XL_TICK_LABEL_POSITION.LOW)
        axis.major_tick_mark = XL_TICK_MARK.NONE
        axis.tick_labels.font.size = Pt(design.type.label_min)
        ctx.canvas.paint(axis.tick_labels.font.color, design.palette.muted)
        axis.has_title = True
        axis.axis_title.text_frame.text = title
        ctx.canvas.style_run(axis.axis_title.text_frame.paragraphs[0].runs[0],
                             size=design.type.label, bold=False, color=design.palette.muted)
    share_axis.tick_labels.number_format = '0.0"x"'
    share_axis.tick_labels.number_format_is_linked = False


def _growth_share_bubbles(ctx: SlideContext, chart, slide) -> None:
    design = ctx.design
    palette = design.palette
    colors = (palette.accent2, palette.accent3, palette.accent1, palette.accent5)
    series = chart.plots[0].series[0]
    for index, item in enumerate(slide.items):
        point = series.points[index]
        point.format.fill.solid()
        ctx.canvas.paint(point.format.fill.fore_color, colors[_quadrant_of(item, slide)])
        point.format.line.color.rgb = _rgb(palette.lt1)
        label = point.data_label
        label.position = XL_LABEL_POSITION.CENTER if item.revenue > 0 else None
        label.text_frame.text = item.name
        ctx.canvas.style_run(label.text_frame.paragraphs[0].runs[0], size=design.type.label_min,
                             bold=True, color=ctx.canvas.text_color_on_all(
                                 colors[_quadrant_of(item, slide)], palette.background))


def _rgb(hex_color: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_color)


def _quadrant_labels(ctx: SlideContext, box: Box, slide) -> None:
    """The four names in the plot area's corners (stars top-left: high share is left)."""
    design = ctx.design
    labels = slide.quadrant_labels or [ctx.word(key) for key in _QUADRANTS]
    x, y, w, h = _PLOT
    plot = Box(box.left + int(box.width * x), box.top + int(box.height * y),
               int(box.width * w), int(box.height * h))
    width, height = int(Inches(1.8)), int(Inches(0.32))
    inset = int(Inches(0.08))
    corners = [
        (plot.left + inset, plot.top + inset, "l"),  # stars: high growth, high share
        (plot.right - width - inset, plot.top + inset, "r"),  # question marks
        (plot.left + inset, plot.bottom - height - inset, "l"),  # cash cows
        (plot.right - width - inset, plot.bottom - height - inset, "r"),  # dogs
    ]
    for index, (left, top, align) in enumerate(corners):
        ctx.canvas.text(Box(left, top, width, height), labels[index],
                        field=f"quadrant_labels[{index}]", size=design.type.label,
                        min_size=design.type.label_min, bold=True, color=design.palette.muted,
                        align=align, name=f"Quadrant Label {index + 1}")
