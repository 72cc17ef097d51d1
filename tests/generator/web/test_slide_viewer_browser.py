"""In Chromium (Playwright, Debian's /usr/bin/chromium) against a live server: a slide of the
deck page opens large (slide N of M, its lint problems beside it), steps with ← and →, closes
with Esc and gives the focus back; the dashboard shows the deck's first slide and design; no
page asks for anything that 404s (the icon included); logging out says so.

The deck is generated and its pictures rendered (real LibreOffice) before the browser starts.
Screenshots go to test-artifacts/slide-viewer/.
"""

from __future__ import annotations

import json

import pytest

from generator import tasks
from generator.models import GeneratedPresentation
from generator.previews import deck_pictures
from tests.generator.web.chromium import VIEWPORT, launched
from tests.conftest import REPO
from tests.sharedfiles import use_local_files

ARTIFACTS = REPO / "test-artifacts" / "slide-viewer"
SPEC = {"title": "国内EV市場への参入戦略", "slides": [
    {"kind": "message", "title": "提携による早期参入が最も高い価値を生む",
     "points": ["国内EV市場は2030年までに年率25%で成長する"]},
    {"kind": "message", "title": "当社の電池制御技術は中価格帯で差別化要因となる",
     "points": ["量産実績がある"]},
    {"kind": "message", "title": "提携先の販売網で三年以内に全国展開できる",
     "points": ["販売店は全国に800ある"]}]}
PROBLEM = "The body text overflows its placeholder by 12 pt."

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _finished_deck(owner, tmp_path, settings, *, pictures: bool) -> GeneratedPresentation:
    """A finished deck, its pictures rendered or not yet."""
    settings.PREVIEWS_ENABLED = True
    if not deck_pictures.available():
        pytest.skip("LibreOffice and pdftoppm are installed by bin/setup")
    use_local_files(settings, tmp_path / "data")
    row = GeneratedPresentation.objects.create(owner=owner, source_kind="spec", spec=SPEC,
                                               source_text=json.dumps(SPEC, ensure_ascii=False),
                                               title=SPEC["title"])
    tasks.generate_presentation(row.pk)
    if pictures:
        tasks.render_previews(row.pk)
    row.refresh_from_db()
    assert row.status == GeneratedPresentation.Status.DONE
    return row


def _add_problem(row: GeneratedPresentation) -> GeneratedPresentation:
    """A lint problem on the deck's second slide (kept when the pictures are linted)."""
    report = row.lint_report or {}
    issues = [*report.get("issues", []), {"slide": 2, "shape": "Body", "rule": "overflow",
                                           "severity": "error", "message": PROBLEM}]
    summary = {**report.get("summary", {}), "errors": report.get("summary", {}).get("errors", 0) + 1}
    GeneratedPresentation.objects.filter(pk=row.pk).update(
        lint_report={**report, "summary": summary, "issues": issues})
    row.refresh_from_db()
    return row


@pytest.fixture
def deck(alice, tmp_path, settings):
    """A finished deck with its pictures, and a lint problem on its second slide."""
    return _add_problem(_finished_deck(alice, tmp_path, settings, pictures=True))


@pytest.fixture
def browser(monkeypatch):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with launched(monkeypatch) as chromium:
        yield chromium


