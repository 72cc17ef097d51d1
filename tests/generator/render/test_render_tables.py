"""Tables (Harvey balls, RAG, continuation) and diagrams (timeline, roadmap, process, tree)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.dml import MSO_COLOR_TYPE
from pptx.oxml.ns import qn
from pptx.util import Inches

from generator.design import default_design
from generator.errors import FitError
from generator.outline import read_outline
from generator.render import render_to_file
from generator.spec import load_spec
from tests.conftest import REPO


def render(tmp_path, *slides, name="deck.pptx"):
    path = tmp_path / name
    render_to_file(load_spec({"title": "Deck", "slides": list(slides)}), path)
    return Presentation(str(path)), path


def table_of(slide):
    return next(shape for shape in slide.shapes if shape.has_table).table


def cells(table):
    return [[table.cell(r, c).text for c in range(len(table.columns))]
            for r in range(len(table.rows))]


def named(slide):
    return {shape.name: shape for shape in slide.shapes}


def fill_of(shape, palette) -> str:
    """A shape's solid fill as 'RRGGBB', a theme accent resolved through `palette`."""
    color = shape.fill.fore_color
    if color.type == MSO_COLOR_TYPE.SCHEME:
        return palette.accents[int(color.theme_color.name.removeprefix("ACCENT_")) - 1]
    return str(color.rgb)


def test_table_cells_harvey_balls_and_rag(tmp_path):
    prs, _ = render(tmp_path, {"kind": "table", "title": "B leads", "columns": ["Criterion", "A",
                                                                                "B", "Status"],
                               "rows": [["Tech", {"harvey": 2}, {"harvey": 4},
                                         {"rag": "green", "text": "On track"}],
                                        ["Cost", {"harvey": 0}, {"harvey": 3},
                                         {"rag": "red", "text": "Risk"}]]})
    slide = prs.slides[0]
    assert cells(table_of(slide)) == [["Criterion", "A", "B", "Status"],
                                      ["Tech", "", "", "On track"], ["Cost", "", "", "Risk"]]
    shapes = named(slide)
    assert shapes["Harvey 2/4 r1c2"]._element.find(".//" + qn("p:cNvPr")).get("descr") == "2 of 4"
    assert "Harvey 2/4 r1c2 fill" in shapes and "Harvey 3/4 r2c3 fill" in shapes
    assert "Harvey 0/4 r2c2 fill" not in shapes and "Harvey 4/4 r1c3 fill" not in shapes
    # status colours are the design's meaning colours (positive, negative)
    palette = default_design().palette
    assert fill_of(shapes["RAG green r1c4"], palette) == palette.positive
    assert fill_of(shapes["RAG red r2c4"], palette) == palette.negative
    assert fill_of(shapes["Harvey 4/4 r1c3"], palette) == palette.neutral


def test_numbers_are_right_aligned(tmp_path):
    prs, _ = render(tmp_path, {"kind": "table", "title": "T", "columns": ["Year", "Sales"],
                               "rows": [["2024", "1,200億円"], ["2025", "1,500億円"]]})
    table = table_of(prs.slides[0])
    assert table.cell(1, 1).text_frame.paragraphs[0].alignment == 3  # right
    assert table.cell(1, 0).text_frame.paragraphs[0].alignment == 3  # years are numbers too


def test_a_long_table_continues_with_its_header_repeated(tmp_path):
    rows = [[f"Item {i}", f"{i * 10}", "京都と大阪の販売網を統合する計画"] for i in range(120)]
    prs, _ = render(tmp_path, {"kind": "table", "title": "All items", "columns": ["Item",
                                                                                 "Value", "Note"],
                               "rows": rows})
    assert len(prs.slides) > 2
    seen = []
    for index, slide in enumerate(prs.slides):
        grid = cells(table_of(slide))
        assert grid[0] == ["Item", "Value", "Note"]
        seen.extend(row[0] for row in grid[1:])
        title = slide.shapes.title.text
        assert title == ("All items" if index == 0 else "All items (cont.)")
    assert seen == [f"Item {i}" for i in range(120)]


def table_frame(slide):
    return next(shape for shape in slide.shapes if shape.has_table)


def run_sizes(table) -> set[float]:
    return {run.font.size.pt for row in table.rows for cell in row.cells
            for paragraph in cell.text_frame.paragraphs for run in paragraph.runs}


