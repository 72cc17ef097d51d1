"""A native PowerPoint chart read back into a ChartSpec dict (its numbers, not a picture).

Returns None for a chart it cannot read faithfully (the caller then carries the
chart over as a picture of its region and lists it).
"""

from __future__ import annotations

from generator.ooxml import (chart_series, series_categories, series_name, series_numbers,
                              series_point_labels, value_axis_crossings)
from generator.spec import MAX_CATEGORIES, MAX_SERIES, ChartSpec

# python-pptx XL_CHART_TYPE names -> our chart types, by prefix (longest first)
_TYPES = (
    ("COLUMN_STACKED_100", "stacked100_column"), ("COLUMN_STACKED", "stacked_column"),
    ("THREE_D_COLUMN_STACKED_100", "stacked100_column"),
    ("THREE_D_COLUMN_STACKED", "stacked_column"),
    ("BAR_STACKED_100", "stacked100_bar"), ("BAR_STACKED", "stacked_bar"),
    ("THREE_D_BAR_STACKED_100", "stacked100_bar"), ("THREE_D_BAR_STACKED", "stacked_bar"),
    ("COLUMN", "column"), ("THREE_D_COLUMN", "column"), ("CYLINDER", "column"),
    ("CONE", "column"), ("PYRAMID", "column"),
    ("BAR", "bar"), ("THREE_D_BAR", "bar"),
    ("LINE", "line"), ("THREE_D_LINE", "line"), ("AREA", "line"), ("THREE_D_AREA", "line"),
    ("RADAR", "line"), ("STOCK", "line"), ("SURFACE", "line"),
    ("PIE", "pie"), ("THREE_D_PIE", "pie"), ("BAR_OF_PIE", "pie"),
    ("DOUGHNUT", "doughnut"),
    ("XY_SCATTER", "scatter"), ("BUBBLE", "bubble"), ("THREE_D_BUBBLE", "bubble"),
)


def chart_type(chart) -> str | None:
    """Our chart type for a python-pptx chart (None when it is not one we draw)."""
    try:
        name = chart.chart_type.name if chart.chart_type is not None else ""
    except (KeyError, ValueError, AttributeError, NotImplementedError):
        return None
    for prefix, ours in sorted(_TYPES, key=lambda t: -len(t[0])):
        if name == prefix or name.startswith(prefix + "_") or name.startswith(prefix):
            return ours
    return None


def read_chart(chart) -> dict | None:
    """The chart as a ChartSpec dict, validated; None when it cannot be read faithfully."""
    kind = chart_type(chart)
    if kind is None:
        return None
    try:
        data = _xy(chart, kind) if kind in ("scatter", "bubble") else _categories(chart, kind)
        if data is None:
            return None
        data.update(_titles(chart))
        ChartSpec.model_validate(data)
    except Exception:  # any chart python-pptx or our schema cannot take: a picture instead
        return None
    return data


def _categories(chart, kind: str) -> dict | None:
    """Categories and series from the chart's cached data (every plot of a combination
    chart; read from the XML, as python-pptx cannot read some plots, e.g. 3-D area)."""
    categories: list[str] = []
    series = []
    for element in chart_series(chart):
        if not categories:
            categories = series_categories(element)
        values = series_numbers(element, "val")
        series.append({"name": _xml_series_name(element, len(series)), "values": values})
    if not series or len(series) > MAX_SERIES:
        return None
    width = max(len(categories), *(len(s["values"]) for s in series))
    categories += [""] * (width - len(categories))
    for s in series:
        s["values"] += [None] * (width - len(s["values"]))
    waterfall = _waterfall(categories, series)
    if waterfall is not None:
        return waterfall
    series = [s for s in series if any(v is not None for v in s["values"])]
    if not series:
        return None
    kind = _fitting_kind(kind, series, width)
    return {"type": kind, "categories": categories, "series": series}


_WATERFALL_PARTS = {"base", "neg_base", "increase", "increase_neg", "decrease", "decrease_neg",
                    "total", "total_neg"}


