"""The rendered lint reads the words of charts and tables too (data labels, axes, legends,
cells): a label painted in the colour of its segment is found, a readable one passes;
and the bench's body occupancy measures what a slide's content covers."""

from __future__ import annotations

import pytest
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Inches, Pt

from bench.every_kind import occupancy
from generator.lint.rendered import inspect_pictures
from generator.outline import read_outline
from generator.previews.soffice import available, render_thumbnails
from generator.render import render_to_file

needs_office = pytest.mark.skipif(not available(), reason="LibreOffice and pdftoppm needed")

DOUGHNUT = """
```chart doughnut
Segment,Units
Low,25
Mid,50
High,25
```
"""
TABLE = """
| Criterion | Partner A | Partner B |
|---|---|---|
| Technology | Strong | Strong |
| Cost | Weak | Fair |
| Channel | Fair | Strong |
"""
OUTLINE = f"""---
title: Words in charts and tables
---

# The doughnut's labels read on their segments
{DOUGHNUT}
# The doughnut's labels are painted in their segments' colour
{DOUGHNUT}
# The table's cells read on their fill
{TABLE}
# The table's cells are painted in their fill's colour
{TABLE}
"""
HIDDEN = RGBColor(0x1E, 0x2A, 0x36)


def _frame(slide, kind: str):
    return next(shape for shape in slide.shapes if getattr(shape, f"has_{kind}"))


def _hide_labels(slide) -> str:
    """Every doughnut segment and its label in one colour; returns the chart's name."""
    chart_shape = _frame(slide, "chart")
    for point in chart_shape.chart.plots[0].series[0].points:
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = HIDDEN
        point.data_label.font.color.rgb = HIDDEN
    return chart_shape.name


def _hide_cells(slide) -> str:
    table_shape = _frame(slide, "table")
    for row in table_shape.table.rows:
        for cell in row.cells:
            cell.fill.solid()
            cell.fill.fore_color.rgb = HIDDEN
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.color.rgb = HIDDEN
    return table_shape.name


@pytest.fixture(scope="module")
def linted(tmp_path_factory):
    work = tmp_path_factory.mktemp("words")
    deck = work / "deck.pptx"
    render_to_file(read_outline(OUTLINE), deck)
    prs = Presentation(str(deck))
    names = {3: _hide_labels(prs.slides[2]), 5: _hide_cells(prs.slides[4])}  # after the cover
    prs.save(str(deck))
    pictures = render_thumbnails(deck, work / "pictures")
    return inspect_pictures(deck, pictures), names


@needs_office
@pytest.mark.slow
def test_chart_and_table_words_painted_like_their_background_are_errors(linted):
    report, names = linted
    contrast = {(i.slide, i.shape) for i in report.issues if i.rule == "rendered_contrast"}
    assert (3, names[3]) in contrast, report.issues
    assert (5, names[5]) in contrast, report.issues
    hidden = [c for c in report.contrasts if (c.slide, c.shape) in contrast]
    assert min(c.ratio for c in hidden) < 1.5  # the same colour: no contrast at all


@needs_office
@pytest.mark.slow
def test_readable_chart_and_table_words_pass_and_are_measured(linted):
    report, _ = linted
    assert not [i for i in report.issues if i.slide in (2, 4) and i.rule == "rendered_contrast"]
    chart_words = [c for c in report.contrasts if c.slide == 2 and c.where.startswith("chart")]
    table_words = [c for c in report.contrasts if c.slide == 4 and c.where.startswith("table")]
    assert len(chart_words) >= 3, chart_words  # Low 25, Mid 50, High 25
    assert len(table_words) >= 9, table_words  # a header and three rows of three words
    assert min(c.ratio for c in chart_words + table_words) >= 3.0


def test_occupancy_of_a_known_rectangle_in_a_known_body():
    empty = Image.new("RGB", (400, 200), (20, 30, 60))
    picture = empty.copy()
    picture.paste((240, 240, 240), (100, 60, 200, 110))  # 50 rows x 100 columns of content
    picture.paste((255, 0, 0), (0, 0, 400, 20))  # outside the body: not counted
    measured = occupancy(picture, empty, (50, 40, 350, 140))  # a 300 x 100 body
    assert measured["span"] == pytest.approx(0.50)
    assert measured["area"] == pytest.approx(0.50 * 100 / 300)
    assert measured["empty"] == pytest.approx(1 - 0.50 * 100 / 300)
    assert occupancy(empty, empty, (50, 40, 350, 140)) == {"span": 0.0, "area": 0.0,
                                                          "empty": 1.0}


@needs_office
@pytest.mark.slow
def test_occupancy_on_a_rendered_deck(tmp_path):
    """A box over the upper half of a body, and three lines of text at its top, measured on
    LibreOffice's pictures against the slide's layout left empty."""
    prs = Presentation()
    body = (Inches(1), Inches(2), Inches(8), Inches(4))  # left, top, width, height
    half = prs.slides.add_slide(prs.slide_layouts[6])
    shape = half.shapes.add_shape(1, body[0], body[1], body[2], body[3] // 2)
    shape.fill.solid()
    shape.fill.fore_color.rgb = RGBColor(0x1E, 0x2A, 0x36)
    lines = prs.slides.add_slide(prs.slide_layouts[6])
    box = lines.shapes.add_textbox(body[0], body[1], body[2], body[3])
    box.text_frame.text = "First point\nSecond point\nThird point"
    for paragraph in box.text_frame.paragraphs:
        paragraph.runs[0].font.size = Pt(18)
    deck = tmp_path / "deck.pptx"
    prs.save(str(deck))
    pictures = render_thumbnails(deck, tmp_path / "pictures")
    report = inspect_pictures(deck, pictures)
    seen = [Image.open(p).convert("RGB") for p in pictures]
    sx = seen[0].width / prs.slide_width
    sy = seen[0].height / prs.slide_height
    pixels = (round(body[0] * sx), round(body[1] * sy), round((body[0] + body[2]) * sx),
              round((body[1] + body[3]) * sy))
    box_share = occupancy(seen[0], report.empties[0], pixels)
    assert box_share["span"] == pytest.approx(0.5, abs=0.02)
    assert box_share["area"] == pytest.approx(0.5, abs=0.02)
    text_share = occupancy(seen[1], report.empties[1], pixels)
    # three 18 pt lines (about 0.8 in with their spacing) in a 4 in body, from its top
    assert 0.12 < text_share["span"] < 0.30
    assert text_share["area"] < 0.5 * text_share["span"]  # short lines: a narrow box
