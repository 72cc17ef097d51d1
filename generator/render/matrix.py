"""The 2x2 matrix (shapes and connectors) and the growth-share matrix (a native bubble chart).

The growth-share matrix follows the BCG convention: relative market share on
a log scale with high share on the left, market growth on the vertical axis,
bubble area for revenue.  Its quadrant lines are the chart's own axes,
crossing at the thresholds, so they stay right when the chart is edited; the
four quadrant labels sit in the plot area's corners, whose position is fixed
by a manual plot layout.

Colours carry the design's meanings: the 2x2's highlighted quadrant is its
highlight colour; stars are positive, cash cows neutral, dogs negative and
question marks a fourth colour apart from the three.  Every label takes the
colour that reads on what is behind it: a bubble's name sits inside its bubble
only where it fits (in the colour that reads on the bubble), beside it
otherwise (in the colour that reads on the slide).  Both matrices leave the
foot of the body to the takeaway band.
"""

from __future__ import annotations

import math

from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_TICK_LABEL_POSITION
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_TICK_MARK
from pptx.enum.shapes import MSO_SHAPE
from pptx.util import Inches, Pt

from generator import colours
from generator.design import Box, Palette
from generator.fonts import measurer
from generator.render import xml
from generator.render.canvas import INSET_X, INSET_Y
from generator.render.chartdata import StableBubbleChartData
from generator.render.deck import SlideContext
from generator.render.registry import register
from generator.render.takeaway import draw_takeaway
from generator.render.text import EMU_PER_PT, Paragraph

_AXIS_BAND = int(Inches(0.45))
_GAP = int(Inches(0.08))


@register("matrix")
def build_matrix(ctx: SlideContext, slide) -> None:
    """Four quadrants with titles and text, two labelled axes, optional plotted items."""
    design, canvas = ctx.design, ctx.canvas
    palette = design.palette
    body = draw_takeaway(ctx, slide.takeaway, ctx.body)
    grid = Box(body.left + _AXIS_BAND, body.top + int(Inches(0.35)),
               body.width - _AXIS_BAND - int(Inches(0.1)),
               body.height - int(Inches(0.35)) - _AXIS_BAND)
    cells = [box for row in grid.rows(2, _GAP) for box in row.columns(2, _GAP)]
    fills = [palette.highlight if slide.highlight == index + 1 else quadrant_fill(palette)
             for index in range(len(cells))]
    written: list[Box] = []
    for index, (box, quadrant, fill) in enumerate(zip(cells, slide.quadrants, fills)):
        canvas.rect(box, fill=fill, name=f"Quadrant {index + 1}")
        written.append(_quadrant_text(ctx, box, quadrant, index, canvas.text_color_on(fill),
                                      dim_body=bool(slide.items)))
    _axes(ctx, grid, slide)
    for index, item in enumerate(slide.items):
        _plot_item(ctx, grid, fills, item, index, written)


def quadrant_fill(palette: Palette) -> str:
    """A plain quadrant's fill: the theme's light second colour, or a tint of the text
    colour where that colour is (nearly) the slide's background."""
    if colours.distance(palette.lt2, palette.background) >= 24:
        return palette.lt2
    return colours.mix(palette.background, palette.text, 0.08)


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
    size = max(design.type.body_max, design.type.body)
    ctx.canvas.text(inner, paragraphs, field=f"quadrants[{index}]", size=size,
                    min_size=design.type.label_min, color=color, anchor=anchor,
                    align=align, name=f"Quadrant {index + 1} Text")
    fitted = ctx.canvas.fit(inner, paragraphs, field=f"quadrants[{index}]",
                            size=size, min_size=design.type.label_min)
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


