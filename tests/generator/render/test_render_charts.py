"""Native charts and matrices, read back from the chart XML of the written file."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from generator.errors import FitError
from generator.render import render_to_file
from generator.spec import load_spec

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
YEARS = ["2024", "2025", "2026"]


def chart_slide(chart, **extra):
    return {"kind": "chart", "title": "A chart that makes its point", "chart": chart,
            "source": "Team analysis", **extra}


def render(tmp_path, *slides, name="deck.pptx"):
    path = tmp_path / name
    render_to_file(load_spec({"title": "Charts", "slides": list(slides)}), path)
    return Presentation(str(path)), path


def the_chart(slide):
    return next(shape for shape in slide.shapes if shape.has_chart).chart


def series_values(chart):
    return {s.name: list(s.values) for s in chart.plots[0].series}


TYPES = {
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED, "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "stacked_column": XL_CHART_TYPE.COLUMN_STACKED, "stacked_bar": XL_CHART_TYPE.BAR_STACKED,
    "stacked100_column": XL_CHART_TYPE.COLUMN_STACKED_100,
    "stacked100_bar": XL_CHART_TYPE.BAR_STACKED_100, "line": XL_CHART_TYPE.LINE_MARKERS,
    "pie": XL_CHART_TYPE.PIE, "doughnut": XL_CHART_TYPE.DOUGHNUT,
}


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_category_charts_are_native_with_their_values(tmp_path, kind):
    series = [{"name": "Domestic", "values": [10, 12.5, 15]}]
    if kind != "pie":
        series.append({"name": "Export", "values": [5, None, 9]})
    prs, _ = render(tmp_path, chart_slide({"type": kind, "categories": YEARS, "series": series,
                                           "unit": "bn JPY"}))
    chart = the_chart(prs.slides[0])
    assert chart.chart_type == TYPES[kind]
    assert list(chart.plots[0].categories) == YEARS
    values = series_values(chart)
    assert values["Domestic"] == [10, 12.5, 15]
    if kind != "pie":
        assert values["Export"] == [5, None, 9]
    assert not chart.has_title
    names = {shape.name for shape in prs.slides[0].shapes}
    assert "Unit" in names


def test_chart_text_carries_both_typefaces(tmp_path):
    prs, path = render(tmp_path, chart_slide({"type": "column", "categories": YEARS,
                                              "series": [{"name": "S", "values": [1, 2, 3]}]}))
    with zipfile.ZipFile(path) as package:
        chart_xml = etree.fromstring(package.read("ppt/charts/chart1.xml"))
    def_rpr = chart_xml.find(f"{C}txPr/{A}p/{A}pPr/{A}defRPr")
    assert def_rpr.find(f"{A}latin").get("typeface") == "Arial"
    assert def_rpr.find(f"{A}ea").get("typeface") == "Noto Sans CJK JP"
    assert int(def_rpr.get("sz")) >= 900


def test_a_waterfall_stacks_on_an_invisible_base(tmp_path):
    prs, _ = render(tmp_path, chart_slide({
        "type": "waterfall", "categories": ["2025", "Price", "Cost", "2026"],
        "series": [{"name": "Margin", "values": [12, -2, 4, 14]}], "totals": [0, 3]}))
    chart = the_chart(prs.slides[0])
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_STACKED
    values = series_values(chart)
    assert values["base"] == [0, 10, 10, 0]  # price: 12 -> 10, cost: 10 -> 14
    assert values["decrease"] == [0, 2, 0, 0] and values["increase"] == [0, 0, 4, 0]
    assert values["total"] == [12, 0, 0, 14]
    base = chart.plots[0].series[0]
    assert base.format.fill.type == 5  # MSO_FILL.BACKGROUND: no fill, invisible
    labels = [point.data_label.text_frame.text for series in list(chart.plots[0].series)[1:]
              for point in series.points if point.data_label.has_text_frame]
    assert {"12", "−2", "+4", "14"} <= set(labels)


def test_a_waterfall_crossing_zero_splits_its_bar(tmp_path):
    prs, _ = render(tmp_path, chart_slide({
        "type": "waterfall", "categories": ["Start", "Loss", "End"],
        "series": [{"name": "Cash", "values": [5, -8, -3]}], "totals": [0, 2]}))
    values = series_values(the_chart(prs.slides[0]))
    assert values["decrease"][1] == 5 and values["decrease_neg"][1] == -3
    assert values["total_neg"][2] == -3


def test_scatter_and_bubble_points_and_labels(tmp_path):
    prs, _ = render(tmp_path,
                    chart_slide({"type": "scatter", "x_title": "Range", "points": [
                        {"x": 1, "y": 2, "label": "A"}, {"x": 3, "y": 4, "label": "B"}]}),
                    chart_slide({"type": "bubble", "points": [
                        {"x": 1, "y": 2, "size": 5, "label": "A", "series": "Big"},
                        {"x": 2, "y": 1, "size": 9, "label": "B", "series": "Small"}]}))
    scatter, bubble = the_chart(prs.slides[0]), the_chart(prs.slides[1])
    assert scatter.chart_type == XL_CHART_TYPE.XY_SCATTER
    assert list(scatter.plots[0].series[0].values) == [2, 4]
    assert scatter.category_axis.axis_title.text_frame.text == "Range"
    assert bubble.chart_type == XL_CHART_TYPE.BUBBLE
    assert [s.name for s in bubble.plots[0].series] == ["Big", "Small"]
    assert bubble.plots[0].series[0].points[0].data_label.text_frame.text == "A"
    assert bubble.has_legend


def test_commentary_points_sit_beside_the_chart(tmp_path):
    prs, _ = render(tmp_path, chart_slide(
        {"type": "column", "categories": YEARS, "series": [{"name": "S", "values": [1, 2, 3]}]},
        points=["Growth accelerates", "Mid-price leads"]))
    shapes = {shape.name: shape for shape in prs.slides[0].shapes}
    chart = next(shape for shape in prs.slides[0].shapes if shape.has_chart)
    assert shapes["Commentary"].left > chart.left + chart.width
    assert shapes["Commentary"].text_frame.paragraphs[1].text == "Mid-price leads"


def test_long_series_thin_their_labels(tmp_path):
    categories = [str(i) for i in range(300)]
    prs, path = render(tmp_path, chart_slide({"type": "line", "categories": categories,
                                              "series": [{"name": "S",
                                                          "values": list(range(300))}]}))
    with zipfile.ZipFile(path) as package:
        xml = package.read("ppt/charts/chart1.xml").decode()
    assert '<c:tickLblSkip val="25"/>' in xml
    assert "<c:dLbls>" not in xml.split("<c:ser>")[1] or 'showVal val="1"' not in xml


def test_same_chart_same_bytes(tmp_path):
    slide = chart_slide({"type": "column", "categories": YEARS,
                         "series": [{"name": "S", "values": [1, 2, 3]}]})
    _, first = render(tmp_path, slide, name="a.pptx")
    _, second = render(tmp_path, slide, name="b.pptx")
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        for name in a.namelist():
            if name != "docProps/core.xml":
                assert a.read(name) == b.read(name), name


# -- matrices ------------------------------------------------------------------------------------
GROWTH_SHARE = {"kind": "growth_share", "title": "Two businesses are stars", "items": [
    {"name": "EV", "market_growth": 25, "relative_share": 1.8, "revenue": 120},
    {"name": "Hybrid", "market_growth": 4, "relative_share": 2.2, "revenue": 300},
    {"name": "Charging", "market_growth": 30, "relative_share": 0.4, "revenue": 40},
    {"name": "Parts", "market_growth": 2, "relative_share": 0.5, "revenue": 60}]}


def test_growth_share_is_a_log_scale_bubble_chart_with_crossing_axes(tmp_path):
    prs, path = render(tmp_path, GROWTH_SHARE)
    chart = the_chart(prs.slides[0])
    assert chart.chart_type == XL_CHART_TYPE.BUBBLE
    series = chart.plots[0].series[0]
    assert list(series.values) == [25, 4, 30, 2]
    assert [p.data_label.text_frame.text for p in series.points] == ["EV", "Hybrid",
                                                                      "Charging", "Parts"]
    with zipfile.ZipFile(path) as package:
        xml = etree.fromstring(package.read("ppt/charts/chart1.xml"))
    axes = xml.findall(f".//{C}valAx")
    share_axis = next(ax for ax in axes if ax.find(f"{C}axPos").get("val") in ("b", "t"))
    assert share_axis.find(f"{C}scaling/{C}logBase").get("val") == "10"
    assert share_axis.find(f"{C}scaling/{C}orientation").get("val") == "maxMin"
    assert float(share_axis.find(f"{C}crossesAt").get("val")) == 10.0
    growth_axis = next(ax for ax in axes if ax is not share_axis)
    assert float(growth_axis.find(f"{C}crossesAt").get("val")) == 1.0
    sizes = xml.findall(f".//{C}bubbleSize//{C}v")
    assert [float(v.text) for v in sizes] == [120, 300, 40, 60]
    labels = [s.text_frame.text for s in prs.slides[0].shapes if s.name.startswith("Quadrant")]
    assert labels == ["Stars", "Question marks", "Cash cows", "Dogs"]


def test_growth_share_labels_follow_the_deck_language(tmp_path):
    prs, _ = render(tmp_path, dict(GROWTH_SHARE, title="EVは花形事業である"))
    labels = [s.text_frame.text for s in prs.slides[0].shapes if s.name.startswith("Quadrant")]
    assert labels == ["花形", "問題児", "金のなる木", "負け犬"]


def test_a_2x2_has_quadrants_axes_and_items(tmp_path):
    prs, _ = render(tmp_path, {
        "kind": "matrix", "title": "Partner B fits best",
        "x_axis": {"label": "Capability", "low": "Low", "high": "High"},
        "y_axis": {"label": "Strategy", "low": "Low", "high": "High"},
        "quadrants": [{"title": "Explore"}, {"title": "Partner", "text": "Both"},
                      {"title": "Avoid"}, {"title": "Buy"}],
        "items": [{"label": "B", "x": 0.8, "y": 0.9}], "highlight": 2})
    shapes = {shape.name: shape for shape in prs.slides[0].shapes}
    texts = [shapes[f"Quadrant {i} Text"].text_frame.text for i in range(1, 5)]
    assert texts[0] == "Explore" and texts[1] == "Partner\nBoth"
    assert shapes["Item 1 Label"].text_frame.text == "B"
    assert {"X Axis", "Y Axis", "X Axis Label", "Y Axis Label"} <= set(shapes)
    assert str(shapes["Quadrant 1"].fill.fore_color.rgb) == "EEF1F4"
    for shape in prs.slides[0].shapes:
        assert 0 <= shape.left and shape.left + shape.width <= prs.slide_width


def test_a_quadrant_text_too_long_to_fit_names_the_field(tmp_path):
    with pytest.raises(FitError, match=r"slide 1 \(matrix\): quadrants\[0\]"):
        render(tmp_path, {
            "kind": "matrix", "title": "T", "x_axis": {"label": "x"}, "y_axis": {"label": "y"},
            "quadrants": [{"title": "A", "text": "市場" * 250}, {"title": "B"},
                          {"title": "C"}, {"title": "D"}]})


def test_a_2x2_item_label_goes_left_of_its_dot_rather_than_over_a_quadrant_title(tmp_path):
    quadrants = [{"title": "Explore"}, {"title": "Partner", "text": "fits on both"},
                 {"title": "Avoid"}, {"title": "Buy"}]
    base = {"kind": "matrix", "title": "Partner B fits best", "x_axis": {"label": "x"},
            "y_axis": {"label": "y"}, "quadrants": quadrants}
    # right under the top-right quadrant's title (right-aligned): the label goes left
    prs, _ = render(tmp_path, dict(base, items=[{"label": "Partner B (JV)", "x": 0.82,
                                                 "y": 0.95}]))
    shapes = {shape.name: shape for shape in prs.slides[0].shapes}
    dot, label = shapes["Item 1"], shapes["Item 1 Label"]
    assert label.left + label.width <= dot.left
    # in the clear middle of a quadrant: on the right, as before
    prs, _ = render(tmp_path, dict(base, items=[{"label": "Partner B (JV)", "x": 0.6, "y": 0.6}]),
                    name="clear.pptx")
    shapes = {shape.name: shape for shape in prs.slides[0].shapes}
    assert shapes["Item 1 Label"].left >= shapes["Item 1"].left + shapes["Item 1"].width
