"""The pages through Django's test client: every view and every permission rule."""

from __future__ import annotations

import json

import pytest

from generator import tasks
from generator.models import ApiUsage, GeneratedPresentation
from tests.conftest import queued_tasks
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db
Status = GeneratedPresentation.Status
SPEC = {"title": "Market entry", "slides": [
    {"kind": "message", "title": "We should enter through a partnership", "points": ["Fast"]}]}

PAGES = ["/", "/decks/new/", "/designs/", "/usage/"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_need_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_for_a_user(client, alice, url):
    client.force_login(alice)
    assert client.get(url).status_code == 200


def test_login_page_and_login(client, alice):
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": "alice", "password": "pw-alice-123"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_japanese_when_the_browser_prefers_it(client, alice):
    client.force_login(alice)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="ja,en;q=0.5").content.decode()
    assert 'lang="ja"' in page
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in english


def test_the_language_switcher_sets_the_language(client, alice):
    client.force_login(alice)
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    assert 'lang="ja"' in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_new_deck_from_an_outline_is_queued(client, alice, empty_queue,
                                            django_capture_on_commit_callbacks):
    client.force_login(alice)
    outline = "---\ntitle: 市場参入\n---\n\n# 提携による参入を推奨する\n\n- 最速で規模を確保できる\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/decks/new/", {"source_format": "markdown", "source": outline})
    row = GeneratedPresentation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/decks/{row.pk}/"
    assert row.owner == alice and row.status == Status.QUEUED
    assert queued_tasks() == 1


def test_a_bad_outline_shows_its_problems_and_records_nothing(client, alice):
    client.force_login(alice)
    bad = "---\ntitle: x\n---\n\n# Chart\n\n```chart\ntype: radar\n```\n"
    response = client.post("/decks/new/", {"source_format": "markdown", "source": bad})
    assert response.status_code == 400
    assert "line" in response.content.decode()
    assert GeneratedPresentation.objects.count() == 0


def test_the_brief_form_says_no_llm_is_configured(client, alice, settings):
    settings.OPENAI_API_KEY = ""
    client.force_login(alice)
    page = client.get("/decks/new/").content.decode()
    assert "OPENAI_API_KEY" in page
    response = client.post("/decks/new/brief/", {"topic": "EV", "length": 10, "language": "ja"})
    assert response.status_code == 400 and GeneratedPresentation.objects.count() == 0


def _done_deck(owner, tmp_path, settings):
    use_local_files(settings, tmp_path)
    row = GeneratedPresentation.objects.create(owner=owner, source_kind="spec",
                                               source_text=json.dumps(SPEC), spec=SPEC,
                                               title="Market entry")
    tasks.generate_presentation(row.pk)
    row.refresh_from_db()
    assert row.status == Status.DONE
    return row


def test_detail_shows_lint_and_download(client, alice, tmp_path, settings):
    row = _done_deck(alice, tmp_path, settings)
    client.force_login(alice)
    page = client.get(f"/decks/{row.pk}/").content.decode()
    assert "lint-summary" in page and f"/decks/{row.pk}/download/" in page
    download = client.get(f"/decks/{row.pk}/download/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_other_users_get_404_everywhere(client, alice, bob, tmp_path, settings):
    row = _done_deck(alice, tmp_path, settings)
    client.force_login(bob)
    for url in (f"/decks/{row.pk}/", f"/decks/{row.pk}/download/", f"/decks/{row.pk}/edit/",
                f"/decks/{row.pk}/pdf/", f"/decks/{row.pk}/slides/1.png"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/decks/{row.pk}/storyline/", {"storyline": "{}"}).status_code == 404


def test_staff_without_permission_can_neither_download_nor_browse(client, alice, staff, tmp_path,
                                                                  settings):
    # the full matrix (admin, view permission, API, PDF, pictures): tests/generator/decks/test_access.py
    row = _done_deck(alice, tmp_path, settings)
    client.force_login(staff)
    assert client.get(f"/decks/{row.pk}/download/").status_code == 404
    assert client.get(f"/decks/{row.pk}/").status_code == 404


def test_edit_and_regenerate_makes_a_new_version(client, alice, tmp_path, settings,
                                                  django_capture_on_commit_callbacks):
    row = _done_deck(alice, tmp_path, settings)
    client.force_login(alice)
    assert client.get(f"/decks/{row.pk}/edit/").status_code == 200
    edited = dict(SPEC, title="Market entry, revised")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/decks/{row.pk}/edit/", {
            "source_format": "spec", "source": json.dumps(edited)})
    new = GeneratedPresentation.objects.exclude(pk=row.pk).get()
    assert response["Location"] == f"/decks/{new.pk}/"
    assert (new.version, new.parent_id, new.title) == (2, row.pk, "Market entry, revised")
    page = client.get(f"/decks/{new.pk}/").content.decode()
    assert "v1" in page and "v2" in page


def test_forms_need_csrf(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/decks/new/", {"source_format": "spec", "source": json.dumps(SPEC)})
    assert response.status_code == 403


def test_usage_shows_the_month_against_the_budget(client, alice, bob, admin):
    ApiUsage.objects.create(model="gpt-4o-mini", cost_jpy=1200, user=alice, total_tokens=10)
    ApiUsage.objects.create(model="gpt-4o-mini", cost_jpy=2300, user=bob, total_tokens=10)
    client.force_login(alice)
    page = client.get("/usage/").content.decode()
    assert "¥3500" in page and "alice" in page and "bob" not in page
    client.force_login(admin)
    assert "bob" in client.get("/usage/").content.decode()