def _plot_item(ctx: SlideContext, grid: Box, fills: list[str], item, index: int,
               written: list[Box]) -> None:
    """The item's dot where its values put it, its label beside it: on the right, or on
    the left when the right has no room or would run into a quadrant's text."""
    design, canvas = ctx.design, ctx.canvas
    palette = design.palette
    dot = int(Inches(0.16))
    x = grid.left + int(item.x * (grid.width - dot))
    y = grid.top + int((1 - item.y) * (grid.height - dot))
    under_dot = _fills_under(grid, fills, Box(x, y, dot, dot), palette.background)
    canvas.rect(Box(x, y, dot, dot), fill=colours.best_on_all(
        [palette.neutral, palette.highlight, palette.text, palette.accent2], under_dot),
        line=palette.background, shape_type=MSO_SHAPE.OVAL, name=f"Item {index + 1}")
    width, gap = int(Inches(1.6)), int(Inches(0.05))
    top, height = y - int(Inches(0.08)), int(Inches(0.32))
    inked = min(_text_width(ctx, item.label, design.type.label, True) + int(Inches(0.04)),
                width)
    right, left_side = Box(x + dot + gap, top, inked, height), Box(x - gap - inked, top, inked,
                                                                    height)
    left = x + dot + gap
    if left + width > grid.right or (any(right.overlaps(box) for box in written)
                                     and not any(left_side.overlaps(box) for box in written)
                                     and left_side.left >= grid.left):
        left = x - width - gap
    label = Box(left, top, width, height)
    behind = _fills_under(grid, fills, right if left > x else left_side, palette.background)
    canvas.text(label, item.label, field=f"items[{index}].label", size=design.type.label,
                min_size=design.type.label_min, bold=True,
                color=canvas.text_color_on_all(*behind),
                align="l" if left > x else "r", name=f"Item {index + 1} Label",
                inset=(int(Inches(0.02)), 0))


