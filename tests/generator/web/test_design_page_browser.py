"""The design page in a real browser (Debian's Chromium, Playwright): opened while the
worker has not rendered anything yet, its layout and slide pictures appear without a
reload once the worker's task has run, the library card's placeholder turns into the
picture, and "Make a deck in this design" opens the new-deck page with it chosen.

Screenshots are saved under test-artifacts/e2e/.
"""

from __future__ import annotations

import pytest

from generator import tasks
from generator.learning.learn import learn_design
from generator.previews.soffice import available
from tests.generator.web.test_design_page import TEMPLATES
from tests.generator.web.test_e2e_browser import ARTIFACTS, page  # noqa: F401 -- the fixture

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not available(), reason="LibreOffice not installed")]


def test_pictures_appear_without_a_reload_and_the_button_starts_a_deck(alice, live_server,
                                                                       page, settings):  # noqa: F811
    settings.PREVIEWS_ENABLED, settings.LEARN_LAYOUT_PICTURES = True, True
    asset = learn_design(path=TEMPLATES / "icip-cas__PPTAgent__Iphone16Pro.pptx",
                         filename="iphone.pptx", user=alice)
    page.goto(f"{live_server.url}/accounts/login/?next=/designs/{asset.pk}/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-alice-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"**/designs/{asset.pk}/")
    assert page.is_visible("#layouts-pending") and page.is_visible("#slides-pending")
    assert page.locator(".free-area").count() >= 1  # the overlay is there before the picture
    page.screenshot(path=ARTIFACTS / "design-1-pending.png", full_page=True)
    page.evaluate("window.__same_document = true")
    library = page.context.new_page()
    library.goto(f"{live_server.url}/designs/")
    assert library.is_visible(f".asset .picture-placeholder[data-poll='/designs/{asset.pk}/"
                              "pictures.json']")

    tasks.render_asset_thumbnails(asset.pk)  # the worker's task, in this process
    page.wait_for_selector(f"figure img[src='/designs/{asset.pk}/layouts/1.png']",
                           timeout=30_000)
    page.wait_for_selector(f"#slide-pictures img[src='/designs/{asset.pk}/slides/1.png']",
                           timeout=30_000)
    assert page.evaluate("window.__same_document === true")  # no reload happened
    assert not page.is_visible("#layouts-pending") and not page.is_visible("#slides-pending")
    # every picture loads (waited for: the elements arrive before their bytes)
    page.wait_for_function("Array.from(document.querySelectorAll('figure img'))"
                           ".every(img => img.complete && img.naturalWidth > 0)",
                           timeout=30_000)
    page.screenshot(path=ARTIFACTS / "design-2-pictures.png", full_page=True)

    page.click("#make-deck")
    page.wait_for_url(f"**/decks/new/?asset={asset.pk}")
    assert page.is_checked(f"#outline-form input[name=asset][value='{asset.pk}']")

    library.wait_for_selector(f".asset img[src='/designs/{asset.pk}/slides/1.png']")
    assert library.locator(".asset .picture-placeholder").count() == 0
    library.screenshot(path=ARTIFACTS / "design-3-library.png", full_page=True)
