"""Native, editable PowerPoint charts for the `chart` kind.

Column, bar, stacked and 100 % stacked, line, pie, doughnut, scatter and
bubble map onto PowerPoint's own chart types; the waterfall is a stacked
column chart whose base series is invisible.  Styling follows consulting
practice: no gridlines or 3-D, data labels instead of a value axis where
every bar is labelled, a legend only for several series, the unit above the
plot.

Space: the chart takes the body its takeaway band and commentary points
leave.  A pie or doughnut is round: it takes a square at the left of its
area and a key (swatch, name, value, hairline) fills the rest beside it; its
segments show their shares.

Colours with meaning, the same in every chart: a single plain series is
`neutral`; several series take the theme accents in order (so do a pie's
segments, which are categories); a waterfall's increases are `positive`, its
decreases `negative`, its totals `neutral`.  (`highlight` is kept for an
emphasised point; the ChartSpec has none yet.)

Every data label takes the text colour that reads on what is behind it: the
fill of its bar, segment or stack piece when it sits inside, the slide
background when it sits outside.  A label too large for its segment moves
outside (a pie's) or reads on both the fill and the background it overflows
onto (a waterfall step); where neither is possible (a stacked piece, a
doughnut's sliver) it is left off, its value stays in the chart's data.
"""

from __future__ import annotations

import math

from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.chart import XL_MARKER_STYLE, XL_TICK_LABEL_POSITION, XL_TICK_MARK
from pptx.util import Inches, Pt

from generator import colours
from generator.design import Box
from generator.render import xml
from generator.render.canvas import Overflow, bullets
from generator.render.chartdata import StableBubbleChartData, StableCategoryChartData, StableXyChartData
from generator.render.deck import SlideContext
from generator.render.registry import register
from generator.render.takeaway import draw_takeaway

_TYPES = {
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "stacked_column": XL_CHART_TYPE.COLUMN_STACKED,
    "stacked_bar": XL_CHART_TYPE.BAR_STACKED,
    "stacked100_column": XL_CHART_TYPE.COLUMN_STACKED_100,
    "stacked100_bar": XL_CHART_TYPE.BAR_STACKED_100,
    "line": XL_CHART_TYPE.LINE_MARKERS,
    "pie": XL_CHART_TYPE.PIE,
    "doughnut": XL_CHART_TYPE.DOUGHNUT,
    "waterfall": XL_CHART_TYPE.COLUMN_STACKED,
    "scatter": XL_CHART_TYPE.XY_SCATTER,
    "bubble": XL_CHART_TYPE.BUBBLE,
}
_STACKED = {"stacked_column", "stacked_bar", "stacked100_column", "stacked100_bar"}
_BARS = {"column", "bar"} | _STACKED
_ROUND = {"pie", "doughnut"}
MAX_LABELLED_POINTS = 40
COMMENTARY_SHARE = 0.32
COMMENTARY_GAP = int(Inches(0.35))
UNIT_HEIGHT = int(Inches(0.3))
DOUGHNUT_HOLE = 55  # per cent of the diameter
MAX_KEY_ROWS = 8
KEY_ROW = (int(Inches(0.34)), int(Inches(0.6)))  # a key row's least and largest height
KEY_WIDTH = (int(Inches(2.6)), int(Inches(5.2)))
ROUND_GROUP_SHARE = 0.8  # a round chart and its key span this share of their area's width
EMU_PER_PT = 12700


