"""Lint on the rendered pictures: contrast as drawn, text outside its box, overlaps,
content over the template's graphics; stored with the deck and shown as problems."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.util import Inches, Pt

from generator import files

from generator.previews import deck_pictures
from generator.lint import lint_file
from generator.lint.rendered import RenderedIssue
from generator.models import GeneratedPresentation
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db
Status = GeneratedPresentation.Status


def _text(slide, box, text, *, color="1E1E1E", size=16, name=None):
    shape = slide.shapes.add_textbox(*(int(Inches(v)) for v in box))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.text = text
    for run in frame.paragraphs[0].runs:
        run.font.size = Pt(size)
        run.font.color.rgb = RGBColor.from_string(color)
    if name:
        shape.name = name
    return shape


def _dark_picture() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (200, 100), (0x1E, 0x1E, 0x1E)).save(out, format="PNG")
    out.seek(0)
    return out


def hostile_deck(path):
    """Slide 1 clean; slide 2 pale text on white and dark text on a dark picture (the XML
    cannot judge a picture); slide 3 text spilling out of its box and a title running
    into the table under it."""
    prs = Presentation()
    blank = prs.slide_layouts[6]
    clean = prs.slides.add_slide(blank)
    _text(clean, (0.5, 0.5, 9, 1), "Dark text on white reads well", name="Clean")
    pale = prs.slides.add_slide(blank)
    _text(pale, (0.5, 0.5, 9, 1), "Pale grey text on white", color="DDDDDD", name="Pale")
    picture = pale.shapes.add_picture(_dark_picture(), Inches(0.5), Inches(3), Inches(6),
                                      Inches(3))
    picture.name = "Photo"
    _text(pale, (0.7, 3.5, 5.5, 1), "Dark text on a dark photo", color="333333",
          name="On Photo")
    messy = prs.slides.add_slide(blank)
    _text(messy, (0.5, 5.0, 1.5, 0.35), "This sentence is far too long for its tiny box "
          "and spills below it onto the slide", size=14, name="Spill")
    table = messy.shapes.add_table(3, 3, Inches(0.5), Inches(2.0), Inches(9), Inches(1.5))
    table.name = "Table"
    _text(messy, (0.5, 1.3, 9, 1.0), "A title of two lines that runs down into the table "
          "that sits under it on this slide", size=28, name="Title Text")
    prs.save(str(path))
    return path


@pytest.fixture
def rendered_deck(alice, settings, tmp_path):
    """A finished deck row with its previews rendered (and linted) by LibreOffice."""
    use_local_files(settings, tmp_path / "data")
    settings.PREVIEWS_ENABLED = True
    deck = hostile_deck(tmp_path / "hostile.pptx")
    name = files.store(deck, "presentations/deck-hostile.pptx")
    row = GeneratedPresentation.objects.create(
        owner=alice, source_kind="spec", source_text="{}", title="Hostile", status=Status.DONE,
        file=name, slide_count=3, lint_report=lint_file(deck).to_dict())
    deck_pictures.ensure_previews(row.pk)
    row.refresh_from_db()
    return row


@pytest.mark.slow
def test_rendered_checks_find_what_the_xml_cannot_see(rendered_deck):
    issues = rendered_deck.lint_report["issues"]
    found = {(i["slide"], i["shape"], i["rule"]) for i in issues if i.get("rendered")}
    assert (2, "Pale", "rendered_contrast") in found
    assert (2, "On Photo", "rendered_contrast") in found
    assert (3, "Spill", "outside_box") in found
    assert (3, "Title Text", "overlap") in found
    assert not [i for i in found if i[0] == 1], found  # the clean slide stays clean
    xml_rules = {(i["slide"], i["rule"]) for i in issues if not i.get("rendered")}
    assert (2, "contrast") in xml_rules and (2, "rendered_contrast") not in xml_rules
    summary = rendered_deck.lint_report["summary"]
    assert summary["rendered"] is True
    assert summary["errors"] == sum(1 for i in issues if i["severity"] == "error")


@pytest.mark.slow
def test_a_deck_with_problems_is_never_a_plain_done(rendered_deck, client, alice):
    client.force_login(alice)
    count = rendered_deck.lint_error_count
    assert count >= 4
    page = client.get(f"/decks/{rendered_deck.pk}/").content.decode()
    assert f"Done — {count} problems" in page and "status-problems" in page
    assert "outside_box" in page and "rendered_contrast" in page
    data = json.loads(client.get(f"/api/presentations/{rendered_deck.pk}").content)
    assert data["problems"] == count and data["status_label"] == f"Done — {count} problems"
    rules = {issue["rule"] for issue in data["lint"]["issues"]}
    assert {"outside_box", "overlap", "rendered_contrast"} <= rules


def test_a_clean_deck_is_done(client, alice, settings, tmp_path):
    use_local_files(settings, tmp_path / "data")
    row = GeneratedPresentation.objects.create(
        owner=alice, source_kind="spec", source_text="{}", title="Clean", status=Status.DONE,
        slide_count=1, lint_report={"summary": {"errors": 0, "warnings": 2}, "issues": []})
    client.force_login(alice)
    page = client.get(f"/decks/{row.pk}/").content.decode()
    assert "problem" not in page.split('id="status-label"')[1].split("</span>")[0]
    data = json.loads(client.get(f"/api/presentations/{row.pk}").content)
    assert data["problems"] == 0 and data["status_label"] == "Done"


def test_rendered_issues_replace_those_of_an_earlier_run():
    report = {"summary": {"errors": 2, "warnings": 1, "slides": 3}, "issues": [
        {"slide": 1, "shape": "A", "rule": "overflow", "severity": "error", "message": "x"},
        {"slide": 2, "shape": "B", "rule": "outside_box", "severity": "error", "message": "y",
         "rendered": True},
        {"slide": 3, "shape": "C", "rule": "no_source", "severity": "warning", "message": "z"},
    ]}
    merged = deck_pictures.merge_rendered(report, [RenderedIssue(2, "D", "overlap", "w")])
    assert [(i["slide"], i["rule"]) for i in merged["issues"]] == [
        (1, "overflow"), (2, "overlap"), (3, "no_source")]
    assert merged["summary"] == {"errors": 2, "warnings": 1, "slides": 3, "rendered": True}
    assert deck_pictures.merge_rendered(merged, [])["summary"]["errors"] == 1