def _page(browser, locale: str):
    context = browser.new_context(locale=locale, viewport=VIEWPORT)
    page = context.new_page()
    page.missing = []  # every answer of 400 and above, the icon's included
    page.errors = []
    page.on("response", lambda r: r.status >= 400 and page.missing.append(f"{r.status} {r.url}"))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def _log_in(page, url):
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-alice-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def test_a_slide_opens_large_and_steps_with_the_keyboard(deck, live_server, browser):
    page = _page(browser, "en-US")
    _log_in(page, live_server.url)
    row = page.locator(f'tr[data-deck="{deck.pk}"]')
    assert "Built-in design" in row.inner_text() and "v1" in row.inner_text()
    page.wait_for_function(f"""(() => {{ const img = document.querySelector(
        'tr[data-deck="{deck.pk}"] img.deck-thumb'); return img && img.complete
        && img.naturalWidth > 0; }})()""", timeout=10_000)
    page.screenshot(path=ARTIFACTS / "01-dashboard.png", full_page=True)

    page.goto(f"{live_server.url}/decks/{deck.pk}/")
    slides = deck.slide_count
    assert slides == 3
    assert page.locator("#thumbs a.slide-link").count() == slides
    viewer = page.locator("#slide-viewer")
    assert not viewer.is_visible()
    page.click("#thumbs a.slide-link >> nth=0")
    viewer.wait_for(state="visible")
    assert page.inner_text("#slide-viewer-count") == f"Slide 1 of {slides}"
    page.wait_for_function("document.getElementById('slide-viewer-picture').naturalWidth > 0")
    large = page.eval_on_selector("#slide-viewer-picture", "img => img.getBoundingClientRect().width")
    assert large > 700  # large: the page's pictures are about 270 pixels wide
    assert page.evaluate("document.getElementById('slide-viewer').contains(document.activeElement)")
    assert page.is_visible("#slide-viewer-clean") and PROBLEM not in viewer.inner_text()
    page.screenshot(path=ARTIFACTS / "02-slide-1.png")

    page.keyboard.press("ArrowRight")
    assert page.inner_text("#slide-viewer-count") == f"Slide 2 of {slides}"
    assert page.eval_on_selector("#slide-viewer-picture", "img => img.src").endswith("/slides/2.png")
    problems = page.locator("#slide-viewer-problems")
    assert problems.is_visible() and PROBLEM in problems.inner_text()
    assert "Error" in problems.inner_text() and not page.is_visible("#slide-viewer-clean")
    page.wait_for_function("document.getElementById('slide-viewer-picture').naturalWidth > 0")
    page.screenshot(path=ARTIFACTS / "03-slide-2-with-a-problem.png")

    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # before the first slide: the last one
    assert page.inner_text("#slide-viewer-count") == f"Slide {slides} of {slides}"
    page.click("#slide-viewer [data-step='1']")  # the buttons step too
    assert page.inner_text("#slide-viewer-count") == f"Slide 1 of {slides}"

    page.keyboard.press("Escape")
    viewer.wait_for(state="hidden")
    focused = page.evaluate("document.activeElement.matches('#thumbs a.slide-link')"
                            " && document.activeElement.querySelector('img').alt")
    assert focused == "Slide 1"  # the focus is back on the slide last shown
    page.keyboard.press("Enter")  # and the keyboard alone opens it again
    viewer.wait_for(state="visible")
    page.keyboard.press("Escape")
    viewer.wait_for(state="hidden")
    page.screenshot(path=ARTIFACTS / "04-closed.png", full_page=True)

    page.click("form[action='/accounts/logout/'] button")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert "You are logged out." in page.inner_text(".messages")
    page.screenshot(path=ARTIFACTS / "05-logged-out.png")
    assert not page.errors, page.errors
    assert not page.missing, page.missing  # no 404: the icon is there


def test_the_slide_viewer_in_japanese(deck, live_server, browser):
    page = _page(browser, "ja-JP")
    _log_in(page, live_server.url)
    assert "標準デザイン" in page.locator(f'tr[data-deck="{deck.pk}"]').inner_text()
    page.goto(f"{live_server.url}/decks/{deck.pk}/")
    page.click("#thumbs a.slide-link >> nth=1")
    page.locator("#slide-viewer").wait_for(state="visible")
    text = page.inner_text("#slide-viewer")
    assert f"スライド 2 / {deck.slide_count}" == page.inner_text("#slide-viewer-count")
    assert PROBLEM in text and "エラー" in text
    for english in ("Previous", "Next", "Close", "Lint problems"):
        assert english not in text
    page.wait_for_function("document.getElementById('slide-viewer-picture').naturalWidth > 0")
    page.screenshot(path=ARTIFACTS / "06-slide-2-ja.png")
    page.keyboard.press("Escape")
    page.click("form[action='/accounts/logout/'] button")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert "ログアウトしました。" in page.inner_text(".messages")
    page.screenshot(path=ARTIFACTS / "07-logged-out-ja.png")
    assert not page.errors and not page.missing, (page.errors, page.missing)


def test_pictures_that_arrive_while_the_page_waits_open_large_too(alice, tmp_path, settings,
                                                                    live_server, browser):
    row = _add_problem(_finished_deck(alice, tmp_path, settings, pictures=False))
    page = _page(browser, "en-US")
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/decks/{row.pk}/")
    assert page.is_visible("#previews-pending")
    tasks.render_previews(row.pk)  # what the worker does next; the page's poll shows them
    page.wait_for_function(
        f"document.querySelectorAll('#thumbs a.slide-link img').length === {row.slide_count}"
        " && Array.from(document.querySelectorAll('#thumbs img'))"
        ".every(img => img.complete && img.naturalWidth > 0)", timeout=60_000)
    page.click("#thumbs a.slide-link >> nth=1")
    page.locator("#slide-viewer").wait_for(state="visible")
    assert page.inner_text("#slide-viewer-count") == f"Slide 2 of {row.slide_count}"
    assert PROBLEM in page.inner_text("#slide-viewer-problems")
    page.screenshot(path=ARTIFACTS / "08-arrived-slide-2.png")
    page.keyboard.press("Escape")
    page.locator("#slide-viewer").wait_for(state="hidden")
    assert not page.errors and not page.missing, (page.errors, page.missing)
