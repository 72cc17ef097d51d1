"""Restyle through the web page and the API (queued like any deck, rendered by the worker with
the deck's own pictures), and the outline download of any deck."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.cache import cache
from pptx import Presentation

from generator import files, tasks

from generator.api import tokens
from generator.outline import read_outline
from generator.models import GeneratedPresentation
from generator.previews import soffice
from generator.decks.restyle import before_pictures, pictures_prefix
from generator.spec import load_spec
from tests.conftest import CORPUS
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db
PICTURES = CORPUS / "pptx" / "scanny__python-pptx__ph-populated-placeholders.pptx"
CHARTS = CORPUS / "pptx" / "scanny__python-pptx__cht-charts.pptx"


@pytest.fixture(autouse=True)
def local_files(settings, tmp_path):
    cache.clear()
    yield use_local_files(settings, tmp_path)
    cache.clear()


@pytest.fixture
def key(alice):
    return tokens.create(user=alice, name="script")[1]


def auth(key):
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def pptx_body(path, **extra):
    return json.dumps({"pptx": {"name": path.name, "content_base64": base64.b64encode(
        path.read_bytes()).decode()}, **extra})


def test_api_restyle_is_queued_and_the_worker_renders_it_with_its_pictures(
        client, key, empty_queue, django_capture_on_commit_callbacks, tmp_path):
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/presentations", data=pptx_body(PICTURES),
                              content_type="application/json", **auth(key))
    assert created.status_code == 202, created.content
    row = GeneratedPresentation.objects.get(pk=created.json()["id"])
    assert row.status == "queued" and row.source_kind == "spec"
    assert files.list_names(pictures_prefix(row))  # the deck's own pictures, stored
    tasks.generate_presentation(row.pk)
    row.refresh_from_db()
    assert row.status == "done", row.error
    assert row.lint_report["summary"]["errors"] == 0
    written = Presentation(str(files.local_path(row.file)))
    pictures = [shape for slide in written.slides for shape in slide.shapes
                if shape.shape_type == 13]
    assert len(pictures) >= 2


def test_api_restyle_refuses_a_bad_deck_with_a_problem_and_queues_nothing(client, key):
    bad = json.dumps({"pptx": {"name": "x.pptx", "content_base64": base64.b64encode(
        b"%PDF-1.4 not a deck").decode()}})
    answer = client.post("/api/presentations", data=bad, content_type="application/json",
                         **auth(key))
    assert answer.status_code == 400
    assert "not a zip archive" in answer.json()["detail"]
    not_base64 = json.dumps({"pptx": {"content_base64": "###"}})
    answer = client.post("/api/presentations", data=not_base64,
                         content_type="application/json", **auth(key))
    assert answer.status_code == 400 and "base64" in answer.json()["detail"]
    both = json.dumps({"outline": "# A\n\n- b\n", "pptx": {"content_base64": "AAAA"}})
    answer = client.post("/api/presentations", data=both, content_type="application/json",
                         **auth(key))
    assert answer.status_code in (400, 422) and "'pptx'" in json.dumps(answer.json())
    unknown = client.post("/api/presentations", data=pptx_body(CHARTS, asset=99999),
                          content_type="application/json", **auth(key))
    assert unknown.status_code == 404
    assert not GeneratedPresentation.objects.exists()


def test_the_restyle_page_queues_the_deck_and_shows_before_and_after(
        client, alice, empty_queue, django_capture_on_commit_callbacks):
    client.force_login(alice)
    page = client.get("/decks/restyle/")
    assert page.status_code == 200 and b'type="file"' in page.content
    assert b'href="/decks/restyle/"' in client.get("/").content  # in the main menu
    with CHARTS.open("rb") as upload, django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/decks/restyle/", {"file": upload, "asset": ""})
    assert answer.status_code == 302
    row = GeneratedPresentation.objects.get()
    assert answer["Location"] == f"/decks/{row.pk}/restyle/"
    tasks.generate_presentation(row.pk)
    compare = client.get(answer["Location"])
    assert compare.status_code == 200 and b"before-after" in compare.content
    if soffice.available():  # the uploaded deck's own slides, beside the restyled ones
        assert before_pictures(row)
        assert f"/decks/{row.pk}/restyle/before/1.png".encode() in compare.content
        picture = client.get(f"/decks/{row.pk}/restyle/before/1.png")
        assert b"".join(picture.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
        assert client.get(f"/decks/{row.pk}/restyle/before/99.png").status_code == 404


def test_the_restyle_page_refuses_a_bad_file_with_its_reason(client, alice, tmp_path):
    client.force_login(alice)
    bad = tmp_path / "deck.pptx"
    bad.write_bytes(b"not a deck at all")
    with bad.open("rb") as upload:
        answer = client.post("/decks/restyle/", {"file": upload, "asset": ""})
    assert answer.status_code == 400
    assert "not a zip archive" in answer.content.decode()
    assert str(tmp_path) not in answer.content.decode()
    assert not GeneratedPresentation.objects.exists()


def test_any_deck_downloads_as_its_outline_page_and_api(client, alice, bob, key):
    spec = {"title": "Entry", "slides": [
        {"kind": "message", "title": "We should enter now", "points": ["Fast", "Cheap"]},
        {"kind": "chart", "title": "The market grows", "chart": {
            "type": "column", "categories": ["2024", "2030"],
            "series": [{"name": "Size", "values": [1, 3]}]}}]}
    row = GeneratedPresentation.objects.create(owner=alice, source_kind="spec", spec=spec,
                                               title="Entry", status="done")
    client.force_login(alice)
    page = client.get(f"/decks/{row.pk}/")
    assert f"/decks/{row.pk}/outline.md".encode() in page.content
    download = client.get(f"/decks/{row.pk}/outline.md")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/markdown")
    text = download.content.decode()
    assert "```chart" in text
    assert read_outline(text).slides == load_spec(spec).slides
    api = client.get(f"/api/presentations/{row.pk}/outline", **auth(key))
    assert api.status_code == 200 and api.content.decode() == text
    empty = GeneratedPresentation.objects.create(owner=alice, source_kind="brief", title="x")
    assert client.get(f"/api/presentations/{empty.pk}/outline", **auth(key)).status_code == 409
    assert client.get(f"/decks/{empty.pk}/outline.md").status_code == 404
    theirs = GeneratedPresentation.objects.create(owner=bob, source_kind="spec", spec=spec,
                                                  title="Theirs", status="done")
    assert client.get(f"/decks/{theirs.pk}/outline.md").status_code == 404
    assert client.get(f"/api/presentations/{theirs.pk}/outline", **auth(key)).status_code == 404


def test_deleting_a_restyled_deck_removes_its_pictures(client, key, empty_queue,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/presentations", data=pptx_body(PICTURES),
                              content_type="application/json", **auth(key))
    row = GeneratedPresentation.objects.get(pk=created.json()["id"])
    tasks.generate_presentation(row.pk)
    assert files.list_names(pictures_prefix(row))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/api/presentations/{row.pk}", **auth(key)).status_code == 200
    assert not files.list_names(pictures_prefix(row))
