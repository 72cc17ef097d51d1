"""The dashboard tells decks apart (design, first slide, version, download names), every page
has an icon, and logging out says so.  Django's test client."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest

from generator import files, tasks
from generator.errors import SharedFilesError
from generator.models import DesignAsset, GeneratedPresentation
from generator.previews import deck_pictures
from generator.previews.soffice import PDF_NAME, picture_name
from tests.sharedfiles import use_local_files

Status = GeneratedPresentation.Status
pytestmark = pytest.mark.django_db


# -- the icon ---------------------------------------------------------------------------------
def test_every_page_links_the_icon_and_it_is_served(client, alice):
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/static/generator/favicon.svg"' in page
    client.force_login(alice)
    assert 'rel="icon"' in client.get("/").content.decode()
    icon = client.get("/static/generator/favicon.svg")
    assert icon.status_code == 200 and b"<svg" in b"".join(icon.streaming_content)
    icon.close()


def test_favicon_ico_answers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/generator/favicon.svg"
    followed = client.get("/favicon.ico", follow=True)
    assert followed.status_code == 200 and followed["Content-Type"] == "image/svg+xml"
    followed.close()


# -- logging out ------------------------------------------------------------------------------
@pytest.mark.parametrize("language, words", [("en", "You are logged out."),
                                             ("ja", "ログアウトしました。")])
def test_logging_out_says_so_in_the_page_language(client, alice, language, words):
    client.force_login(alice)
    response = client.post("/accounts/logout/", follow=True, HTTP_ACCEPT_LANGUAGE=language)
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    page = response.content.decode()
    assert words in page and 'class="message success"' in page
    assert "_auth_user_id" not in client.session
    assert words not in client.get("/accounts/login/").content.decode()  # said once


# -- the dashboard ----------------------------------------------------------------------------
def _deck(owner, tmp_path, settings, title):
    """A finished deck (really generated, previews off)."""
    settings.PREVIEWS_ENABLED = False
    use_local_files(settings, tmp_path / "data")
    spec = {"title": title, "slides": [
        {"kind": "message", "title": "We should enter through a partnership", "points": ["Fast"]}]}
    row = GeneratedPresentation.objects.create(owner=owner, source_kind="spec",
                                               source_text=json.dumps(spec), spec=spec,
                                               title=title)
    tasks.generate_presentation(row.pk)
    row.refresh_from_db()
    assert row.status == Status.DONE
    return row


def _pictures_for(row, tmp_path):
    """Store the deck's pictures as the worker does (the PDF last marks them complete)."""
    prefix = deck_pictures.prefix(row)
    png = tmp_path / "slide.png"
    png.write_bytes(PNG)
    files.replace(png, picture_name(prefix, 1))
    pdf = tmp_path / "deck.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    files.replace(pdf, f"{prefix}/{PDF_NAME}")


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")


def _row_of(page: str, pk: int) -> str:
    start = page.index(f'<tr data-deck="{pk}">')
    return page[start:page.index("</tr>", start)]


def test_the_dashboard_tells_decks_of_one_title_apart(client, alice, tmp_path, settings):
    asset = DesignAsset.objects.create(filename="Acme house.pptx", stored_name="a" * 32 + ".pptx",
                                       sha256="0" * 64, uploaded_by=alice)
    first = _deck(alice, tmp_path, settings, "Plan")
    second = _deck(alice, tmp_path, settings, "Plan")
    GeneratedPresentation.objects.filter(pk=second.pk).update(version=2, asset=asset)
    _pictures_for(second, tmp_path)
    client.force_login(alice)
    page = client.get("/").content.decode()
    assert "First slide" in page and "<th>Design</th>" in page
    plain, styled = _row_of(page, first.pk), _row_of(page, second.pk)
    assert "Built-in design" in plain and "v1" in plain
    assert "<img" not in plain and 'class="deck-thumb none"' in plain  # no broken picture
    assert f'href="/designs/{asset.pk}/">Acme house.pptx</a>' in styled and "v2" in styled
    picture = f"/decks/{second.pk}/slides/1.png"
    assert f'src="{picture}"' in styled
    response = client.get(picture)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    response.close()


def test_the_dashboard_in_japanese(client, alice, tmp_path, settings):
    _deck(alice, tmp_path, settings, "Plan")
    client.force_login(alice)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "デザイン" in page and "最初のスライド" in page and "Built-in design" not in page


def test_the_dashboard_download_link_carries_a_japanese_title(client, alice, tmp_path, settings):
    row = _deck(alice, tmp_path, settings, "国内EV市場への参入戦略")
    GeneratedPresentation.objects.filter(pk=row.pk).update(version=3)
    client.force_login(alice)
    link = f"/decks/{row.pk}/download/"
    assert f'href="{link}"' in _row_of(client.get("/").content.decode(), row.pk)
    response = client.get(link)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    header = response["Content-Disposition"]
    assert header.startswith('attachment; filename="deck-v3.pptx"; ')
    assert unquote(header.split("filename*=UTF-8''", 1)[1]) == "国内EV市場への参入戦略-v3.pptx"


def test_a_store_that_cannot_answer_leaves_the_dashboard_without_pictures(
        client, alice, tmp_path, settings, monkeypatch):
    row = _deck(alice, tmp_path, settings, "Plan")

    def unavailable(_row):
        raise SharedFilesError("down")

    monkeypatch.setattr(deck_pictures, "pdf", unavailable)
    client.force_login(alice)
    response = client.get("/")
    assert response.status_code == 200 and "<img" not in _row_of(response.content.decode(), row.pk)
