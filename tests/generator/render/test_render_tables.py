"""Tables (Harvey balls, RAG, continuation) and diagrams (timeline, roadmap, process, tree)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from lxml import etree
from pptx import Presentation
from pptx.oxml.ns import qn

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
    assert str(shapes["RAG green r1c4"].fill.fore_color.rgb) == "2E8B57"
    assert str(shapes["RAG red r2c4"].fill.fore_color.rgb) == "C0392B"


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