@register("chart")
def build_chart(ctx: SlideContext, slide) -> None:
    """The takeaway band at the foot, commentary points on the right, the chart (with its
    unit line, and a key beside a round one) in what is left.  The points grow up to the
    design's largest body size and spread down their column, as on a text-led slide."""
    design, canvas = ctx.design, ctx.canvas
    area = draw_takeaway(ctx, slide.takeaway, ctx.body)
    if slide.points:
        width = int(area.width * (1 - COMMENTARY_SHARE))
        area, notes = area.take_left(width, COMMENTARY_GAP)
        canvas.text(notes, bullets(slide.points), field="points", size=design.type.body,
                    min_size=design.type.body_min, spread=True, name="Commentary")
    spec = slide.chart
    if spec.unit:
        unit_box, area = area.take_top(UNIT_HEIGHT)
        unit = f"（{spec.unit}）" if ctx.lang == "ja" else f"({spec.unit})"
        canvas.text(unit_box, unit, field="chart.unit", size=design.type.label,
                    min_size=design.type.label_min, color=design.palette.muted, name="Unit")
    keyed = False
    if spec.type in _ROUND:
        area, keyed = _round_chart_and_key(ctx, spec, area)
    draw_chart(ctx, spec, area, keyed=keyed)


def draw_chart(ctx: SlideContext, spec, box: Box, *, keyed: bool = False):
    """Add the native chart for `spec` in `box`; returns the python-pptx chart.

    `keyed`: a round chart's names and values are in a key beside it (its segments then
    show their shares only)."""
    if spec.type == "waterfall":
        data, colors = _waterfall_data(ctx, spec)
    elif spec.type in ("scatter", "bubble"):
        data, colors = _xy_data(spec), None
    else:
        data, colors = _category_data(spec), None
    frame = ctx.slide.shapes.add_chart(_TYPES[spec.type], *box.to_json(), data)
    frame.name = f"Chart ({spec.type})"
    chart = frame.chart
    chart.has_title = False  # the action title says what the chart shows
    _style_common(ctx, chart, spec, keyed=keyed)
    if spec.type == "waterfall":
        _style_waterfall(ctx, chart, colors, box)
    elif spec.type in _ROUND:
        _style_round(ctx, chart, spec, box, keyed=keyed)
    elif spec.type in ("scatter", "bubble"):
        _style_xy(ctx, chart, spec)
    else:
        _style_category(ctx, chart, spec, box)
    return chart


# -- colours and label geometry ---------------------------------------------------------------
def _series_colors(ctx: SlideContext, count: int) -> list[str]:
    """One plain series: the neutral colour; several: the theme accents in order."""
    palette = ctx.design.palette
    if count == 1:
        return [palette.neutral]
    return [palette.accents[index % len(palette.accents)] for index in range(count)]


def label_color(ctx: SlideContext, *behind: str) -> str:
    """The text colour of a label over `behind` (one fill, or all it may overlap): the
    design's dark or light text when it reads at 4.5:1 on all, else the best of the
    design's and pure black and white."""
    first = ctx.canvas.text_color_on(behind[0])
    if all(colours.contrast_ratio(first, b) >= colours.WCAG_BODY for b in behind):
        return first
    return ctx.canvas.text_color_on_all(*behind)


def label_color_near(ctx: SlideContext, fill: str, *near: str) -> str:
    """A label on `fill` that may touch `near` colours too: the colour that reads on all of
    them at 3:1 when one does, else the one that reads on `fill` (where most of it is)."""
    color = label_color(ctx, fill, *near)
    if all(colours.contrast_ratio(color, c) >= 3.0 for c in (fill, *near)):
        return color
    return label_color(ctx, fill)


def _text_size(text: str, size_pt: float) -> tuple[int, int]:
    """Rough width and height (EMU) of a one-line label: enough to say whether it fits."""
    wide = sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in text)
    return int(wide * size_pt * EMU_PER_PT), int(1.25 * size_pt * EMU_PER_PT)


# -- data -----------------------------------------------------------------------------------------
def _number_format(spec, values) -> str:
    if spec.number_format:
        return spec.number_format
    present = [v for v in values if v is not None]
    integers = all(float(v).is_integer() for v in present)
    return "#,##0" if integers else "#,##0.0"


def _category_data(spec) -> StableCategoryChartData:
    values = [v for series in spec.series for v in series.values]
    data = StableCategoryChartData(number_format=_number_format(spec, values))
    data.categories = spec.categories
    for series in spec.series:
        data.add_series(series.name, series.values)
    return data


