"""Sources through the page, the review of numbers, and one-slide revisions."""

from __future__ import annotations

import copy
import html
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from generator.decks import generate

from generator import tasks
from generator.material import pack
from generator.material.intake import SourceFile
from generator.models import ApiUsage, GeneratedPresentation
from generator.spec import load_spec
from tests.sharedfiles import use_local_files

from tests.generator.material import makefiles
from tests.generator.material.decks import BRIEF, DECK, STORYLINE

pytestmark = pytest.mark.django_db(transaction=True)
FORM = {"topic": "Should we enter the domestic EV market?", "audience": "the board",
        "objective": "decide on a partnership", "length": 12, "language": "en"}


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_sources_on_the_page_reach_the_storyline_and_its_review(client, alice, fake_openai,
                                                                settings, tmp_path):
    use_local_files(settings, tmp_path)
    client.force_login(alice)
    page = client.get("/decks/new/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'id="brief-estimate"' in page
    response = client.post("/decks/new/brief/", {**FORM, "sources": [
        upload("report.pdf", makefiles.market_report_pdf()),
        upload("data.xlsx", makefiles.data_pack_xlsx())]})
    row = GeneratedPresentation.objects.get()
    assert response.status_code == 302 and pack.load(row.pk).documents[1]["name"] == "data.xlsx"
    storyline = copy.deepcopy(STORYLINE)
    storyline["slides"][2]["title"] = "The market reached JPY 1.3tn and grows 18% a year"
    fake_openai.reply(storyline)
    tasks.draft_storyline(row.pk)
    assert "[T2] data.xlsx, 'Share'" in fake_openai.chat_requests()[0].body["messages"][1]["content"]
    page = client.get(f"/decks/{row.pk}/").content.decode()
    assert 'id="unverified-numbers"' in page and "<code>1.3tn</code>" in page
    assert "report.pdf, data.xlsx" in page and 'id="fill-estimate"' in page
    row.refresh_from_db()
    client.post(f"/decks/{row.pk}/storyline/", {"storyline": json.dumps(STORYLINE)})
    fake_openai.reply(DECK)
    tasks.generate_presentation(row.pk)
    row.refresh_from_db()
    assert row.status == "done", row.error
    assert row.spec["slides"][4]["chart"]["series"][0]["values"] == [0.31, 0.24, 0.18]
    assert ApiUsage.objects.filter(presentation=row).count() == 2
    page = html.unescape(client.get(f"/decks/{row.pk}/").content.decode())
    assert 'id="deck-numbers"' in page and "<code>37%</code>" in page and 'id="revise-slide"' in page


@pytest.mark.parametrize("name, data, says", [
    ("numbers.xlsx", makefiles.zip_bomb_xlsx(), "numbers.xlsx: The part 'xl/worksheets/sheet1.xml'"),
    ("locked.pdf", makefiles.encrypted_pdf(), "locked.pdf: the PDF is encrypted"),
])
def test_a_refused_source_is_named_on_the_form_and_nothing_is_queued(client, alice, fake_openai,
                                                                     name, data, says):
    client.force_login(alice)
    response = client.post("/decks/new/brief/", {**FORM, "sources": [
        upload("report.pdf", makefiles.market_report_pdf()), upload(name, data)]})
    assert response.status_code == 400
    assert says in html.unescape(response.content.decode())
    assert GeneratedPresentation.objects.count() == 0 and fake_openai.chat_requests() == []


def _finished_deck(alice, material) -> GeneratedPresentation:
    spec = load_spec(DECK)
    row = GeneratedPresentation.objects.create(owner=alice, source_kind="brief",
                                               source_text=BRIEF, storyline=STORYLINE)
    pack.store(row.pk, material)
    return generate.generate_now(spec=spec, source_kind="brief", source_text=BRIEF,
                                 owner=alice, presentation=row)


def _slide_parts(path) -> dict[str, bytes]:
    """Every slide's XML and its charts, by slide number."""
    from generator import files

    parts = {}
    with zipfile.ZipFile(files.local_path(path)) as archive:
        for name in archive.namelist():
            if name.startswith("ppt/slides/slide") and name.endswith(".xml"):
                parts[name] = archive.read(name)
            if name.startswith("ppt/slides/_rels/"):
                parts[name] = archive.read(name)
    return parts


def test_revising_one_slide_costs_one_call_and_changes_only_that_slide(client, alice, fake_openai,
                                                                       settings, tmp_path):
    use_local_files(settings, tmp_path)
    material = pack.build([SourceFile("report.pdf", makefiles.market_report_pdf()),
                           SourceFile("data.xlsx", makefiles.data_pack_xlsx())])
    row = _finished_deck(alice, material)
    revised = {"kind": "message", "title": "The market reached JPY 1,200bn and grows 18% a year",
               "points": [{"text": "JPY 1,200bn in 2024", "sub": []},
                          {"text": "18% growth a year", "sub": []},
                          {"text": "Passenger cars: 74% of sales", "sub": []}], "source": "P1, P2"}
    fake_openai.reply({"slide": revised})
    client.force_login(alice)
    response = client.post(f"/decks/{row.pk}/revise/", {"slide": 3,
                                                         "instruction": "shorten to three bullets"})
    new = GeneratedPresentation.objects.exclude(pk=row.pk).get()
    assert response.status_code == 302 and response.url == f"/decks/{new.pk}/"
    assert len(fake_openai.chat_requests()) == 1
    assert list(ApiUsage.objects.values_list("purpose", flat=True)) == ["revise"]
    request = fake_openai.chat_requests()[0].body
    assert request["response_format"]["json_schema"]["name"] == "slide"
    assert "shorten to three bullets" in request["messages"][1]["content"]
    tasks.generate_presentation(new.pk)
    new.refresh_from_db()
    assert new.status == "done" and new.version == 2 and new.parent_id == row.pk, new.error
    assert new.spec["slides"][2]["source"] == "P1, P2" or "report.pdf" in new.spec["slides"][2]["source"]
    before, after = _slide_parts(row.file), _slide_parts(new.file)
    assert before.keys() == after.keys()
    changed = [name for name in before if before[name] != after[name]]
    assert changed == ["ppt/slides/slide3.xml"]


def test_a_revised_chart_keeps_its_numbers_from_the_cells(alice, fake_openai, settings, tmp_path):
    from generator.decks.revision import revise_presentation

    use_local_files(settings, tmp_path)
    material = pack.build([SourceFile("report.pdf", makefiles.market_report_pdf()),
                           SourceFile("data.xlsx", makefiles.data_pack_xlsx())])
    row = _finished_deck(alice, material)
    fake_openai.reply({"slide": {
        "kind": "chart", "title": "Kanto leads revenue growth across regions",
        "chart": {"type": "bar", "categories": ["x"], "series": [{"name": "s", "values": [7]}]}}})
    new = revise_presentation(row, number=4, instruction="make this a bar chart", user=alice)
    chart = new.spec["slides"][3]["chart"]
    assert chart["type"] == "bar" and chart["series"][0]["values"] == [410.0, 455.0, 512.0]


@pytest.mark.parametrize("slide, instruction, says", [
    (99, "shorten", "There is no slide 99"), (2, "  ", "Say what to change"),
    (2, "x" * 1001, "longer than 1000")])
def test_a_bad_revision_is_refused_before_any_call(client, alice, fake_openai, settings,
                                                   tmp_path, slide, instruction, says):
    use_local_files(settings, tmp_path)
    row = _finished_deck(alice, pack.build([SourceFile("n.txt", b"Notes 42")]))
    client.force_login(alice)
    response = client.post(f"/decks/{row.pk}/revise/", {"slide": slide,
                                                         "instruction": instruction}, follow=True)
    assert says in response.content.decode()
    assert GeneratedPresentation.objects.count() == 1 and fake_openai.chat_requests() == []


def test_another_users_deck_cannot_be_revised(client, alice, bob, fake_openai, settings, tmp_path):
    use_local_files(settings, tmp_path)
    row = _finished_deck(alice, pack.build([SourceFile("n.txt", b"Notes 42")]))
    client.force_login(bob)
    response = client.post(f"/decks/{row.pk}/revise/", {"slide": 2, "instruction": "shorten"})
    assert response.status_code == 404 and fake_openai.chat_requests() == []


def test_a_formula_csv_never_becomes_a_formula_in_the_chart_workbook(alice, settings, tmp_path):
    from generator.llm import drafting
    from generator import files
    from generator.material import prompts

    use_local_files(settings, tmp_path)
    material = pack.build([SourceFile("channels.csv", makefiles.FORMULA_CSV)])
    storyline = drafting.Storyline.model_validate({
        "title": "Channels", "language": "en", "slides": [
            {"kind": "chart", "title": "Sales by channel", "sources": ["T1"],
             "data": {"table": "T1", "range": "A1:B5", "chart": "bar"}}]})
    deck = prompts.apply({"title": "Channels", "slides": [
        {"kind": "chart", "title": "Sales by channel",
         "chart": {"type": "bar", "categories": ["a"], "series": [{"name": "s", "values": [1]}]}}]},
        storyline, material)
    spec = load_spec(deck)
    assert spec.slides[0].chart.categories[0].startswith("=HYPERLINK")
    row = generate.generate_now(spec=spec, source_kind="spec", source_text="{}", owner=alice)
    with zipfile.ZipFile(files.local_path(row.file)) as deck_zip:
        embedded = [n for n in deck_zip.namelist() if n.endswith(".xlsx")]
        assert embedded
        with zipfile.ZipFile(io.BytesIO(deck_zip.read(embedded[0]))) as book:
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
            strings = book.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet and "HYPERLINK" not in sheet
    assert "=HYPERLINK" in strings and "@SUM(A1:A9)" in strings
