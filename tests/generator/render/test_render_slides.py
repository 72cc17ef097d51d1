"""Text-led slide kinds and the deck furniture, rendered and read back with python-pptx."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn

from generator.errors import FitError, SpecError
from generator.render import render_to_file
from generator.spec import load_spec

TEXT_DECK = {
    "title": "国内EV市場への参入戦略",
    "slides": [
        {"kind": "cover", "title": "国内EV市場への参入戦略", "subtitle": "取締役会向け討議資料",
         "author": "経営企画部", "date": "2026年11月"},
        {"kind": "agenda", "title": "本日のアジェンダ", "items": ["市場概観", "競争環境", "提言"],
         "current": 2},
        {"kind": "section", "title": "市場概観", "number": "01"},
        {"kind": "executive_summary", "title": "提携による早期参入が最も高い価値を生む",
         "points": [{"text": "国内EV市場は2030年までに年率25%で成長する", "sub": ["政策支援が牽引"]},
                    "電池制御技術は中価格帯で差別化要因となる"],
         "source": "経済産業省、当社分析", "notes": "冒頭で結論を述べる"},
        {"kind": "message", "title": "中価格帯に集中すべきである", "tracker": "競争環境",
         "points": ["価格感応度が最も高い", "競合の参入が遅れている"], "callout": "今期中に決定する",
         "footnote": "2026年10月時点"},
        {"kind": "two_column", "title": "提携シナリオが最も高いNPVを示す",
         "left": {"heading": "単独参入", "points": ["NPV 120億円"]},
         "right": {"heading": "提携参入", "points": ["NPV 210億円"]}},
        {"kind": "kpi", "title": "主要KPIは計画を上回った", "metrics": [
            {"value": "3.2兆円", "label": "2030年市場規模", "delta": "+25%", "trend": "up",
             "good": True},
            {"value": "5年", "label": "回収期間"}]},
        {"kind": "quote", "title": "顧客は価格より航続距離を重視している",
         "quote": "400kmを超えれば価格差は気にならない", "attribution": "ディーラー経営者"},
        {"kind": "appendix"},
        {"kind": "message", "title": "補足データ", "points": ["詳細"]},
    ],
}


def render(tmp_path, data, name="deck.pptx", **kwargs):
    out = tmp_path / name
    render_to_file(load_spec(data, base_dir=kwargs.get("base_dir")), out, **kwargs)
    return Presentation(str(out)), out


def title_of(slide):
    for shape in slide.placeholders:
        if shape.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
            return shape.text_frame.text
    return None


def all_runs(prs):
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                for paragraph in shape.text_frame.paragraphs:
                    yield from paragraph.runs


def test_every_text_kind_renders_with_titles_in_title_placeholders(tmp_path):
    prs, _ = render(tmp_path, TEXT_DECK)
    assert len(prs.slides) == 10
    assert prs.slide_width == 12191695 and prs.slide_height == 6858000
    titles = [title_of(slide) for slide in prs.slides]
    assert titles[0] == "国内EV市場への参入戦略"
    assert titles[3] == "提携による早期参入が最も高い価値を生む"
    assert titles[8] == "参考資料"  # appendix divider in the deck language


def test_every_run_carries_latin_and_east_asian_typefaces(tmp_path):
    prs, _ = render(tmp_path, TEXT_DECK)
    runs = list(all_runs(prs))
    assert len(runs) > 30
    for run in runs:
        rpr = run._r.find(qn("a:rPr"))
        assert rpr.find(qn("a:latin")).get("typeface") == "Arial"
        assert rpr.find(qn("a:ea")).get("typeface") == "Noto Sans CJK JP"
        assert rpr.get("lang") == "ja-JP"


def test_every_shape_lies_on_the_slide(tmp_path):
    prs, _ = render(tmp_path, TEXT_DECK)
    for slide in prs.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= prs.slide_width
            assert shape.top + shape.height <= prs.slide_height


def test_furniture_tracker_source_footnote_page_number_and_notes(tmp_path):
    prs, _ = render(tmp_path, TEXT_DECK)
    summary, message = prs.slides[3], prs.slides[4]
    names = {shape.name: shape for shape in message.shapes}
    assert names["Tracker"].text_frame.text == "競争環境"
    assert names["Source"].text_frame.text == "注：2026年10月時点"
    assert "出典：経済産業省、当社分析" in {s.name: s for s in summary.shapes}["Source"].text_frame.text
    field = names["Page Number"]._element.find(".//" + qn("a:fld"))
    assert field.get("type") == "slidenum" and field.find(qn("a:t")).text == "5"
    assert summary.notes_slide.notes_text_frame.text == "冒頭で結論を述べる"
    appendix_detail = prs.slides[9]
    assert {s.name: s for s in appendix_detail.shapes}["Tracker"].text_frame.text == "参考資料"


def test_agenda_marks_the_current_item(tmp_path):
    prs, _ = render(tmp_path, TEXT_DECK)
    agenda = {shape.name: shape for shape in prs.slides[1].shapes}
    assert agenda["Agenda Item 2"].text_frame.paragraphs[0].runs[0].font.bold is True
    assert agenda["Agenda Item 1"].text_frame.paragraphs[0].runs[0].font.bold is False
    assert "Current Marker" in agenda


def test_kpi_values_labels_and_deltas(tmp_path):
    prs, _ = render(tmp_path, TEXT_DECK)
    texts = {shape.name: shape.text_frame.text for shape in prs.slides[6].shapes
             if shape.has_text_frame}
    assert texts["KPI Value 1"] == "3.2兆円" and texts["KPI Label 2"] == "回収期間"
    assert texts["KPI Delta 1"] == "▲ +25%"


def test_more_than_six_points_continue_on_a_second_slide(tmp_path):
    points = [f"Point number {i}" for i in range(9)]
    prs, _ = render(tmp_path, {"title": "D", "slides": [
        {"kind": "message", "title": "Nine points are too many", "points": points}]})
    assert len(prs.slides) == 2
    assert title_of(prs.slides[1]) == "Nine points are too many (cont.)"
    bodies = ["\n".join(p.text for p in {s.name: s for s in slide.shapes}["Body"]
                        .text_frame.paragraphs) for slide in prs.slides]
    assert "\n".join(bodies).split("\n") == points


def test_long_bullets_shrink_then_continue_never_overflow(tmp_path):
    long_point = "当社の成長戦略の中核は、既存顧客基盤を活用した新規事業の早期立ち上げにある。" * 6
    prs, _ = render(tmp_path, {"title": "D", "slides": [
        {"kind": "message", "title": "長い箇条書き", "points": [long_point] * 6}]})
    assert len(prs.slides) >= 2
    for slide in prs.slides:
        body = {s.name: s for s in slide.shapes}["Body"]
        sizes = {run.font.size.pt for p in body.text_frame.paragraphs for run in p.runs}
        assert min(sizes) >= 12


def test_a_title_that_cannot_fit_two_lines_is_an_error_naming_the_place(tmp_path):
    title = "This action title goes on and on " * 8
    with pytest.raises(FitError) as info:
        render(tmp_path, {"title": "D", "slides": [
            {"kind": "message", "title": "fine"}, {"kind": "message", "title": title.strip()}]})
    assert "slide 2 (message): title" in str(info.value)
    assert not (tmp_path / "deck.pptx").exists()


def test_a_failed_render_leaves_an_existing_file_untouched(tmp_path):
    prs, out = render(tmp_path, TEXT_DECK)
    before = out.read_bytes()
    with pytest.raises(FitError):
        render(tmp_path, {"title": "D", "slides": [{"kind": "message", "title": "x " * 140}]})
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pptx"]


def test_same_input_gives_the_same_parts(tmp_path):
    _, first = render(tmp_path, TEXT_DECK, name="a.pptx")
    _, second = render(tmp_path, TEXT_DECK, name="b.pptx")
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != "docProps/core.xml":
                assert a.read(name) == b.read(name), name


def test_pictures_are_confined_to_the_outline_folder(tmp_path):
    Image.new("RGB", (400, 300), "navy").save(tmp_path / "chart.png")
    deck = {"title": "D", "slides": [{"kind": "message", "title": "With a picture",
                                      "points": ["left"], "image": {"path": "chart.png",
                                                                    "alt": "A navy box"}}]}
    prs, _ = render(tmp_path, deck, base_dir=tmp_path)
    picture = {s.name: s for s in prs.slides[0].shapes}["Picture"]
    assert picture._element.nvPicPr.cNvPr.get("descr") == "A navy box"
    deck["slides"][0]["image"]["path"] = "../etc/passwd"
    with pytest.raises(SpecError, match="cannot leave the outline's folder"):
        render(tmp_path, deck, name="x.pptx", base_dir=tmp_path)
    deck["slides"][0]["image"]["path"] = "missing.png"
    with pytest.raises(SpecError, match="does not exist"):
        render(tmp_path, deck, name="y.pptx", base_dir=tmp_path)


@pytest.mark.slow
def test_libreoffice_opens_the_deck(tmp_path):
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is installed by bin/setup"
    _, out = render(tmp_path, TEXT_DECK)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   check=True, capture_output=True, timeout=180)
    info = subprocess.run(["pdfinfo", str(tmp_path / "deck.pdf")], check=True,
                          capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+10$", info, re.M), info


def test_process_step_titles_fit_inside_the_chevrons_own_text_area(tmp_path):
    # the chevron's point and notch (half its height at each end) take no text: a step
    # title sized for the whole box wraps mid-word in the renderers ("Neg / otiat / e")
    from generator.fonts import measurer

    steps = [{"title": word} for word in ("Select", "Negotiate", "Build", "Launch", "Integrate",
                                          "Review")]
    prs, _ = render(tmp_path, {"title": "T", "slides": [
        {"kind": "process", "title": "Six steps", "steps": steps}]})
    shapes = {shape.name: shape for shape in prs.slides[0].shapes}
    for number in range(2, 7):
        shape = shapes[f"Step {number}"]
        frame = shape.text_frame
        run = frame.paragraphs[0].runs[0]
        room = (shape.width - min(shape.width, shape.height) - frame.margin_left
                - frame.margin_right)
        word = measurer("Arial", "Noto Sans CJK JP", True).width_em(run.text)
        assert word * run.font.size.pt * 12700 <= room, run.text
