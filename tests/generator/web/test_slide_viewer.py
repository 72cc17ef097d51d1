"""The deck page's slides open large (lightbox.js): each picture is a link to its large
picture, the page carries the lint problems by slide, and status.json brings them to a page
whose pictures arrive later.  Django's test client; the browser test is
test_slide_viewer_browser.py."""

from __future__ import annotations

import json

import pytest

from generator import tasks
from generator.models import GeneratedPresentation
from generator.web import deck_page
from tests.generator.web.test_dashboard_favicon_logout import _pictures_for
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db
PROBLEM = "The body text overflows its placeholder by 12 pt."


def _deck(owner, tmp_path, settings):
    settings.PREVIEWS_ENABLED = False
    use_local_files(settings, tmp_path / "data")
    spec = {"title": "Plan", "slides": [
        {"kind": "message", "title": "We should enter through a partnership", "points": ["Fast"]},
        {"kind": "message", "title": "The partner brings the dealer network", "points": ["Wide"]}]}
    row = GeneratedPresentation.objects.create(owner=owner, source_kind="spec", spec=spec,
                                               source_text=json.dumps(spec), title="Plan")
    tasks.generate_presentation(row.pk)
    report = GeneratedPresentation.objects.get(pk=row.pk).lint_report or {}
    report = {**report, "issues": [*report.get("issues", []), {
        "slide": 2, "shape": "Body", "rule": "overflow", "severity": "error",
        "message": PROBLEM}]}
    GeneratedPresentation.objects.filter(pk=row.pk).update(lint_report=report)
    row.refresh_from_db()
    return row


def test_each_slide_links_its_large_picture_and_the_page_has_the_viewer(client, alice,
                                                                        tmp_path, settings):
    row = _deck(alice, tmp_path, settings)
    _pictures_for(row, tmp_path)
    client.force_login(alice)
    page = client.get(f"/decks/{row.pk}/").content.decode()
    assert f'<a class="slide-link" href="/decks/{row.pk}/slides/1.png"><img' in page
    assert '<dialog class="lightbox" id="slide-viewer"' in page
    assert 'data-count="Slide {number} of {total}"' in page
    assert '<script src="/static/generator/lightbox.js" defer></script>' in page
    start = page.index('<script id="slide-problems" type="application/json">')
    problems = json.loads(page[page.index(">", start) + 1:page.index("</script>", start)])
    assert {"slide": 2, "message": PROBLEM}.items() <= problems[-1].items()


def test_the_viewer_speaks_japanese(client, alice, tmp_path, settings):
    row = _deck(alice, tmp_path, settings)
    _pictures_for(row, tmp_path)
    client.force_login(alice)
    page = client.get(f"/decks/{row.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert 'data-count="スライド {number} / {total}"' in page
    assert "前へ" in page and "次へ" in page and "閉じる" in page and "このスライドの問題点" in page


def test_without_previews_there_is_no_viewer(client, alice, tmp_path, settings):
    row = _deck(alice, tmp_path, settings)
    client.force_login(alice)
    page = client.get(f"/decks/{row.pk}/").content.decode()
    assert "slide-viewer" not in page and "lightbox.js" not in page


def test_status_json_brings_the_problems_by_slide(client, alice, tmp_path, settings):
    row = _deck(alice, tmp_path, settings)
    client.force_login(alice)
    issues = client.get(f"/decks/{row.pk}/status.json").json()["issues"]
    assert issues[-1] == {"slide": 2, "severity": "error", "rule": "overflow", "message": PROBLEM}
    assert deck_page.slide_issues(GeneratedPresentation(lint_report=None)) == []
