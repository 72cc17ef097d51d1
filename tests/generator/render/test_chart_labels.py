"""Chart slides use their space and every chart label reads (issue 12): real renders opened
again, colours read from the chart XML with theme colours resolved through the slide's
theme and colour map, in the built-in design and in a learned (dark) one."""

from __future__ import annotations

import pytest
from pptx import Presentation

from generator.colours import contrast_ratio
from generator.design import default_design
from generator.learning import learn
from generator.learning.learned_design import design_for_asset
from generator.ooxml import background_color, color_map, read_theme, ColorResolver
from generator.render import render_to_file
from generator.spec import load_spec
from tests.conftest import CORPUS
from tests.sharedfiles import use_local_files

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
YEARS = ["2024", "2025", "2026"]
OUTSIDE = {"outEnd", "t", "r", "l", "b"}  # label positions off the mark: on the background
DARK = CORPUS / "templates" / "icip-cas__PPTAgent__Iphone16Pro.pptx"  # a dark slide

WATERFALL = {"type": "waterfall", "categories": ["2025", "Price", "Volume", "Mix", "2026"],
             "series": [{"name": "Margin", "values": [120, -20, 30, 1, 131]}],
             "totals": [0, 4]}
STACKED = {"type": "stacked_column", "categories": YEARS, "series": [
    {"name": "Vehicles", "values": [300, 320, 340]}, {"name": "Parts", "values": [80, 85, 2]},
    {"name": "Services", "values": [60, 110, 190]}]}
PIE = {"type": "pie", "categories": ["Maker A", "Maker B", "Maker C", "Others"],
       "series": [{"name": "Share", "values": [55, 25, 18, 2]}]}
DOUGHNUT = {"type": "doughnut", "categories": ["Low", "Mid", "High", "Tiny"],
            "series": [{"name": "Units", "values": [25, 50, 24, 1]}]}
EVERY_CHART = [
    {"type": "column", "categories": YEARS, "series": [{"name": "Market", "values": [1, 2, 3]}]},
    {"type": "bar", "categories": YEARS, "series": [{"name": "Domestic", "values": [5, 6, 7]},
                                                    {"name": "Export", "values": [7, 8, 9]}]},
    STACKED, dict(STACKED, type="stacked100_bar"),
    {"type": "line", "categories": YEARS, "series": [{"name": "Cells", "values": [9, 8, 7]}]},
    PIE, DOUGHNUT, WATERFALL,
    {"type": "scatter", "points": [{"x": 1, "y": 2, "label": "A1"}, {"x": 3, "y": 4, "label": "B"}]},
    {"type": "bubble", "points": [{"x": 1, "y": 2, "size": 5, "label": "Maker A"},
                                  {"x": 2, "y": 1, "size": 9, "label": "Maker B"}]},
]


def chart_slide(chart, **extra):
    return {"kind": "chart", "title": "A chart that makes its point", "chart": chart,
            "source": "Team analysis", **extra}


def render(tmp_path, *slides, design=None, name="deck.pptx"):
    path = tmp_path / name
    spec = load_spec({"title": "Charts", "slides": list(slides)})
    render_to_file(spec, path, design)
    return Presentation(str(path))


def chart_shape(slide):
    return next(shape for shape in slide.shapes if shape.has_chart)


class ChartColours:
    """The colours a chart's XML gives its marks and labels, resolved for its slide."""

    def __init__(self, slide):
        master = slide.slide_layout.slide_master
        self.colors = ColorResolver(read_theme(master.part), color_map(slide, master))
        self.background = background_color([slide, slide.slide_layout, master], self.colors)
        self.space = chart_shape(slide).chart._chartSpace
        default = self.space.find(f"{C}txPr/{A}p/{A}pPr/{A}defRPr/{A}solidFill")
        self.default_text = self.colors.resolve(default)

    def fill(self, element) -> str | None:
        return self.colors.resolve(element.find(f"{C}spPr/{A}solidFill")) if element is not None \
            else None

    def labels(self):
        """(series name, point index, label colour, position, fill behind it) for every
        label shown."""
        found = []
        for ser in self.space.iter(f"{C}ser"):
            name = "".join(ser.xpath("./c:tx//c:v/text()"))
            series_fill = self.fill(ser)
            d_lbls = ser.find(f"{C}dLbls")
            if d_lbls is None:
                continue
            series_color = self._text_color(d_lbls) or self.default_text
            series_position = self._position(d_lbls)
            shows = any(d_lbls.find(f"{C}{tag}") is not None
                        and d_lbls.find(f"{C}{tag}").get("val") == "1"
                        for tag in ("showVal", "showPercent", "showCatName"))
            own = {int(d.find(f"{C}idx").get("val")): d for d in d_lbls.findall(f"{C}dLbl")}
            points = {int(p.find(f"{C}idx").get("val")): p for p in ser.findall(f"{C}dPt")}
            count = len(ser.findall(f"{C}val//{C}pt") or ser.findall(f"{C}yVal//{C}pt"))
            for index in range(count):
                label = own.get(index)
                if label is not None and label.find(f"{C}delete") is not None:
                    continue
                if label is None and not shows:
                    continue
                color = (self._text_color(label) if label is not None else None) or series_color
                position = (self._position(label) if label is not None else None) \
                    or series_position
                fill = self.fill(points.get(index)) or series_fill
                found.append((name, index, color, position, fill))
        return found

    def _text_color(self, element) -> str | None:
        for path in (f"{C}txPr//{A}defRPr/{A}solidFill", f"{C}tx//{A}rPr/{A}solidFill"):
            fill = element.find(path)
            if fill is not None:
                return self.colors.resolve(fill)
        return None

    @staticmethod
    def _position(element) -> str | None:
        position = element.find(f"{C}dLblPos")
        return position.get("val") if position is not None else None

    def behind(self, position, fill) -> str:
        return self.background if position in OUTSIDE or fill is None else fill