def _fills_under(grid: Box, fills: list[str], box: Box, background: str) -> list[str]:
    """The colours under `box`'s corners and centre: a quadrant's fill, or the slide's
    background in the gaps between quadrants and outside the grid (what a label must
    read against)."""
    half_w, half_h = grid.width // 2, grid.height // 2
    gap = _GAP // 2
    found = []
    for px, py in ((box.left, box.top), (box.right, box.top), (box.left, box.bottom),
                   (box.right, box.bottom), (box.left + box.width // 2, box.top + box.height // 2)):
        mid_x, mid_y = grid.left + half_w, grid.top + half_h
        inside = grid.contains(px, py) and abs(px - mid_x) > gap and abs(py - mid_y) > gap
        if not inside:
            found.append(background)
            continue
        found.append(fills[(0 if py < mid_y else 2) + (0 if px < mid_x else 1)])
    return list(dict.fromkeys(found))


# -- growth-share --------------------------------------------------------------------------------
_QUADRANTS = ("stars", "question_marks", "cash_cows", "dogs")
BUBBLE_SCALE = 60  # % of the default bubble size
_GRAPHIC_CONTRAST = 3.0  # a bubble against the slide (WCAG: graphics)
_APART = 90  # channel distance that tells two bubble colours apart
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
    box = draw_takeaway(ctx, slide.takeaway, ctx.body)
    frame = ctx.slide.shapes.add_chart(XL_CHART_TYPE.BUBBLE, *box.to_json(), data)
    frame.name = "Growth-Share Matrix"
    chart = frame.chart
    chart.has_title = False
    chart.has_legend = False
    xml.set_chart_text(chart, latin=design.fonts.latin_minor, ea=design.fonts.ea_minor,
                       size=design.type.label, color=design.palette.text,
                       lang="ja-JP" if ctx.lang == "ja" else "en-US")
    xml.set_bubble_scale(chart, BUBBLE_SCALE)
    xml.set_plot_manual_layout(chart, *_PLOT)
    _growth_share_axes(ctx, chart, slide)
    _growth_share_bubbles(ctx, chart, slide, _plot_box(box))
    _quadrant_labels(ctx, box, slide)


def _plot_box(box: Box) -> Box:
    """The plot area inside the chart frame (its manual layout)."""
    x, y, w, h = _PLOT
    return Box(box.left + int(box.width * x), box.top + int(box.height * y),
               int(box.width * w), int(box.height * h))


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


def bubble_colors(palette: Palette) -> tuple[str, str, str, str]:
    """Stars, question marks, cash cows, dogs: positive, a colour apart from the other
    three (the highlight when it is), neutral, negative."""
    fixed = (palette.positive, palette.neutral, palette.negative)
    candidates = [palette.highlight, *palette.accents, palette.muted]

    def apart(color: str) -> int:
        return min(colours.distance(color, other) for other in fixed)

    readable = [c for c in candidates
                if colours.contrast_ratio(c, palette.background) >= _GRAPHIC_CONTRAST]
    apart_enough = [c for c in readable if apart(c) >= _APART]
    question = apart_enough[0] if apart_enough else max(readable or candidates, key=apart)
    return palette.positive, question, palette.neutral, palette.negative


def _growth_share_bubbles(ctx: SlideContext, chart, slide, plot: Box) -> None:
    design = ctx.design
    palette = design.palette
    colors = bubble_colors(palette)
    series = chart.plots[0].series[0]
    largest = max(item.revenue for item in slide.items)
    for index, item in enumerate(slide.items):
        fill = colors[_quadrant_of(item, slide)]
        point = series.points[index]
        point.format.fill.solid()
        ctx.canvas.paint(point.format.fill.fore_color, fill)
        point.format.line.color.rgb = RGBColor.from_string(palette.background)
        label = point.data_label
        label.text_frame.text = item.name
        size = design.type.label_min
        inside = _fits_inside(ctx, item.name, size, _bubble_diameter(plot, item.revenue,
                                                                     largest))
        if inside:
            label.position = XL_LABEL_POSITION.CENTER
            color = ctx.canvas.text_color_on_all(fill)
        else:
            label.position = _side_of(ctx, plot, item, slide, largest, size)
            color = ctx.canvas.text_color_on_all(palette.background)
        ctx.canvas.style_run(label.text_frame.paragraphs[0].runs[0], size=size, bold=True,
                             color=color)


def _bubble_diameter(plot: Box, revenue: float, largest: float, scale: int = BUBBLE_SCALE
                     ) -> int:
    """A bubble's diameter as PowerPoint draws it: the largest a quarter of the plot's
    shorter side at 100 %, areas in proportion to the values (LibreOffice ignores the
    scale and draws them larger: a label that fits here fits there)."""
    biggest = min(plot.width, plot.height) * 0.25 * scale / 100
    return int(biggest * math.sqrt(revenue / largest))


def _fits_inside(ctx: SlideContext, text: str, size_pt: float, diameter: int) -> bool:
    """A label fits inside its bubble when its line is well inside the circle."""
    width = _text_width(ctx, text, size_pt, True)
    return width <= diameter * 0.8 and Pt(size_pt * 1.3) <= diameter * 0.6


def _side_of(ctx: SlideContext, plot: Box, item, slide, largest: float, size_pt: float):
    """Right of the bubble, or left when the right would run out of the plot (LibreOffice's
    larger bubbles counted)."""
    low, high = _share_bounds(slide)
    span = math.log10(high) - math.log10(low)
    from_left = (math.log10(high) - math.log10(item.relative_share)) / span  # reversed axis
    centre = plot.left + int(plot.width * from_left)
    radius = _bubble_diameter(plot, item.revenue, largest, 100) // 2
    width = _text_width(ctx, item.name, size_pt, True)
    return (XL_LABEL_POSITION.RIGHT if centre + radius + width + int(Inches(0.1)) <= plot.right
            else XL_LABEL_POSITION.LEFT)


def _quadrant_labels(ctx: SlideContext, box: Box, slide) -> None:
    """The four names in the plot area's corners (stars top-left: high share is left)."""
    design = ctx.design
    labels = slide.quadrant_labels or [ctx.word(key) for key in _QUADRANTS]
    plot = _plot_box(box)
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
