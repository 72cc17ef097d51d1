"""Lint on written decks: each rule fires on the right slide and shape; clean decks are clean."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.util import Inches, Pt

from generator.errors import InvalidDeckFile
from generator.lint import lint_file
from generator.outline import read_outline
from generator.render import render_to_file
from generator.spec import load_spec
from tests.conftest import REPO

MESSAGE = {"title": "Deck", "slides": [{"kind": "message", "title": "A clear message",
                                         "points": ["One point", "Another point"]}]}


def rules(report, severity="error"):
    return [(issue.slide, issue.shape, issue.rule) for issue in report.issues
            if issue.severity == severity]


def rendered(tmp_path, data=MESSAGE):
    path = tmp_path / "deck.pptx"
    render_to_file(load_spec(data), path)
    return path


def blank_deck():
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # title only
    slide.shapes.title.text = "A title"
    return prs, slide


def textbox(slide, text, *, left=1, top=2, width=4, height=1, size=14):
    shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    shape.text_frame.word_wrap = True
    shape.text_frame.auto_size = MSO_AUTO_SIZE.NONE  # a fixed box (not one that grows)
    shape.text_frame.text = text
    for paragraph in shape.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(size)
    return shape


@pytest.mark.parametrize("name", ["every-kind.en.md", "every-kind.ja.md"])
def test_rendered_examples_are_lint_clean(tmp_path, name):
    spec = read_outline((REPO / "examples" / name).read_text(encoding="utf-8"))
    path = tmp_path / "deck.pptx"
    render_to_file(spec, path)
    report = lint_file(path)
    assert report.errors == 0 and report.warnings == 0, report.to_dict()["issues"]
    assert report.slides == len(Presentation(str(path)).slides)


def test_the_json_example_is_the_english_outline_as_a_spec(tmp_path):
    spec = load_spec(json.loads((REPO / "examples" / "every-kind.json").read_text("utf-8")))
    assert spec == read_outline((REPO / "examples" / "every-kind.en.md").read_text("utf-8"))
    path = tmp_path / "deck.pptx"
    render_to_file(spec, path)
    assert lint_file(path).errors == 0


def test_text_made_to_overflow_is_caught(tmp_path):
    path = rendered(tmp_path)
    prs = Presentation(str(path))
    body = next(s for s in prs.slides[0].shapes if s.name == "Body")
    for paragraph in body.text_frame.paragraphs:
        paragraph.runs[0].text = paragraph.runs[0].text * 200
    prs.save(path)
    assert (1, "Body", "overflow") in rules(lint_file(path))


def test_japanese_overflow_is_caught(tmp_path):
    prs, slide = blank_deck()
    long = textbox(slide, "国内EV市場は2030年までに年率25%で成長し、3.2兆円規模に達する。" * 3,
                   height=0.6)
    short = textbox(slide, "短い文", top=4, height=0.6)
    prs.save(tmp_path / "d.pptx")
    found = rules(lint_file(tmp_path / "d.pptx"))
    assert (1, long.name, "overflow") in found and (1, short.name, "overflow") not in found


def test_a_shape_off_the_slide_is_caught(tmp_path):
    path = rendered(tmp_path)
    prs = Presentation(str(path))
    body = next(s for s in prs.slides[0].shapes if s.name == "Body")
    body.left = prs.slide_width - Inches(1)
    prs.save(path)
    assert (1, "Body", "off_slide") in rules(lint_file(path))


def test_small_fonts_are_caught(tmp_path):
    prs, slide = blank_deck()
    tiny = textbox(slide, "tiny", size=7)
    fine = textbox(slide, "fine", top=4, size=9)
    prs.save(tmp_path / "d.pptx")
    found = rules(lint_file(tmp_path / "d.pptx"))
    assert (1, tiny.name, "min_font") in found and (1, fine.name, "min_font") not in found


def test_low_contrast_is_caught_against_the_shape_fill(tmp_path):
    prs, slide = blank_deck()
    grey = textbox(slide, "grey on grey")
    grey.fill.solid()
    grey.fill.fore_color.rgb = RGBColor(0x99, 0x99, 0x99)
    grey.text_frame.paragraphs[0].runs[0].font.color.rgb = RGBColor(0x77, 0x77, 0x77)
    ok = textbox(slide, "white on navy", top=4)
    ok.fill.solid()
    ok.fill.fore_color.rgb = RGBColor(0x16, 0x32, 0x4F)
    ok.text_frame.paragraphs[0].runs[0].font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    prs.save(tmp_path / "d.pptx")
    found = rules(lint_file(tmp_path / "d.pptx"))
    assert (1, grey.name, "contrast") in found and (1, ok.name, "contrast") not in found


def test_contrast_looks_at_the_filled_shape_behind(tmp_path):
    prs, slide = blank_deck()
    panel = slide.shapes.add_shape(1, Inches(0.5), Inches(1.5), Inches(6), Inches(3))
    panel.fill.solid()
    panel.fill.fore_color.rgb = RGBColor(0x20, 0x20, 0x20)
    text = textbox(slide, "dark on dark")
    text.text_frame.paragraphs[0].runs[0].font.color.rgb = RGBColor(0x40, 0x40, 0x40)
    prs.save(tmp_path / "d.pptx")
    assert (1, text.name, "contrast") in rules(lint_file(tmp_path / "d.pptx"))


def test_a_three_line_title_is_caught(tmp_path):
    prs, slide = blank_deck()
    slide.shapes.title.text = "An action title that keeps going " * 6
    slide.shapes.title.text_frame.paragraphs[0].runs[0].font.size = Pt(32)
    prs.save(tmp_path / "d.pptx")
    assert any(rule == "title_lines" for _, _, rule in rules(lint_file(tmp_path / "d.pptx")))


def test_seven_bullets_are_caught(tmp_path):
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])  # title and content: bulleted body
    slide.shapes.title.text = "Too many"
    body = slide.placeholders[1].text_frame
    body.text = "one"
    for word in ("two", "three", "four", "five", "six", "seven"):
        body.add_paragraph().text = word
    prs.save(tmp_path / "d.pptx")
    found = rules(lint_file(tmp_path / "d.pptx"))
    assert any(rule == "bullets" for _, _, rule in found)


def test_warnings_for_missing_title_alt_text_and_empty_placeholders(tmp_path):
    from PIL import Image

    Image.new("RGB", (20, 20), "red").save(tmp_path / "p.png")
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    picture = slide.shapes.add_picture(str(tmp_path / "p.png"), Inches(1), Inches(1))
    picture._element.nvPicPr.cNvPr.set("descr", "")
    prs.save(tmp_path / "d.pptx")
    warnings = {rule for _, _, rule in rules(lint_file(tmp_path / "d.pptx"), "warning")}
    assert {"no_title", "alt_text", "empty_placeholder"} <= warnings


def test_every_corpus_deck_lints_without_crashing(corpus_pptx):
    assert corpus_pptx
    for path in corpus_pptx:
        report = lint_file(path)
        assert report.slides == len(Presentation(str(path)).slides)


def test_a_bad_file_is_refused(tmp_path):
    bad = tmp_path / "bad.pptx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InvalidDeckFile):
        lint_file(bad)


def test_the_lint_command_exit_codes(tmp_path, capsys):
    clean = rendered(tmp_path)
    call_command("lint", str(clean))
    assert "0 errors" in capsys.readouterr().out
    prs, slide = blank_deck()
    textbox(slide, "tiny", size=6)
    prs.save(tmp_path / "bad.pptx")
    with pytest.raises(CommandError) as info:
        call_command("lint", str(tmp_path / "bad.pptx"), "--json")
    assert info.value.returncode == 1
    with pytest.raises(CommandError):
        call_command("lint", str(tmp_path / "missing.pptx"))