def assert_labels_read(slide, minimum: float = 3.0):
    seen = ChartColours(slide)
    labels = seen.labels()
    assert labels, "no labels"
    for name, index, color, position, fill in labels:
        behind = seen.behind(position, fill)
        ratio = contrast_ratio(color, behind)
        assert ratio >= minimum, (name, index, color, position, behind, ratio)
    return seen, labels


# -- labels read on what is behind them -------------------------------------------------------
@pytest.mark.parametrize("chart", EVERY_CHART, ids=lambda c: c["type"])
def test_every_label_reads_on_what_is_behind_it_in_the_built_in_design(tmp_path, chart):
    prs = render(tmp_path, chart_slide(chart))
    # a waterfall step too short for its label reads on its fill and the background at once:
    # the best colour for both may stay under 4.5:1 (black on the built-in green: 4.4:1)
    assert_labels_read(prs.slides[0], minimum=3.0 if chart is WATERFALL else 4.5)


def test_the_doughnut_labels_read_on_their_segments_and_a_sliver_has_none(tmp_path):
    prs = render(tmp_path, chart_slide(DOUGHNUT))
    seen, labels = assert_labels_read(prs.slides[0])
    by_point = {index: (color, fill) for _n, index, color, _p, fill in labels}
    assert set(by_point) == {0, 1, 2}  # the 1 % sliver's label is left off
    dark = [index for index, (_c, fill) in by_point.items()
            if contrast_ratio(fill, "FFFFFF") > contrast_ratio(fill, "000000")]
    assert dark and all(contrast_ratio(by_point[i][0], by_point[i][1]) >= 4.5 for i in dark)


def test_a_small_pie_segment_labels_outside_on_the_background(tmp_path):
    prs = render(tmp_path, chart_slide(PIE))
    seen, labels = assert_labels_read(prs.slides[0])
    positions = {index: position for _n, index, _c, position, _f in labels}
    assert positions[3] == "outEnd"  # 2 %: outside
    assert positions[0] == "ctr"  # 55 %: on its segment
    color = next(c for _n, i, c, _p, _f in labels if i == 3)
    assert contrast_ratio(color, seen.background) >= 4.5


def test_a_stack_piece_too_small_for_its_label_has_none(tmp_path):
    prs = render(tmp_path, chart_slide(STACKED))
    _, labels = assert_labels_read(prs.slides[0])
    shown = {(name, index) for name, index, *_ in labels}
    assert ("Parts", 2) not in shown  # 2 of 532: a hairline
    assert ("Parts", 0) in shown and ("Vehicles", 2) in shown


def test_a_short_waterfall_step_label_reads_on_its_fill_and_on_the_background(tmp_path):
    prs = render(tmp_path, chart_slide(WATERFALL))
    seen, labels = assert_labels_read(prs.slides[0])
    mix = [(color, fill) for name, index, color, _p, fill in labels
           if index == 3 and name == "increase"]
    assert mix, labels
    color, fill = mix[0]
    assert min(contrast_ratio(color, fill), contrast_ratio(color, seen.background)) >= 3.0


# -- colours with meaning ---------------------------------------------------------------------
def waterfall_fills(slide) -> dict[str, str]:
    seen = ChartColours(slide)
    return {"".join(ser.xpath("./c:tx//c:v/text()")): seen.fill(ser)
            for ser in seen.space.iter(f"{C}ser")}


def test_waterfall_roles_and_series_colours_in_the_built_in_design(tmp_path):
    palette = default_design().palette
    prs = render(tmp_path, chart_slide(WATERFALL), chart_slide(EVERY_CHART[0]),
                 chart_slide(EVERY_CHART[1]))
    fills = waterfall_fills(prs.slides[0])
    assert (fills["increase"], fills["decrease"], fills["total"]) == (
        palette.positive, palette.negative, palette.neutral)
    assert fills["base"] is None  # invisible
    assert list(waterfall_fills(prs.slides[1]).values()) == [palette.neutral]  # one series
    assert list(waterfall_fills(prs.slides[2]).values()) == palette.accents[:2]  # several


