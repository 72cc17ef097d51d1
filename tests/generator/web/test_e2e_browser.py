"""End to end in a real browser: Debian's Chromium driven by Playwright against a live
server, with a real `qcluster` worker process doing the generation.

Screenshots are saved under test-artifacts/e2e/ (kept after the run).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pptx import Presentation

from tests.generator.web.chromium import VIEWPORT, launched
from tests.conftest import REPO

ARTIFACTS = REPO / "test-artifacts" / "e2e"
OUTLINE = """---
title: 国内EV市場への参入戦略
---

# 提携による早期参入が最も高い価値を生む

- 国内EV市場は2030年までに年率25%で成長する
- 当社の電池制御技術は中価格帯で差別化要因となる

# 市場規模は2030年に3.2兆円へ拡大する

| 年 | 市場規模(兆円) |
|---|---|
| 2024 | 0.8 |
| 2030 | 3.2 |
"""

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with launched(monkeypatch) as browser:
        context = browser.new_context(locale="ja-JP", accept_downloads=True,
                                      viewport=VIEWPORT)
        yield context.new_page()


def test_a_user_creates_follows_and_downloads_a_deck(alice, live_server, qcluster, page, tmp_path):
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-alice-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.screenshot(path=ARTIFACTS / "01-dashboard.png", full_page=True)

    page.goto(f"{live_server.url}/decks/new/")
    page.fill("textarea[name=source]", OUTLINE)
    page.wait_for_selector("#outline-status:has-text('✓')", timeout=10000)
    page.screenshot(path=ARTIFACTS / "02-editor.png", full_page=True)
    page.click("#generate-button")
    page.wait_for_url("**/decks/*/")
    page.screenshot(path=ARTIFACTS / "03-progress.png", full_page=True)

    page.wait_for_selector("#download-link", timeout=120_000)  # the page reloads when done
    assert "100" in page.inner_text("#deck-status") or page.is_visible("#lint-summary")
    page.screenshot(path=ARTIFACTS / "04-done.png", full_page=True)
    with page.expect_download() as download_info:
        page.click("#download-link")
    target = tmp_path / "downloaded.pptx"
    download_info.value.save_as(target)
    prs = Presentation(str(target))
    titles = [slide.shapes.title.text for slide in prs.slides if slide.shapes.title is not None]
    assert "提携による早期参入が最も高い価値を生む" in titles
    assert "市場規模は2030年に3.2兆円へ拡大する" in titles


def test_a_worker_crash_mid_task_leaves_a_failed_deck_with_its_reason(alice, settings):
    """A task that raises part-way (here: the deck's file cannot be written) fails the deck."""
    import json

    from generator.decks import generate
    from generator.models import GeneratedPresentation

    blocker = Path(settings.DATA_DIR) / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    from bcgslides.filestore import local_storage

    settings.STORAGES = {**settings.STORAGES, "default": local_storage(blocker)}
    spec = {"title": "x", "slides": [{"kind": "message", "title": "A title", "points": ["a"]}]}
    row = GeneratedPresentation.objects.create(owner=alice, source_kind="spec",
                                               source_text=json.dumps(spec), spec=spec)
    with pytest.raises(OSError):
        generate.run(row.pk)
    row.refresh_from_db()
    assert row.status == "failed" and row.stage == "failed"
    assert "not-a-folder" in row.error or "Not a directory" in row.error
    time.sleep(0)  # the row is final: no worker will pick it up again
    assert generate.run_one_pending() is False
