"""Native, editable PowerPoint charts for the `chart` kind.

Column, bar, stacked and 100 % stacked, line, pie, doughnut, scatter and
bubble map onto PowerPoint's own chart types; the waterfall is a stacked
column chart whose base series is invisible.  Styling follows consulting
practice: theme accents in order, data labels instead of a value axis where
every bar is labelled, no gridlines or 3-D, a legend only for several series,
the unit above the plot.
"""

from __future__ import annotations

import math

from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.chart import XL_MARKER_STYLE, XL_TICK_LABEL_POSITION, XL_TICK_MARK
from pptx.util import Inches, Pt

from generator.design import Box
from generator.render import xml
from generator.render.canvas import bullets
from generator.render.chartdata import StableBubbleChartData, StableCategoryChartData, StableXyChartData
from generator.render.deck import SlideContext
from generator.render.registry import register

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
MAX_LABELLED_POINTS = 40
COMMENTARY_SHARE = 0.32


@register("chart")
def build_chart(ctx: SlideContext, slide) -> None:
    """The chart (with its unit line) and, if given, commentary points to its right."""
    design, canvas = ctx.design, ctx.canvas
    area = ctx.body
    if slide.points:
        width = int(area.width * (1 - COMMENTARY_SHARE))
        area, notes = area.take_left(width, int(Inches(0.35)))
        canvas.text(notes, bullets(slide.points), field="points", size=design.type.body,
                    min_size=design.type.body_min, name="Commentary")
    spec = slide.chart
    if spec.unit:
        unit_box, area = area.take_top(int(Inches(0.3)))
        unit = f"（{spec.unit}）" if ctx.lang == "ja" else f"({spec.unit})"
        canvas.text(unit_box, unit, field="chart.unit", size=design.type.label,
                    min_size=design.type.label_min, color=design.palette.muted, name="Unit")
    draw_chart(ctx, spec, area)


def draw_chart(ctx: SlideContext, spec, box: Box):
    """Add the native chart for `spec` in `box`; returns the python-pptx chart."""
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
    _style_common(ctx, chart, spec)
    if spec.type == "waterfall":
        _style_waterfall(ctx, chart, colors)
    elif spec.type in ("pie", "doughnut"):
        _style_pie(ctx, chart, spec)
    elif spec.type in ("scatter", "bubble"):
        _style_xy(ctx, chart, spec)
    else:
        _style_category(ctx, chart, spec)
    return chart


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
def _style_common(ctx: SlideContext, chart, spec) -> None:
    design = ctx.design
    xml.set_chart_text(chart, latin=design.fonts.latin_minor, ea=design.fonts.ea_minor,
                       size=design.type.label, color=design.palette.text,
                       lang="ja-JP" if ctx.lang == "ja" else "en-US")
    several = (len(spec.series) > 1 if spec.type not in ("scatter", "bubble")
               else len({p.series for p in spec.points}) > 1)
    show_legend = spec.legend if spec.legend is not None else several
    if spec.type in ("pie", "doughnut", "waterfall"):
        show_legend = bool(spec.legend)
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


def _paint_series(ctx: SlideContext, chart, line: bool = False) -> None:
    accents = ctx.design.palette.accents
    for index, series in enumerate(chart.plots[0].series):
        color = accents[index % len(accents)]
        if line:
            series.format.line.width = Pt(2.25)
            ctx.canvas.paint(series.format.line.color, color)
            series.smooth = False
            _markers(ctx, series, color, 5)
        else:
            series.format.fill.solid()
            ctx.canvas.paint(series.format.fill.fore_color, color)
            series.format.line.fill.background()


def _labelled(spec) -> bool:
    if not spec.data_labels:
        return False
    count = len(spec.categories) * max(len(spec.series), 1)
    limit = 12 if spec.type == "line" else MAX_LABELLED_POINTS
    return count <= limit and len(spec.categories) <= (12 if spec.type == "line" else 20)


def _style_category(ctx: SlideContext, chart, spec) -> None:
    design = ctx.design
    plot = chart.plots[0]
    _paint_series(ctx, chart, line=spec.type == "line")
    if spec.type in _BARS:
        plot.gap_width = design.chart.gap_width
        if spec.type in _STACKED:
            plot.overlap = 100
    labelled = _labelled(spec)
    if labelled:
        _add_labels(ctx, chart, spec)
    _style_axes(ctx, chart, spec, hide_values=labelled and spec.type in _BARS)


