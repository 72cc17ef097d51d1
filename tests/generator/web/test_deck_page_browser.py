"""In Chromium (Playwright, Debian's /usr/bin/chromium) against a live server and a real
qcluster that renders pictures: the deck page follows the deck until its pictures and PDF
exist, without a reload, and the PDF downloads under the deck's Japanese title.

Screenshots go to test-artifacts/deck-page/.
"""

from __future__ import annotations


import pytest

from generator.previews import converter, soffice
from generator.models import GeneratedPresentation
from tests.generator.web.chromium import VIEWPORT, launched
from tests.conftest import REPO, start_cluster, stop_cluster, wait_for_clusters

ARTIFACTS = REPO / "test-artifacts" / "deck-page"
OUTLINE = """---
title: 国内EV市場への参入戦略
---

# 提携による早期参入が最も高い価値を生む

- 国内EV市場は2030年までに年率25%で成長する

# 当社の電池制御技術は中価格帯で差別化要因となる

- 量産実績がある

# 提携先の販売網で三年以内に全国展開できる

- 販売店は全国に800ある
"""

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def picture_worker(transactional_db, tmp_path, settings):
    settings.PREVIEWS_ENABLED = True
    if not soffice.available() or converter.uno_python() is None:
        pytest.skip("LibreOffice, pdftoppm and python3-uno are installed by bin/setup")
    process = start_cluster(tmp_path / "qcluster.log", Q_WORKERS="1", PREVIEWS_ENABLED="true")
    wait_for_clusters(1, timeout=60)
    yield process
    stop_cluster(process)


@pytest.fixture
def page(monkeypatch):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with launched(monkeypatch) as browser:
        context = browser.new_context(locale="en-US", accept_downloads=True,
                                      viewport=VIEWPORT)
        yield context.new_page()


def test_the_deck_page_shows_pictures_and_pdf_without_a_reload(alice, live_server,
                                                               picture_worker, page, tmp_path):
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.on("pageerror", lambda error: messages.append(str(error)))
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-alice-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/decks/new/")
    page.fill("textarea[name=source]", OUTLINE)
    page.click("#generate-button")
    page.wait_for_url("**/decks/*/")
    badge, stage = page.inner_text("#status-label"), page.inner_text("#stage-label")
    assert stage.strip().lower() != badge.strip().lower()  # never "Queued queued"
    page.screenshot(path=ARTIFACTS / "01-following.png", full_page=True)

    page.wait_for_selector("#download-link", timeout=120_000)  # done: the page reloads once
    page.evaluate("window.sameDocument = true")  # gone if the page reloads from here on
    slides = GeneratedPresentation.objects.get().slide_count
    assert slides == 4  # the cover and three messages
    # the worker's first pictures include starting its LibreOffice: seconds, so the page
    # is seen waiting for them here, and must show them itself
    assert page.is_visible("#previews-pending") and not page.is_visible("#pdf-link")
    try:
        page.wait_for_function(f"document.querySelectorAll('#thumbs img').length === {slides}",
                               timeout=120_000)
    except Exception:
        page.screenshot(path=ARTIFACTS / "02-no-pictures.png", full_page=True)
        url = page.eval_on_selector("#deck-status", "box => box.dataset.statusUrl")
        state = page.evaluate("url => fetch(url).then(r => r.text())", url)
        raise AssertionError(f"no pictures on the page; console {messages}; {url}: {state}")
    page.wait_for_selector("#pdf-link", state="visible", timeout=10_000)
    page.wait_for_function("Array.from(document.querySelectorAll('#thumbs img'))"
                           ".every(img => img.complete && img.naturalWidth > 0)", timeout=30_000)
    assert page.evaluate("window.sameDocument === true")  # no reload: the page followed
    assert not page.is_visible("#previews-pending")
    assert page.inner_text("#stage-label").strip() == ""  # "Done" is not said twice
    page.screenshot(path=ARTIFACTS / "02-pictures.png", full_page=True)

    with page.expect_download() as pdf_info:
        page.click("#pdf-link")
    assert pdf_info.value.suggested_filename == "国内EV市場への参入戦略-v1.pdf"
    target = tmp_path / "deck.pdf"
    pdf_info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    with page.expect_download() as pptx_info:
        page.click("#download-link")
    assert pptx_info.value.suggested_filename == "国内EV市場への参入戦略-v1.pptx"