def _waterfall(categories: list[str], series: list[dict]) -> dict | None:
    """A waterfall this renderer drew (stacked columns on invisible bases, one series per
    role and sign) back as its steps and totals."""
    parts = {s["name"]: [v or 0.0 for v in s["values"]] for s in series}
    if not ({"base", "neg_base"} <= set(parts) <= _WATERFALL_PARTS) or len(parts) != len(series):
        return None
    zero = [0.0] * len(categories)

    def part(name: str) -> list[float]:
        return parts.get(name, zero)

    steps, totals = [], []
    for i in range(len(categories)):
        total = part("total")[i] + part("total_neg")[i]
        if total:
            steps.append(total)
            totals.append(i)
        elif part("decrease")[i] or part("decrease_neg")[i]:
            steps.append(-(part("decrease")[i] - part("decrease_neg")[i]))
        else:
            steps.append(part("increase")[i] - part("increase_neg")[i])
    chart = {"type": "waterfall", "categories": categories,
             "series": [{"name": "Value", "values": steps}]}
    if totals:
        chart["totals"] = totals
    return chart


def _xml_series_name(element, index: int) -> str:
    return series_name(element)[:200] or f"Series {index + 1}"


def _fitting_kind(kind: str, series: list[dict], width: int) -> str:
    """A type that can carry the numbers when the original cannot (the numbers come first)."""
    negative = any(v is not None and v < 0 for s in series for v in s["values"])
    if kind == "pie" and len(series) > 1 and not negative:
        kind = "doughnut"
    if kind in ("pie", "doughnut") and (negative or width > MAX_CATEGORIES[kind]):
        kind = "column"
    if width > MAX_CATEGORIES[kind]:
        kind = "line"
    return kind


def _xy(chart, kind: str) -> dict | None:
    points = []
    for index, element in enumerate(chart_series(chart)):
        xs, ys = series_numbers(element, "xVal"), series_numbers(element, "yVal")
        sizes = series_numbers(element, "bubbleSize") if kind == "bubble" else []
        if not xs:  # x values as text or missing: PowerPoint numbers the points 1..n
            xs = [float(i + 1) for i in range(len(ys))]
        name = _xml_series_name(element, index)
        labels = series_point_labels(element)
        for i, (x, y) in enumerate(zip(xs, ys)):
            if x is None or y is None:
                continue
            point = {"x": x, "y": y, "series": name}
            if labels.get(i):
                point["label"] = labels[i]
            if kind == "bubble":
                size = sizes[i] if i < len(sizes) else None
                if size is None or size < 0:
                    return None
                point["size"] = size
            points.append(point)
    if not points:
        return None
    titles = _titles(chart)
    if len({p["series"] for p in points}) == 1 and points[0]["series"] in (
            titles.get("y_title"), "Data"):  # one unnamed series: named after the axis
        for point in points:
            point.pop("series")
    return {"type": kind, "points": points}


def read_growth_share(chart, quadrant_labels: list[str]) -> dict | None:
    """A growth-share matrix this renderer drew (a bubble chart: relative share, growth,
    revenue; its thresholds where the axes cross) back as its items."""
    data = _xy(chart, "bubble")
    if data is None or any(not p.get("label") for p in data["points"]):
        return None
    slide = {"kind": "growth_share", "items": [
        {"name": p["label"], "market_growth": p["y"], "relative_share": p["x"],
         "revenue": p["size"]} for p in data["points"]]}
    crossings = value_axis_crossings(chart)
    if len(crossings) == 2:
        slide["growth_threshold"], slide["share_threshold"] = (float(crossings[0]),
                                                               float(crossings[1]))
    if len(quadrant_labels) == 4:
        slide["quadrant_labels"] = quadrant_labels
    return slide


def _titles(chart) -> dict:
    titles = {}
    for key, getter in (("x_title", "category_axis"), ("y_title", "value_axis")):
        try:
            axis = getattr(chart, getter)
            if axis.has_title and axis.axis_title.has_text_frame:
                text = " ".join(axis.axis_title.text_frame.text.split())
                if text:
                    titles[key] = text[:200]
        except (ValueError, AttributeError, NotImplementedError, KeyError):
            continue
    return titles