def _xy_data(spec):
    data = StableBubbleChartData() if spec.type == "bubble" else StableXyChartData()
    groups: dict[str, object] = {}
    for point in spec.points:
        name = point.series or spec.y_title or "Data"
        if name not in groups:
            groups[name] = data.add_series(name)
        if spec.type == "bubble":
            groups[name].add_data_point(point.x, point.y, point.size)
        else:
            groups[name].add_data_point(point.x, point.y)
    return data


def _waterfall_steps(spec) -> list[tuple[float, float, str]]:
    """(low, high, role) per category: role is 'increase', 'decrease' or 'total'."""
    steps, running = [], 0.0
    values = spec.series[0].values
    for index, value in enumerate(values):
        if index in spec.totals:
            running = value
            steps.append((min(0.0, value), max(0.0, value), "total"))
            continue
        start, running = running, running + value
        steps.append((min(start, running), max(start, running),
                      "increase" if value >= 0 else "decrease"))
    return steps


def _waterfall_data(ctx: SlideContext, spec):
    """Invisible bases plus one visible series per role and sign (stacks split at zero)."""
    steps = _waterfall_steps(spec)
    palette = ctx.design.palette
    roles = {"increase": palette.positive, "decrease": palette.negative, "total": palette.neutral}
    columns = {"base": [], "neg_base": []}
    for role in roles:
        columns[role], columns[f"{role}_neg"] = [], []
    for low, high, role in steps:
        positive_base = max(low, 0.0)
        positive = max(high, 0.0) - positive_base
        negative_base = min(high, 0.0)
        negative = min(low, 0.0) - negative_base
        for name in columns:
            columns[name].append(0.0)
        columns["base"][-1] = positive_base
        columns["neg_base"][-1] = negative_base
        columns[role][-1] = positive
        columns[f"{role}_neg"][-1] = negative
    data = StableCategoryChartData(number_format=_number_format(spec, spec.series[0].values))
    data.categories = spec.categories
    colors = []
    for name, values in columns.items():
        if name not in ("base", "neg_base") and not any(values):
            continue
        data.add_series(name, values)
        colors.append((name, roles.get(name.removesuffix("_neg"))))
    return data, (colors, steps)


# -- styling -------------------------------------------------------------------------------------
def _style_common(ctx: SlideContext, chart, spec, *, keyed: bool = False) -> None:
    design = ctx.design
    xml.set_chart_text(chart, latin=design.fonts.latin_minor, ea=design.fonts.ea_minor,
                       size=design.type.label, color=label_color(ctx, design.palette.background),
                       lang="ja-JP" if ctx.lang == "ja" else "en-US")
    several = (len(spec.series) > 1 if spec.type not in ("scatter", "bubble")
               else len({p.series for p in spec.points}) > 1)
    show_legend = spec.legend if spec.legend is not None else several
    if spec.type in ("pie", "doughnut", "waterfall"):
        show_legend = bool(spec.legend) and not keyed
    chart.has_legend = bool(show_legend) and design.chart.legend_position != "none"
    if chart.has_legend:
        chart.legend.position = {"right": XL_LEGEND_POSITION.RIGHT,
                                 "top": XL_LEGEND_POSITION.TOP}.get(
            design.chart.legend_position, XL_LEGEND_POSITION.BOTTOM)
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(design.type.label)


def _markers(ctx: SlideContext, series, color: str, size: int) -> None:
    """Solid round markers in `color` with no outline."""
    series.marker.style = XL_MARKER_STYLE.CIRCLE
    series.marker.size = size
    series.marker.format.fill.solid()
    ctx.canvas.paint(series.marker.format.fill.fore_color, color)
    series.marker.format.line.fill.background()