@pytest.fixture
def dark_design(settings, tmp_path):
    use_local_files(settings, tmp_path / "data")
    settings.PREVIEWS_ENABLED = False
    return design_for_asset(learn.learn_design(path=DARK))


@pytest.mark.django_db
def test_in_a_learned_dark_design_roles_hold_and_every_label_reads(tmp_path, dark_design):
    palette = dark_design.palette
    assert contrast_ratio(palette.background, "000000") < 4.5  # a dark slide
    slides = [chart_slide(chart) for chart in EVERY_CHART]
    prs = render(tmp_path, *slides, design=dark_design)
    fills = waterfall_fills(prs.slides[EVERY_CHART.index(WATERFALL)])
    assert (fills["increase"], fills["decrease"], fills["total"]) == (
        palette.positive, palette.negative, palette.neutral)
    assert len({fills["increase"], fills["decrease"], fills["total"]}) == 3
    for slide in prs.slides:
        seen, _ = assert_labels_read(slide)
        assert seen.background == palette.background


# -- space ------------------------------------------------------------------------------------
def frames(prs, slide):
    shapes = {shape.name: shape for shape in slide.shapes}
    return shapes, chart_shape(slide)


def test_the_chart_takes_the_body_its_takeaway_leaves(tmp_path):
    body = default_design().frames.body
    column = {**EVERY_CHART[0], "unit": "JPY tn"}
    prs = render(tmp_path, chart_slide(column),
                 chart_slide(column, takeaway="Growth doubles after parity"))
    bare_shapes, bare = frames(prs, prs.slides[0])
    shapes, chart = frames(prs, prs.slides[1])
    assert "Takeaway" not in bare_shapes
    assert bare.top + bare.height == body.top + body.height
    assert bare.height >= body.height * 0.9  # all but the unit line
    band = shapes["Takeaway"]
    assert band.text_frame.text == "Growth doubles after parity"
    assert band.top + band.height == body.top + body.height
    assert chart.top + chart.height <= band.top  # above the band, never under it
    assert band.top - (chart.top + chart.height) < body.height * 0.05
    assert chart.height >= body.height - band.height - body.height * 0.15
    assert chart.width == bare.width == body.width


def test_commentary_grows_beside_the_chart_and_the_takeaway_spans_both(tmp_path):
    prs = render(tmp_path, chart_slide(EVERY_CHART[0], takeaway="So what",
                                       points=["Growth accelerates", "Mid-price leads"]))
    shapes, chart = frames(prs, prs.slides[0])
    notes, band = shapes["Commentary"], shapes["Takeaway"]
    assert notes.left > chart.left + chart.width
    assert notes.top + notes.height <= band.top
    assert band.width >= chart.width + notes.width
    sizes = {run.font.size.pt for p in notes.text_frame.paragraphs for run in p.runs}
    assert min(sizes) > default_design().type.body  # room to spare: larger than the body


@pytest.mark.parametrize("chart", [PIE, DOUGHNUT], ids=["pie", "doughnut"])
def test_a_round_chart_sits_in_a_square_with_its_key_beside_it(tmp_path, chart):
    body = default_design().frames.body
    prs = render(tmp_path, chart_slide(chart))
    shapes, frame = frames(prs, prs.slides[0])
    assert frame.height == body.height and frame.width <= frame.height * 1.05
    names = [shapes[f"Key {i} Name"].text_frame.text for i in range(1, 5)]
    assert names == chart["categories"]
    values = [shapes[f"Key {i} Value"].text_frame.text for i in range(1, 5)]
    assert values == [str(v) for v in chart["series"][0]["values"]]
    right = max(s.left + s.width for n, s in shapes.items() if n.startswith("Key"))
    # the chart and its key together span at least two thirds of the body's width
    assert right - frame.left >= body.width * 2 / 3
    assert frame.left >= body.left and right <= body.left + body.width


def test_a_pie_with_too_many_segments_for_a_key_labels_them_by_name(tmp_path):
    names = [f"Maker {letter}" for letter in "ABCDEFGHIJ"]
    prs = render(tmp_path, chart_slide({"type": "pie", "categories": names, "series": [
        {"name": "Share", "values": [30, 20, 12, 10, 8, 7, 5, 4, 3, 1]}]}))
    shapes, frame = frames(prs, prs.slides[0])
    assert not any(name.startswith("Key") for name in shapes)
    assert frame.width == default_design().frames.body.width  # no key: the whole body
    space = frame.chart._chartSpace
    shown = space.findall(f".//{C}dLbl/{C}showCatName[@val='1']")
    assert len(shown) == len(names)
    assert_labels_read(prs.slides[0])