FOUR_ROWS = {"kind": "table", "title": "Partner B leads on three of four criteria",
             "columns": ["Criterion", "Partner A", "Partner B", "Status"],
             "rows": [["Technology", {"harvey": 2}, {"harvey": 4}, {"rag": "green",
                                                                    "text": "On track"}],
                      ["Cost", {"harvey": 3}, {"harvey": 3}, {"rag": "amber", "text": "Watch"}],
                      ["Channel", {"harvey": 1}, {"harvey": 4}, {"rag": "green",
                                                                 "text": "On track"}],
                      ["Culture", {"harvey": 2}, {"harvey": 3}, {"rag": "red", "text": "Risk"}]]}


def test_a_four_row_table_uses_the_body_and_its_text_grows(tmp_path):
    prs, _ = render(tmp_path, FOUR_ROWS)
    body = default_design().frames.body
    frame = table_frame(prs.slides[0])
    table = frame.table
    height = sum(row.height for row in table.rows)
    assert height >= body.height * 2 / 3, (height, body.height)
    assert body.top <= frame.top and frame.top + height <= body.bottom
    # centred in what is left, columns across the body
    assert abs((frame.top - body.top) - (body.bottom - frame.top - height)) <= 2
    assert sum(column.width for column in table.columns) <= body.width
    sizes = run_sizes(table)
    assert len(sizes) == 1 and 14 < sizes.pop() <= default_design().type.body_max
    # the balls grow with the text, still inside their rows
    ball = named(prs.slides[0])["Harvey 2/4 r1c2"]
    assert ball.height > Inches(0.24) and ball.height < table.rows[1].height


def test_next_steps_use_the_body_too(tmp_path):
    actions = [{"action": "Approve the partner shortlist", "owner": "CEO", "due": "15 Dec"},
               {"action": "Fund the due diligence", "owner": "CFO", "due": "10 Jan"},
               {"action": "Name the JV lead", "owner": "COO", "due": "31 Jan"}]
    prs, _ = render(tmp_path, {"kind": "next_steps", "title": "Three decisions",
                               "actions": actions})
    body = default_design().frames.body
    table = table_frame(prs.slides[0]).table
    assert sum(row.height for row in table.rows) >= body.height * 2 / 3


def test_a_table_takeaway_sits_in_a_band_below_the_table(tmp_path):
    prs, _ = render(tmp_path, dict(FOUR_ROWS, takeaway="Partner B is the stronger partner"))
    slide = prs.slides[0]
    body = default_design().frames.body
    band = named(slide)["Takeaway"]
    assert band.text_frame.text == "Partner B is the stronger partner"
    assert band.top + band.height <= body.bottom + 1 and band.top > body.top
    frame = table_frame(slide)
    bottom = frame.top + sum(row.height for row in frame.table.rows)
    assert bottom <= band.top
    # still uses what the band leaves
    assert bottom - body.top >= (band.top - body.top) * 2 / 3


def test_a_long_table_still_splits_and_every_piece_fits_its_body(tmp_path):
    rows = [[f"Item {i}", f"{i * 10}", "京都と大阪の販売網を統合する計画"] for i in range(40)]
    prs, _ = render(tmp_path, {"kind": "table", "title": "All items", "takeaway": "Most grow",
                               "columns": ["Item", "Value", "Note"], "rows": rows})
    assert len(prs.slides) >= 3
    body = default_design().frames.body
    seen = []
    for slide in prs.slides:
        frame = table_frame(slide)
        band = named(slide)["Takeaway"]
        height = sum(row.height for row in frame.table.rows)
        assert frame.top + height <= band.top
        # the last, short piece grows its rows, not its text past the table's natural size
        assert height >= (band.top - body.top) * 2 / 3
        assert max(run_sizes(frame.table)) <= 14
        seen.extend(row.cells[0].text for row in list(frame.table.rows)[1:])
    assert seen == [f"Item {i}" for i in range(40)]


def test_next_steps_use_the_deck_language_for_headers(tmp_path):
    prs, _ = render(tmp_path, {"kind": "next_steps", "title": "今後の進め方を決める",
                               "actions": [{"action": "候補の承認", "owner": "社長",
                                            "due": "12月15日"}]})
    assert cells(table_of(prs.slides[0])) == [["アクション", "担当", "期限"],
                                              ["候補の承認", "社長", "12月15日"]]


def test_a_cell_that_cannot_fit_names_its_place(tmp_path):
    with pytest.raises(FitError, match=r"slide 1 \(table\): rows"):
        render(tmp_path, {"kind": "table", "title": "T", "columns": list("ABCDEFGH"),
                          "rows": [["長い" * 490] + ["x"] * 7]})