def _paint_series(ctx: SlideContext, chart, line: bool = False) -> list[str]:
    """Each series in its colour (see `_series_colors`); the colours, in series order."""
    plot_series = list(chart.plots[0].series)
    fills = _series_colors(ctx, len(plot_series))
    for series, color in zip(plot_series, fills):
        if line:
            series.format.line.width = Pt(2.25)
            ctx.canvas.paint(series.format.line.color, color)
            series.smooth = False
            _markers(ctx, series, color, 5)
        else:
            series.format.fill.solid()
            ctx.canvas.paint(series.format.fill.fore_color, color)
            series.format.line.fill.background()
    return fills


def _labelled(spec) -> bool:
    if not spec.data_labels:
        return False
    count = len(spec.categories) * max(len(spec.series), 1)
    limit = 12 if spec.type == "line" else MAX_LABELLED_POINTS
    return count <= limit and len(spec.categories) <= (12 if spec.type == "line" else 20)


def _style_category(ctx: SlideContext, chart, spec, box: Box) -> None:
    design = ctx.design
    plot = chart.plots[0]
    fills = _paint_series(ctx, chart, line=spec.type == "line")
    if spec.type in _BARS:
        plot.gap_width = design.chart.gap_width
        if spec.type in _STACKED:
            plot.overlap = 100
    labelled = _labelled(spec)
    if labelled:
        _add_labels(ctx, chart, spec, fills, box)
    _style_axes(ctx, chart, spec, hide_values=labelled and spec.type in _BARS)


def _add_labels(ctx: SlideContext, chart, spec, fills: list[str], box: Box) -> None:
    """Values on the bars: inside a stack's pieces in the colour that reads on the piece
    (left off a piece too small to hold it), outside a bar or above a line point in the
    colour that reads on the background."""
    design = ctx.design
    stacked = spec.type in _STACKED
    size = design.type.label  # thin strokes of a smaller size blur on a coloured fill
    on_background = label_color(ctx, design.palette.background)
    for index, series in enumerate(chart.plots[0].series):
        labels = series.data_labels
        labels.show_value = True
        number_format = _number_format(spec, spec.series[index].values)
        labels.number_format = number_format
        labels.number_format_is_linked = False
        labels.font.size = Pt(size)
        if spec.type == "line":
            labels.position = XL_LABEL_POSITION.ABOVE
            color = on_background
        elif stacked:
            labels.position = XL_LABEL_POSITION.CENTER
            labels.font.bold = True  # on a coloured fill: strokes that hold their colour
            color = label_color(ctx, fills[index])
        else:
            labels.position = XL_LABEL_POSITION.OUTSIDE_END
            color = on_background
        ctx.canvas.paint(labels.font.color, color)
    if stacked:
        _fit_stack_labels(ctx, chart, spec, fills, box, size)


def _fit_stack_labels(ctx: SlideContext, chart, spec, fills: list[str], box: Box,
                      size_pt: float) -> None:
    """A piece too small for its label loses it; a piece that just holds it has its label
    in the colour that reads on the piece and on what it may touch (the pieces above and
    below, the background beyond the stack's ends or its sides)."""
    background = ctx.design.palette.background
    plot_series = chart.plots[0].series
    for (series_index, point_index), fit in _stack_fits(spec, box, size_pt,
                                                        ctx.design.chart.gap_width).items():
        label = plot_series[series_index].points[point_index].data_label
        if fit == "none":
            xml.hide_point_label(label)
            continue
        behind = [fills[series_index], *_stack_neighbours(spec, fills, series_index,
                                                          point_index, background)]
        if fit == "narrow":
            behind.append(background)
        label.font.size = Pt(size_pt)
        label.font.bold = True
        label.position = XL_LABEL_POSITION.CENTER
        ctx.canvas.paint(label.font.color, label_color_near(ctx, *behind))
        xml.set_point_label_fields(label, value=True, percent=False,
                                   number_format=_number_format(spec, spec.series[series_index]
                                                                .values))


def _stack_neighbours(spec, fills: list[str], series_index: int, point_index: int,
                      background: str) -> list[str]:
    """The fills just below and above a stack piece (the background past either end)."""
    def shown(index: int) -> bool:
        values = spec.series[index].values
        return point_index < len(values) and bool(values[point_index])

    below = next((fills[i] for i in range(series_index - 1, -1, -1) if shown(i)), background)
    above = next((fills[i] for i in range(series_index + 1, len(spec.series)) if shown(i)),
                 background)
    return [below, above]