def _add_labels(ctx: SlideContext, chart, spec) -> None:
    design = ctx.design
    stacked = spec.type in _STACKED
    accents = design.palette.accents
    for index, series in enumerate(chart.plots[0].series):
        labels = series.data_labels
        labels.show_value = True
        labels.number_format = _number_format(spec, spec.series[index].values)
        labels.number_format_is_linked = False
        labels.font.size = Pt(design.type.label_min if stacked else design.type.label)
        if spec.type == "line":
            labels.position = XL_LABEL_POSITION.ABOVE
            color = design.palette.text
        elif stacked:
            labels.position = XL_LABEL_POSITION.CENTER
            color = ctx.canvas.text_color_on(accents[index % len(accents)])
        else:
            labels.position = XL_LABEL_POSITION.OUTSIDE_END
            color = design.palette.text
        ctx.canvas.paint(labels.font.color, color)


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


def _style_pie(ctx: SlideContext, chart, spec) -> None:
    design = ctx.design
    accents = design.palette.accents
    plot = chart.plots[0]
    plot.vary_by_categories = True
    for series in plot.series:
        for index in range(len(spec.categories)):
            point = series.points[index]
            point.format.fill.solid()
            ctx.canvas.paint(point.format.fill.fore_color, accents[index % len(accents)])
            point.format.line.color.rgb = _rgb(design.palette.background)
    if spec.data_labels:
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.show_category_name = True
        labels.show_value = True
        labels.show_percentage = False
        labels.number_format = _number_format(spec, spec.series[0].values)
        labels.number_format_is_linked = False
        if spec.type == "pie":
            labels.position = XL_LABEL_POSITION.OUTSIDE_END
        labels.font.size = Pt(design.type.label)
        ctx.canvas.paint(labels.font.color, design.palette.text)
        xml.set_label_separator(labels, "\n")
    if spec.type == "doughnut":
        xml.set_doughnut_hole(chart, 55)
        if spec.data_labels:  # labels sit on their segments: each reads on its own fill
            _segment_label_colors(ctx, plot, spec, accents)


def _segment_label_colors(ctx: SlideContext, plot, spec, accents: list[str]) -> None:
    number_format = _number_format(spec, spec.series[0].values)
    for series in plot.series:
        for index in range(len(spec.categories)):
            label = series.points[index].data_label
            label.font.size = Pt(ctx.design.type.label)
            ctx.canvas.paint(label.font.color,
                             ctx.canvas.text_color_on(accents[index % len(accents)]))
            xml.set_point_label_content(label, number_format=number_format,
                                        category=True, separator="\n")


def _rgb(hex_color: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_color)


def _style_xy(ctx: SlideContext, chart, spec) -> None:
    design = ctx.design
    accents = design.palette.accents
    plot = chart.plots[0]
    points_by_series: dict[str, list] = {}
    for point in spec.points:
        points_by_series.setdefault(point.series or spec.y_title or "Data", []).append(point)
    for index, (series, points) in enumerate(zip(plot.series, points_by_series.values())):
        color = accents[index % len(accents)]
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
    """Each labelled point shows its label (custom text), nothing else."""
    design = ctx.design
    if len(points) > MAX_LABELLED_POINTS:
        return
    for index, point in enumerate(points):
        if not point.label:
            continue
        label = series.points[index].data_label
        label.position = XL_LABEL_POSITION.RIGHT
        frame = label.text_frame
        frame.text = point.label
        ctx.canvas.style_run(frame.paragraphs[0].runs[0], size=design.type.label_min,
                             bold=False, color=design.palette.text)


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


def _style_waterfall(ctx: SlideContext, chart, colors) -> None:
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
    _waterfall_labels(ctx, chart, series_colors, steps)
    _style_axes_waterfall(ctx, chart)


def _waterfall_labels(ctx: SlideContext, chart, series_colors, steps) -> None:
    """One label per bar, on its visible part: '+3', '−2' or the total."""
    design = ctx.design
    series_by_name = {name: series for series, (name, _c) in zip(chart.plots[0].series,
                                                                 series_colors)}
    values = [(high - low) for low, high, _ in steps]
    for index, (low, high, role) in enumerate(steps):
        target = series_by_name.get(role) if high > 0 else None
        target = target or series_by_name.get(f"{role}_neg")
        if target is None:
            continue
        if role == "total":
            text = _format_number(high if high > 0 else low)
        else:
            sign = "+" if role == "increase" else "−"
            text = sign + _format_number(values[index])
        label = target.points[index].data_label
        label.position = XL_LABEL_POSITION.INSIDE_END if role == "total" else XL_LABEL_POSITION.CENTER
        frame = label.text_frame
        frame.text = text
        fill = {"total": design.palette.neutral, "increase": design.palette.positive,
                "decrease": design.palette.negative}[role]
        ctx.canvas.style_run(frame.paragraphs[0].runs[0], size=design.type.label_min, bold=True,
                             color=ctx.canvas.text_color_on(fill))


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
