"""The deck page follows a deck until its pictures and PDF exist, says each word once, and
downloads are named after the deck's title and version.  Django's test client, real decks,
real LibreOffice for the pictures."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest
from django.utils import translation

from generator.web import deck_page

from generator.previews import deck_pictures

from generator import tasks
from generator.web.download_names import ascii_fallback, attachment_header, deck_file_name
from generator.models import GeneratedPresentation
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db
Status = GeneratedPresentation.Status


def _deck(owner, tmp_path, settings, title="Market entry", *, previews_on=False):
    settings.PREVIEWS_ENABLED = previews_on
    use_local_files(settings, tmp_path)
    spec = {"title": title, "slides": [
        {"kind": "message", "title": "We should enter through a partnership", "points": ["Fast"]},
        {"kind": "message", "title": "The partner brings the dealer network", "points": ["Wide"]}]}
    row = GeneratedPresentation.objects.create(owner=owner, source_kind="spec",
                                               source_text=json.dumps(spec), spec=spec,
                                               title=title)
    tasks.generate_presentation(row.pk)
    row.refresh_from_db()
    assert row.status == Status.DONE
    return row


def _disposition(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    assert b"".join(response.streaming_content)  # read to its end, which closes the file
    return response["Content-Disposition"]


def _status(client, row) -> dict:
    response = client.get(f"/decks/{row.pk}/status.json")
    assert response.status_code == 200
    return response.json()


# -- following the deck -----------------------------------------------------------------------
@pytest.mark.slow
def test_a_done_deck_is_followed_until_its_pictures_and_pdf_exist(client, alice, tmp_path,
                                                                   settings):
    row = _deck(alice, tmp_path, settings, previews_on=True)
    if not deck_pictures.available():
        pytest.skip("LibreOffice and pdftoppm are installed by bin/setup")
    client.force_login(alice)
    page = client.get(f"/decks/{row.pk}/").content.decode()
    assert 'data-pictures-pending="1"' in page and 'id="pdf-link"' in page
    assert "reload in a moment" not in page
    before = _status(client, row)
    assert before["pictures_pending"] and before["pictures"] == [] and before["pdf_url"] is None
    assert before["stage_label"] == "Rendering the pictures"

    tasks.render_previews(row.pk)  # what the worker does next

    after = _status(client, row)
    assert not after["pictures_pending"] and after["stage_label"] == ""
    assert after["pictures"] == [f"/decks/{row.pk}/slides/1.png", f"/decks/{row.pk}/slides/2.png"]
    assert after["pdf_url"] == f"/decks/{row.pk}/pdf/" and after["pictures_checked"]
    for url in after["pictures"]:
        picture = client.get(url)
        assert picture.status_code == 200 and b"".join(picture.streaming_content)[:4] == b"\x89PNG"
    pdf = client.get(after["pdf_url"])
    assert b"".join(pdf.streaming_content)[:4] == b"%PDF"
    page = client.get(f"/decks/{row.pk}/").content.decode()
    assert "data-pictures-pending" not in page and f"/decks/{row.pk}/slides/2.png" in page


def test_with_previews_off_the_page_stops_following(client, alice, tmp_path, settings):
    row = _deck(alice, tmp_path, settings, previews_on=False)
    client.force_login(alice)
    page = client.get(f"/decks/{row.pk}/").content.decode()
    assert "data-pictures-pending" not in page and "Previews are off" in page
    data = _status(client, row)
    assert not data["pictures_pending"] and data["pictures"] == [] and data["pdf_url"] is None


def test_the_status_json_is_only_for_who_may_see_the_deck(client, alice, bob, tmp_path, settings):
    row = _deck(alice, tmp_path, settings)
    assert client.get(f"/decks/{row.pk}/status.json").status_code == 302  # log in first
    client.force_login(bob)
    assert client.get(f"/decks/{row.pk}/status.json").status_code == 404
    assert client.get("/decks/999999/status.json").status_code == 404


# -- one word once ----------------------------------------------------------------------------
@pytest.mark.parametrize("status, stage, label", [
    (Status.QUEUED, "queued", ""), (Status.RUNNING, "start", "Starting"),
    (Status.RUNNING, "render", "Building the slides"), (Status.RUNNING, "lint",
                                                        "Checking the slides"),
    (Status.RUNNING, "some-new-stage", ""), (Status.DONE, "done", ""),
    (Status.FAILED, "failed", ""), (Status.REVIEW, "review", "")])
def test_the_stage_never_repeats_the_status(alice, status, stage, label):
    row = GeneratedPresentation(owner=alice, status=status, stage=stage)
    assert deck_page.stage_label(row) == label
    assert deck_page.stage_label(row).lower() != deck_page.status_label(row).lower()


def test_a_queued_deck_page_says_queued_once_and_its_badge_follows_the_stage(client, alice):
    row = GeneratedPresentation.objects.create(owner=alice, source_kind="spec", title="Plan",
                                               status=Status.QUEUED, stage="queued")
    client.force_login(alice)
    page = client.get(f"/decks/{row.pk}/").content.decode()
    assert page.count(">Queued<") == 1 and "queued</span>" not in page
    GeneratedPresentation.objects.filter(pk=row.pk).update(status=Status.RUNNING, stage="render",
                                                           progress=40)
    data = _status(client, row)
    assert (data["status_label"], data["stage_label"]) == ("Running", "Building the slides")


def test_stage_words_are_in_the_pages_language(client, alice):
    row = GeneratedPresentation.objects.create(owner=alice, source_kind="spec", title="Plan",
                                               status=Status.RUNNING, stage="render")
    client.force_login(alice)
    with translation.override("ja"):
        japanese = str(deck_page.STAGES["render"]), str(Status.RUNNING.label)
    data = client.get(f"/decks/{row.pk}/status.json", HTTP_ACCEPT_LANGUAGE="ja").json()
    assert (data["stage_label"], data["status_label"]) == japanese
    assert data["status_label"] != "Running"


# -- download names ---------------------------------------------------------------------------
def test_downloads_carry_a_japanese_title_and_the_version(client, alice, tmp_path, settings):
    row = _deck(alice, tmp_path, settings, title="国内EV市場への参入戦略")
    client.force_login(alice)
    header = _disposition(client, f"/decks/{row.pk}/download/")
    assert header.startswith('attachment; filename="deck-v1.pptx"; ')
    name = unquote(header.split("filename*=UTF-8''", 1)[1])
    assert name == "国内EV市場への参入戦略-v1.pptx"
    assert _disposition(client, f"/api/presentations/{row.pk}/download") == header


@pytest.mark.slow
def test_the_pdf_is_named_like_the_deck(client, alice, tmp_path, settings):
    row = _deck(alice, tmp_path, settings, title="Café plan: 2027/28", previews_on=True)
    if not deck_pictures.available():
        pytest.skip("LibreOffice and pdftoppm are installed by bin/setup")
    tasks.render_previews(row.pk)
    client.force_login(alice)
    header = _disposition(client, f"/decks/{row.pk}/pdf/")
    assert header == ("attachment; filename=\"Cafe plan 2027 28-v1.pdf\"; "
                      "filename*=UTF-8''Caf%C3%A9%20plan%202027%2028-v1.pdf")


def test_three_decks_of_one_title_download_under_their_versions(client, alice, tmp_path,
                                                                settings):
    row = _deck(alice, tmp_path, settings, title="Plan")
    client.force_login(alice)
    assert _disposition(client, f"/decks/{row.pk}/download/") == \
        'attachment; filename="Plan-v1.pptx"'
    GeneratedPresentation.objects.filter(pk=row.pk).update(version=3)
    assert _disposition(client, f"/decks/{row.pk}/download/") == \
        'attachment; filename="Plan-v3.pptx"'


@pytest.mark.parametrize("title, name", [
    ("", "deck-v2.pptx"), ("   ", "deck-v2.pptx"), ("../../etc/passwd", "etc passwd-v2.pptx"),
    ('a"b\r\nc;d\\e', "a b c d e-v2.pptx"), ("x" * 300, "x" * 80 + "-v2.pptx"),
    ("Plan-v1", "Plan-v1-v2.pptx"), ("...", "deck-v2.pptx")])
def test_hostile_titles_make_plain_file_names(title, name):
    assert deck_file_name(title, 2, "pptx") == name
    header = attachment_header(name)
    assert "\r" not in header and "\n" not in header and "/" not in header.split("''")[-1]


def test_the_ascii_fallback_names_scripts_it_cannot_spell_deck():
    assert ascii_fallback("事業計画-v3.pdf") == "deck-v3.pdf"
    assert ascii_fallback("Crème brûlée-v1.pptx") == "Creme brulee-v1.pptx"
    assert ascii_fallback("Plan-v1-v2.pptx") == "Plan-v1-v2.pptx"