def _stack_fits(spec, box: Box, size_pt: float, gap_width: int) -> dict[tuple[int, int], str]:
    """(series, category) -> 'none' (its value label does not fit inside the piece), 'tight'
    (it just fits along the bar) or 'narrow' (it fits along but not across: it overhangs the
    bar's sides), for the pieces whose label is not plainly inside; from the frame's size
    (the plot takes about 80 % of it) and the axis' largest value."""
    horizontal = spec.type.endswith("bar")
    along, across = (box.width, box.height) if horizontal else (box.height, box.width)
    along, across = along * 0.8, across * 0.9
    count = max(len(spec.categories), 1)
    thickness = across / count / (1 + gap_width / 100)
    share = spec.type.startswith("stacked100")
    totals = [sum(abs(s.values[i] or 0) for s in spec.series if i < len(s.values))
              for i in range(count)]
    axis_max = 1.0 if share else max(totals, default=1) * 1.1 or 1.0
    fits = {}
    for series_index, series in enumerate(spec.series):
        for point_index, value in enumerate(series.values):
            if value is None or point_index >= count:
                continue
            part = abs(value) / (totals[point_index] or 1) if share else abs(value)
            length = part / axis_max * along
            width, height = _text_size(_format_number(value), size_pt)
            need_along, need_across = (width, height) if horizontal else (height, width)
            if length < need_along * 1.1 or thickness < need_across * 0.8:
                fits[(series_index, point_index)] = "none"
            elif length < need_along * 1.8:
                fits[(series_index, point_index)] = "tight"
            elif thickness < need_across * 1.1:
                fits[(series_index, point_index)] = "narrow"
    return fits


def _style_axes(ctx: SlideContext, chart, spec, *, hide_values: bool) -> None:
    design = ctx.design
    category, value = chart.category_axis, chart.value_axis
    for axis in (category, value):
        axis.has_major_gridlines = False
        axis.has_minor_gridlines = False
        axis.format.line.width = Pt(0.75)
        ctx.canvas.paint(axis.format.line.color, design.palette.rule)
        axis.tick_labels.font.size = Pt(design.type.label)
        ctx.canvas.paint(axis.tick_labels.font.color, design.palette.muted)
        axis.major_tick_mark = XL_TICK_MARK.NONE
    value.has_major_gridlines = design.chart.gridlines
    if hide_values:
        value.visible = False
    if spec.type.endswith("bar"):
        category.reverse_order = True  # first category on top, as read
    if spec.type.startswith("stacked100"):
        value.tick_labels.number_format = "0%"
        value.tick_labels.number_format_is_linked = False
    skip = math.ceil(len(spec.categories) / 12)
    if skip > 1:
        xml.set_tick_label_skip(category, skip)
    _axis_titles(ctx, category, value, spec)


def _axis_titles(ctx: SlideContext, x_axis, y_axis, spec) -> None:
    design = ctx.design
    for axis, title in ((x_axis, spec.x_title), (y_axis, spec.y_title)):
        if not title:
            continue
        axis.has_title = True
        frame = axis.axis_title.text_frame
        frame.text = title
        run = frame.paragraphs[0].runs[0]
        ctx.canvas.style_run(run, size=design.type.label, bold=False, color=design.palette.muted)