def test_a_milestone_timeline(tmp_path):
    prs, _ = render(tmp_path, {"kind": "timeline", "title": "Launch in 2028", "milestones": [
        {"when": "Q1", "label": "Start", "detail": "Team set up"},
        {"when": "Q4", "label": "Launch"}]})
    shapes = named(prs.slides[0])
    assert shapes["Milestone 1 Date"].text_frame.text == "Q1"
    assert shapes["Milestone 1 Text"].text_frame.text == "Start\nTeam set up"
    assert "Timeline Axis" in shapes and "Milestone 2" in shapes


def test_a_roadmap_packs_overlapping_bars(tmp_path):
    prs, _ = render(tmp_path, {"kind": "timeline", "title": "Three workstreams",
                               "periods": ["H1", "H2", "H3"],
                               "lanes": [{"name": "Product", "bars": [
                                   {"label": "Design", "start": "H1", "end": "H2"},
                                   {"label": "Test", "start": "H2", "end": "H3"}]}]})
    shapes = named(prs.slides[0])
    design, test = shapes["Bar 1.1"], shapes["Bar 1.2"]
    assert design.text_frame.text == "Design" and test.top > design.top  # stacked, not overlapping
    assert [shapes[f"Period {i}"].text_frame.text for i in (1, 2, 3)] == ["H1", "H2", "H3"]


def test_process_chevrons(tmp_path):
    prs, _ = render(tmp_path, {"kind": "process", "title": "Four steps", "steps": [
        {"title": "Select", "detail": ["Shortlist"]}, {"title": "Negotiate"},
        {"title": "Build"}, {"title": "Launch"}]})
    shapes = named(prs.slides[0])
    steps = [shapes[f"Step {i}"] for i in range(1, 5)]
    assert [s.text_frame.text for s in steps] == ["Select", "Negotiate", "Build", "Launch"]
    assert steps[0].auto_shape_type == 51 and steps[1].auto_shape_type == 52  # pentagon, chevron
    assert shapes["Step 1 Detail"].text_frame.text == "Shortlist"


def test_an_issue_tree_has_a_box_per_node_and_glued_connectors(tmp_path):
    root = {"text": "Grow profit", "children": [
        {"text": "Volume", "children": [{"text": "Channels"}, {"text": "Fleet"}]},
        {"text": "Price"}, {"text": "Cost", "children": [{"text": "Battery"}]}]}
    prs, _ = render(tmp_path, {"kind": "issue_tree", "title": "Profit drivers", "root": root})
    slide = prs.slides[0]
    boxes = [s for s in slide.shapes if s.name.startswith("Node ")]
    links = [s for s in slide.shapes if s.name.startswith("Link ")]
    assert len(boxes) == 7 and len(links) == 6
    ids = {s.shape_id for s in boxes}
    for link in links:
        start = link._element.find(".//" + qn("a:stCxn"))
        end = link._element.find(".//" + qn("a:endCxn"))
        assert int(start.get("id")) in ids and int(end.get("id")) in ids
        assert start.get("idx") == "3" and end.get("idx") == "1"


@pytest.mark.slow
def test_libreoffice_opens_a_deck_with_every_kind(tmp_path):
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is installed by bin/setup"
    spec = read_outline((REPO / "examples" / "every-kind.ja.md").read_text(encoding="utf-8"))
    path = tmp_path / "every.pptx"
    render_to_file(spec, path)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=240)
    info = subprocess.run(["pdfinfo", str(tmp_path / "every.pdf")], check=True,
                          capture_output=True, text=True).stdout
    assert re.search(rf"^Pages:\s+{len(spec.slides)}$", info, re.M), info


def test_every_xml_part_is_well_formed_and_fonts_are_set(tmp_path):
    import zipfile

    spec = read_outline((REPO / "examples" / "every-kind.en.md").read_text(encoding="utf-8"))
    path = tmp_path / "every.pptx"
    render_to_file(spec, path)
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None
        for name in package.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                etree.fromstring(package.read(name))
    prs = Presentation(str(path))
    for slide in prs.slides:
        for shape in slide.shapes:
            for paragraph in (shape.text_frame.paragraphs if shape.has_text_frame else []):
                for run in paragraph.runs:
                    rpr = run._r.find(qn("a:rPr"))
                    assert rpr.find(qn("a:ea")) is not None and rpr.find(qn("a:latin")) is not None


def test_a_header_row_stands_out_on_a_dark_slide_whose_dark_colour_is_the_background():
    from generator.colours import contrast_ratio
    from generator.design import Palette
    from generator.render.tables import header_fill

    dark = Palette(dk2="2C3C43", paper="2C3C43", ink="FFFFFF")
    fill = header_fill(dark)
    assert contrast_ratio(fill, dark.background) >= 1.5
    assert contrast_ratio("FFFFFF", fill) >= 4.5  # the header's words still read on it
    assert header_fill(Palette()) == Palette().dk2
