"""The new-deck page's live check in a real browser, in Japanese (issue 13): a title too long
to fit is refused while typing, with the words the submit then shows, once; the page's own
strings are in its language.  Screenshots under test-artifacts/outline-check/."""

from __future__ import annotations


import pytest

from generator.models import GeneratedPresentation
from tests.generator.web.chromium import VIEWPORT, launched
from tests.conftest import REPO

ARTIFACTS = REPO / "test-artifacts" / "outline-check"
LONG_TITLE = ("The partnership route lets us enter the domestic EV market two years earlier "
              "and with JPY 40bn less capital at risk than building our own plant, while the "
              "partner brings its dealers, its service network and its brand")[:207]

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with launched(monkeypatch) as browser:
        context = browser.new_context(locale="ja-JP", viewport=VIEWPORT)
        yield context.new_page()


def test_the_live_check_refuses_what_the_submit_refuses_in_japanese(alice, live_server, page):
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-alice-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/decks/new/")
    page.fill("textarea[name=source]", "# 提携で参入する\n\n- 最速で規模を確保できる\n")
    page.wait_for_selector("#outline-status:has-text('✓ 1枚のスライド')", timeout=10000)
    page.fill("textarea[name=source]", f"# {LONG_TITLE}\n\n- One point\n")
    page.wait_for_selector("#outline-status.bad li", timeout=10000)
    live = page.inner_text("#outline-status")
    assert "1行目（スライド1、メッセージと箇条書き）: タイトル" in live and "2行に収まりません" in live
    page.screenshot(path=ARTIFACTS / "01-live-check-refuses.png", full_page=True)

    page.click("#generate-button")
    page.wait_for_selector("#outline-errors")
    page.wait_for_timeout(1200)  # the live check would have answered by now: it must not run
    errors = page.inner_text("#outline-errors")
    assert "2行に収まりません" in errors and page.inner_text("#outline-status") == ""
    assert GeneratedPresentation.objects.count() == 0
    page.screenshot(path=ARTIFACTS / "02-submit-refuses-once.png", full_page=True)

    page.fill("textarea[name=source]", "# 提携で参入する\n\n```chart stacked-columns\n年,A\n2024,1\n```\n")
    page.wait_for_selector("#outline-status.bad li", timeout=10000)
    assert page.query_selector("#outline-errors") is None  # replaced, not shown beside it
    chart = page.inner_text("#outline-status")
    assert "3行目" in chart and "stacked100-bar" in chart and "stacked_column" not in chart
    page.screenshot(path=ARTIFACTS / "03-chart-type-at-its-fence.png", full_page=True)