# -- pie and doughnut ----------------------------------------------------------------------------
def _round_chart_and_key(ctx: SlideContext, spec, area: Box) -> tuple[Box, bool]:
    """A round chart's square at the left and its key beside it, the two centred together
    across `area`; the chart's box and whether a key was drawn (not when there are too
    many categories for one, or a name does not fit)."""
    count = len(spec.categories)
    if count > MAX_KEY_ROWS or not spec.series:
        return area, False
    gap = 2 * ctx.design.gutter
    side = min(area.height, int(area.width * 0.55))
    key_width = int(area.width * ROUND_GROUP_SHARE) - side - gap
    key_width = max(KEY_WIDTH[0], min(KEY_WIDTH[1], key_width, area.width - side - gap))
    if side + gap + key_width > area.width:
        return area, False
    left = area.left + (area.width - side - gap - key_width) // 2
    chart_box = Box(left, area.top, side, area.height)
    key_box = Box(left + side + gap, area.top, key_width, area.height)
    try:
        _draw_key(ctx, spec, key_box)
    except Overflow:
        return area, False
    return chart_box, True


def _draw_key(ctx: SlideContext, spec, box: Box) -> None:
    """One row per category: its colour, its name, its value on the right, a hairline
    under it; rows of one height, centred down `box`, names in one size."""
    design, canvas = ctx.design, ctx.canvas
    values = spec.series[0].values
    count = len(spec.categories)
    row = max(KEY_ROW[0], min(KEY_ROW[1], box.height // count))
    top = box.top + (box.height - row * count) // 2
    swatch = min(int(row * 0.45), int(Inches(0.22)))
    value_width = int(box.width * 0.28)
    name_width = box.width - swatch - int(Inches(0.12)) - value_width
    rows = [Box(box.left, top + index * row, box.width, row) for index in range(count)]
    names = [canvas.paragraphs(str(name)) for name in spec.categories]
    size = min(canvas.fit(Box(0, 0, name_width, row), paragraphs, field=f"chart.categories[{i}]",
                          size=design.type.body, min_size=design.type.label_min).size_pt
               for i, paragraphs in enumerate(names))
    accents = design.palette.accents
    for index, (line, name) in enumerate(zip(rows, spec.categories)):
        canvas.rect(Box(line.left, line.top + (row - swatch) // 2, swatch, swatch),
                    fill=accents[index % len(accents)], name=f"Key {index + 1} Swatch")
        name_box = Box(line.left + swatch + int(Inches(0.12)), line.top, name_width, row)
        canvas.text(name_box, str(name), field=f"chart.categories[{index}]", size=size,
                    anchor="ctr", name=f"Key {index + 1} Name")
        value = values[index] if index < len(values) else None
        canvas.text(Box(line.right - value_width, line.top, value_width, row),
                    "" if value is None else _format_number(value), field="chart.series",
                    size=size, bold=True, align="r", anchor="ctr",
                    name=f"Key {index + 1} Value")
        canvas.line(line.left, line.bottom, line.right, line.bottom, color=design.palette.rule,
                    name=f"Key {index + 1} Rule")


def _style_round(ctx: SlideContext, chart, spec, box: Box, *, keyed: bool) -> None:
    """Segments in the accents in order, parted by background-coloured lines; labels on
    each segment in the colour that reads on it, or outside (a pie) or left off (a
    doughnut) where a segment is too small."""
    design = ctx.design
    accents = design.palette.accents
    plot = chart.plots[0]
    plot.vary_by_categories = True
    fills = [accents[index % len(accents)] for index in range(len(spec.categories))]
    for series in plot.series:
        for index, fill in enumerate(fills):
            point = series.points[index]
            point.format.fill.solid()
            ctx.canvas.paint(point.format.fill.fore_color, fill)
            point.format.line.color.rgb = _rgb(design.palette.background)
    doughnut = spec.type == "doughnut"
    if doughnut:
        xml.set_doughnut_hole(chart, DOUGHNUT_HOLE)
    if not spec.data_labels or not spec.series:
        return
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.font.size = Pt(design.type.label)
    number_format = _number_format(spec, spec.series[0].values)
    labels.show_category_name = not keyed
    labels.show_value = not keyed
    labels.show_percentage = keyed
    labels.number_format = "0%" if keyed else number_format
    labels.number_format_is_linked = False
    xml.set_label_separator(labels, "\n")
    texts = _round_label_texts(spec, keyed)
    outside = _round_labels_outside(spec, box, texts, design.type.label)
    if not doughnut and any(outside):
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
    xml.set_plot_manual_layout(chart, *_round_plot(box, margin=0.16 if any(outside) else 0.03))
    on_background = label_color(ctx, design.palette.background)
    for series in plot.series:
        for index, fill in enumerate(fills):
            label = series.points[index].data_label
            if outside[index] and doughnut:
                xml.hide_point_label(label)
                continue
            label.font.size = Pt(design.type.label)
            label.font.bold = not outside[index]
            label.position = (XL_LABEL_POSITION.OUTSIDE_END if outside[index]
                              else XL_LABEL_POSITION.CENTER) if not doughnut else None
            ctx.canvas.paint(label.font.color,
                             on_background if outside[index] else label_color(ctx, fill))
            if keyed:
                xml.set_point_label_fields(label, number_format="0%", value=False, percent=True)
            else:
                xml.set_point_label_content(label, number_format=number_format,
                                            category=True, separator="\n")


def _round_label_texts(spec, keyed: bool) -> list[str]:
    """What each segment's label will read: its share (the key holds names and values),
    else its name over its value."""
    values = [max(v or 0, 0) for v in spec.series[0].values]
    total = sum(values) or 1
    if keyed:
        return [f"{round(100 * v / total)}%" for v in values]
    return [max(str(name), _format_number(v), key=len) for name, v in zip(spec.categories, values)]


def _round_labels_outside(spec, box: Box, texts: list[str], size_pt: float) -> list[bool]:
    """Per segment: whether its label does not fit inside it (a pie's at half its radius,
    a doughnut's in the middle of its ring)."""
    values = [max(v or 0, 0) for v in spec.series[0].values]
    total = sum(values) or 1
    radius = min(box.width, box.height) * 0.42
    doughnut = spec.type == "doughnut"
    middle = radius * (1 + DOUGHNUT_HOLE / 100) / 2 if doughnut else radius * 0.6
    room = radius * (1 - DOUGHNUT_HOLE / 100) if doughnut else radius
    lines = 1 if "%" in (texts[0] if texts else "") else 2
    out = []
    for value, text in zip(values, texts):
        share = value / total
        chord = 2 * middle * math.sin(math.pi * min(share, 0.5))
        width, height = _text_size(text, size_pt)
        out.append(chord < width * 1.15 or room < height * lines * 1.1)
    return out


def _round_plot(box: Box, margin: float) -> tuple[float, float, float, float]:
    """The plot area as fractions of the frame: the largest centred square, less `margin`
    of its side on each side (room for labels outside)."""
    side = min(box.width, box.height) * (1 - 2 * margin)
    w, h = side / box.width, side / box.height
    return round((1 - w) / 2, 4), round((1 - h) / 2, 4), round(w, 4), round(h, 4)


def _rgb(hex_color: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_color)


def _style_xy(ctx: SlideContext, chart, spec) -> None:
    plot = chart.plots[0]
    points_by_series: dict[str, list] = {}
    for point in spec.points:
        points_by_series.setdefault(point.series or spec.y_title or "Data", []).append(point)
    fills = _series_colors(ctx, len(points_by_series))
    for series, points, color in zip(plot.series, points_by_series.values(), fills):
        if spec.type == "scatter":
            series.format.line.fill.background()
            _markers(ctx, series, color, 8)
        else:
            series.format.fill.solid()
            ctx.canvas.paint(series.format.fill.fore_color, color)
            xml.set_fill_alpha(series.format.fill, 75)
        _point_labels(ctx, series, points)
    if spec.type == "bubble":
        xml.set_bubble_scale(chart, 70)
    _style_xy_axes(ctx, chart, spec)


def _point_labels(ctx: SlideContext, series, points) -> None:
    """Each labelled point shows its label (custom text), nothing else: right of its
    marker or bubble, on the background, in the colour that reads there."""
    design = ctx.design
    if len(points) > MAX_LABELLED_POINTS:
        return
    color = label_color(ctx, design.palette.background)
    for index, point in enumerate(points):
        if not point.label:
            continue
        label = series.points[index].data_label
        label.position = XL_LABEL_POSITION.RIGHT
        frame = label.text_frame
        frame.text = point.label
        ctx.canvas.style_run(frame.paragraphs[0].runs[0], size=design.type.label_min,
                             bold=False, color=color)


def _style_xy_axes(ctx: SlideContext, chart, spec) -> None:
    design = ctx.design
    for axis in (chart.category_axis, chart.value_axis):
        axis.has_major_gridlines = design.chart.gridlines
        axis.format.line.width = Pt(0.75)
        ctx.canvas.paint(axis.format.line.color, design.palette.rule)
        axis.tick_labels.font.size = Pt(design.type.label)
        ctx.canvas.paint(axis.tick_labels.font.color, design.palette.muted)
        axis.major_tick_mark = XL_TICK_MARK.OUTSIDE
        axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    _axis_titles(ctx, chart.category_axis, chart.value_axis, spec)


def _style_waterfall(ctx: SlideContext, chart, colors, box: Box) -> None:
    design = ctx.design
    series_colors, steps = colors
    plot = chart.plots[0]
    plot.gap_width = design.chart.gap_width
    plot.overlap = 100
    for series, (name, color) in zip(plot.series, series_colors):
        if color is None:  # an invisible base
            series.format.fill.background()
            series.format.line.fill.background()
            continue
        series.format.fill.solid()
        ctx.canvas.paint(series.format.fill.fore_color, color)
        series.format.line.fill.background()
    _waterfall_labels(ctx, chart, series_colors, steps, box)
    _style_axes_waterfall(ctx, chart)


def _waterfall_labels(ctx: SlideContext, chart, series_colors, steps, box: Box) -> None:
    """One label per bar, on its visible part: '+3', '−2' or the total, in the colour that
    reads on the bar's fill; a step too short to hold it overflows onto the background, so
    its label reads on both."""
    design = ctx.design
    palette = design.palette
    series_by_name = {name: series for series, (name, _c) in zip(chart.plots[0].series,
                                                                 series_colors)}
    lows = [min(low, 0.0) for low, _h, _r in steps]
    highs = [max(high, 0.0) for _l, high, _r in steps]
    span = (max(highs, default=1) - min(lows, default=0)) or 1.0
    plot_height = box.height * 0.85
    for index, (low, high, role) in enumerate(steps):
        target = series_by_name.get(role) if high > 0 else None
        target = target or series_by_name.get(f"{role}_neg")
        if target is None:
            continue
        if role == "total":
            text = _format_number(high if high > 0 else low)
        else:
            sign = "+" if role == "increase" else "−"
            text = sign + _format_number(high - low)
        label = target.points[index].data_label
        label.position = XL_LABEL_POSITION.INSIDE_END if role == "total" else XL_LABEL_POSITION.CENTER
        frame = label.text_frame
        frame.text = text
        fill = {"total": palette.neutral, "increase": palette.positive,
                "decrease": palette.negative}[role]
        visible = (min(high, 0.0) - min(low, 0.0) if high <= 0 else
                   high - max(low, 0.0)) / span * plot_height
        _w, needed = _text_size(text, design.type.label)
        behind = (fill,) if visible >= needed * 1.15 else (fill, palette.background)
        ctx.canvas.style_run(frame.paragraphs[0].runs[0], size=design.type.label, bold=True,
                             color=label_color_near(ctx, *behind))


def _format_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _style_axes_waterfall(ctx: SlideContext, chart) -> None:
    design = ctx.design
    category, value = chart.category_axis, chart.value_axis
    category.format.line.width = Pt(0.75)
    ctx.canvas.paint(category.format.line.color, design.palette.rule)
    category.tick_labels.font.size = Pt(design.type.label)
    ctx.canvas.paint(category.tick_labels.font.color, design.palette.muted)
    category.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    category.major_tick_mark = XL_TICK_MARK.NONE
    value.visible = False
    value.has_major_gridlines = False
