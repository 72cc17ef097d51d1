"""The 2x2 and the growth-share matrix: the takeaway band, the body they take, colours with
meaning and labels that read on what is behind them (real renders, reopened)."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.dml import MSO_COLOR_TYPE

from generator.colours import contrast_ratio, distance
from generator.design import default_design
from generator.render import render_to_file
from generator.render.matrix import bubble_colors
from generator.spec import load_spec

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
PALETTE = default_design().palette
BODY = default_design().frames.body

GROWTH_SHARE = {"kind": "growth_share", "title": "Two businesses are stars, one is a dog",
                "takeaway": "Fund the stars from the cash cow", "items": [
                    {"name": "EV", "market_growth": 25, "relative_share": 1.8, "revenue": 120},
                    {"name": "Hybrid", "market_growth": 4, "relative_share": 2.2,
                     "revenue": 300},
                    {"name": "Charging services", "market_growth": 30, "relative_share": 0.4,
                     "revenue": 40},
                    {"name": "Parts", "market_growth": 2, "relative_share": 0.5,
                     "revenue": 60}]}
MATRIX = {"kind": "matrix", "title": "Partner B fits best on both",
          "takeaway": "Start talks with Partner B",
          "x_axis": {"label": "Capability fit", "low": "Low", "high": "High"},
          "y_axis": {"label": "Strategic fit", "low": "Low", "high": "High"},
          "quadrants": [{"title": "Explore", "text": "fits our strategy only"},
                        {"title": "Partner", "text": "fits on both"},
                        {"title": "Avoid", "text": "fits on neither"},
                        {"title": "Buy capability", "text": "fits on capability only"}],
          "items": [{"label": "Partner A", "x": 0.3, "y": 0.7},
                    {"label": "Partner B", "x": 0.8, "y": 0.85},
                    {"label": "Partner C", "x": 0.7, "y": 0.25}],
          "highlight": 2}


def render(tmp_path, slide):
    path = tmp_path / "deck.pptx"
    render_to_file(load_spec({"title": "Deck", "slides": [slide]}), path)
    return Presentation(str(path)), path


def named(slide):
    return {shape.name: shape for shape in slide.shapes}


def resolved(value: str) -> str:
    """A colour as written: a scheme accent name resolved through the palette."""
    if value.startswith("accent"):
        return PALETTE.accents[int(value[-1]) - 1]
    return value.upper()


def shape_fill(shape) -> str:
    color = shape.fill.fore_color
    if color.type == MSO_COLOR_TYPE.SCHEME:
        return PALETTE.accents[int(color.theme_color.name.removeprefix("ACCENT_")) - 1]
    return str(color.rgb)


def run_color(run) -> str:
    fill = run._r.find(f"{A}rPr/{A}solidFill/*")
    return resolved(fill.get("val"))


def test_a_2x2_leaves_its_foot_to_the_takeaway_and_takes_the_rest(tmp_path):
    prs, _ = render(tmp_path, MATRIX)
    shapes = named(prs.slides[0])
    band = shapes["Takeaway"]
    assert band.text_frame.text == "Start talks with Partner B"
    assert band.top + band.height <= BODY.bottom + 1
    quadrants = [shapes[f"Quadrant {i}"] for i in range(1, 5)]
    top = min(q.top for q in quadrants)
    bottom = max(q.top + q.height for q in quadrants)
    assert bottom < band.top  # the grid (and its axis) above the band
    assert shapes["X Axis"].top <= band.top
    assert bottom - top >= (band.top - BODY.top) * 0.75  # the grid takes what is left


def test_the_highlighted_quadrant_is_the_highlight_colour_and_every_label_reads(tmp_path):
    prs, _ = render(tmp_path, MATRIX)
    shapes = named(prs.slides[0])
    fills = [shape_fill(shapes[f"Quadrant {i}"]) for i in range(1, 5)]
    assert fills[1] == PALETTE.highlight
    assert fills[0] == fills[2] == fills[3] != PALETTE.highlight
    # Partner B's dot and label sit on the highlighted quadrant: both read on it
    dot, label = shapes["Item 2"], shapes["Item 2 Label"]
    assert contrast_ratio(shape_fill(dot), fills[1]) >= 3.0
    color = run_color(label.text_frame.paragraphs[0].runs[0])
    assert contrast_ratio(color, fills[1]) >= 4.5
    for index in (1, 3):
        color = run_color(shapes[f"Item {index} Label"].text_frame.paragraphs[0].runs[0])
        assert contrast_ratio(color, fills[0]) >= 4.5


def test_the_growth_share_chart_takes_what_the_takeaway_leaves(tmp_path):
    prs, _ = render(tmp_path, GROWTH_SHARE)
    shapes = named(prs.slides[0])
    band, chart = shapes["Takeaway"], shapes["Growth-Share Matrix"]
    assert band.text_frame.text == "Fund the stars from the cash cow"
    assert chart.top == BODY.top and chart.top + chart.height <= band.top
    assert chart.height >= (band.top - BODY.top) * 0.9
    assert chart.width == BODY.width


def test_bubbles_carry_the_meaning_colours(tmp_path):
    stars, question, cows, dogs = bubble_colors(PALETTE)
    assert (stars, cows, dogs) == (PALETTE.positive, PALETTE.neutral, PALETTE.negative)
    assert min(distance(question, other) for other in (stars, cows, dogs)) >= 90
    _, path = render(tmp_path, GROWTH_SHARE)
    with zipfile.ZipFile(path) as package:
        chart = etree.fromstring(package.read("ppt/charts/chart1.xml"))
    points = chart.findall(f".//{C}dPt")
    fills = [resolved(p.find(f"{C}spPr/{A}solidFill/*").get("val")) for p in points]
    # EV: star; Hybrid: cash cow; Charging: question mark; Parts: dog
    assert fills == [stars, cows, question, dogs]


@pytest.mark.parametrize("takeaway", ["", "Fund the stars from the cash cow"])
def test_bubble_labels_read_on_their_bubble_or_on_the_slide(tmp_path, takeaway):
    """A name inside its bubble reads on the bubble; one beside it on the background (a
    white label on a white slide was the bug)."""
    _, path = render(tmp_path, dict(GROWTH_SHARE, takeaway=takeaway))
    with zipfile.ZipFile(path) as package:
        chart = etree.fromstring(package.read("ppt/charts/chart1.xml"))
    fills = {int(p.find(f"{C}idx").get("val")):
             resolved(p.find(f"{C}spPr/{A}solidFill/*").get("val"))
             for p in chart.findall(f".//{C}dPt")}
    positions = {}
    for label in chart.findall(f".//{C}dLbl"):
        index = int(label.find(f"{C}idx").get("val"))
        position = label.find(f"{C}dLblPos").get("val")
        color = resolved(label.find(f".//{A}r/{A}rPr/{A}solidFill/*").get("val"))
        behind = fills[index] if position == "ctr" else PALETTE.background
        assert contrast_ratio(color, behind) >= 4.5, (index, position, color, behind)
        positions[index] = position
    # a small bubble's long name goes beside it; with the whole body, the big bubble holds
    # its short name
    assert positions[2] in ("r", "l")
    if not takeaway:
        assert positions[1] == "ctr"
