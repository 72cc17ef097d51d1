"""A new user's first hour in the web UI (issue 13), in English and in Japanese: one walk in
Debian's Chromium (Playwright) against a live server and a real qcluster that generates
decks and renders their pictures (LibreOffice).

The language is chosen as a user would: from the language menu of the login page, in a
browser that asks for the *other* language (Accept-Language), so the menu is what decides.

Each step is asserted and photographed under test-artifacts/first-hour/<lang>/NN-step.png:
 1. log in -> the dashboard, in the chosen language;
 2. new deck: a 200+ character slide title is refused by the live check in the page's
    language; the fixed title is accepted; submit;
 3. the deck page follows the deck to "Done", its pictures and "Download PDF", without a
    reload (one document from submit to pictures);
 4. a slide opens large ("Slide 1 of N" in the page's language), steps to slide 2, Esc closes;
 5. the .pptx downloads under "<title>-v1.pptx" (the Japanese title in the ja walk), read
    from the response's Content-Disposition;
 6. a real template uploaded -> the design page shows its pictures, colours and fonts in
    words, and "Make a deck in this design" opens the new-deck page with it chosen;
 7. throughout: no answer of 400 or above (the icon included), no page error, no console
    error, and in the ja walk no English word of ours on any page's visible text;
 8. log out -> "You are logged out." in the page's language.
"""

from __future__ import annotations

import re
import time
from urllib.parse import unquote

import pytest
from django.utils import translation
from django.utils.translation import gettext

from generator.models import DesignAsset, GeneratedPresentation
from tests.generator.web.chromium import VIEWPORT, launched
from tests.conftest import CORPUS, REPO
from tests.generator.web.test_deck_page_browser import picture_worker  # noqa: F401
from tests.generator.web.test_language import latin_words, visible_text

ARTIFACTS = REPO / "test-artifacts" / "first-hour"
TEMPLATE = CORPUS / "templates" / "icip-cas__PPTAgent__Iphone16Pro.pptx"

WALKS = {
    "en": {
        "browser": "ja-JP",  # the menu, not the browser, picks the language
        "title": "Entering the domestic EV market",
        "slides": ["A partnership is the fastest way in",
                   "Our battery control sets us apart in the mid-range",
                   "The partner's dealers reach the whole country in three years"],
        "points": ["The market grows 25% a year to 2030", "We have built at volume",
                   "The partner has 800 dealers"],
        "long": ("The partnership route lets us enter the domestic EV market two years earlier "
                 "and with JPY 40bn less capital at risk than building our own plant, while the "
                 "partner brings its dealers, its service network and its brand to the launch"),
    },
    "ja": {
        "browser": "en-US",
        "title": "国内EV市場への参入戦略",
        "slides": ["提携による早期参入が最も高い価値を生む",
                   "当社の電池制御技術は中価格帯で差別化要因となる",
                   "提携先の販売網で三年以内に全国展開できる"],
        "points": ["国内EV市場は2030年までに年率25%で成長する", "量産実績がある",
                   "販売店は全国に800ある"],
        "long": ("提携による参入は自社工場を建設する場合と比べて二年早く国内EV市場に参入でき、"
                 "リスクにさらす資本を四百億円少なく抑えられるうえ、提携先は販売網とサービス網と"
                 "ブランドを立ち上げに持ち込むため、発売初年度から全国の顧客に届けることができ、"
                 "さらに電池制御技術の強みを中価格帯の車種で活かして競合他社との差別化を早期に"
                 "確立し、三年以内に市場シェアの一割を確保するという目標を現実的なものにすると"
                 "考えられるため、当社は提携による参入を推奨する"),
    },
}

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _outline(walk: dict, first_title: str) -> str:
    slides = [first_title, *walk["slides"][1:]]
    body = "\n".join(f"# {title}\n\n- {point}\n" for title, point in zip(slides, walk["points"]))
    return f"---\ntitle: {walk['title']}\n---\n\n{body}"


def _words(*texts: str) -> set[str]:
    return {w.lower() for text in texts for w in re.findall(r"[A-Za-z][A-Za-z_]*", text or "")}


class Walk:
    """The browser page of one walk, with what it saw go wrong and its screenshots."""

    def __init__(self, page, lang: str, url: str):
        self.page, self.lang, self.url = page, lang, url
        self.folder = ARTIFACTS / lang
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.steps = 0
        self.bad_answers: list[str] = []
        self.errors: list[str] = []
        self.english: dict[str, set[str]] = {}
        self.allowed: set[str] = set()
        page.on("response", lambda r: r.status >= 400 and self.bad_answers.append(
            f"{r.status} {r.url}"))
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", lambda m: m.type == "error" and self.errors.append(
            f"console: {m.text}"))

    def t(self, message: str, **values) -> str:
        """The catalogue's words for `message` in this walk's language."""
        with translation.override(self.lang):
            text = gettext(message)
        return text % values if values else text

    def shot(self, name: str, *, full_page: bool = True, codes: frozenset = frozenset()) -> None:
        """Screenshot the step, and check the page's visible text is in the walk's language
        (`codes`: words of the outline's own syntax the page may show as they are)."""
        self.steps += 1
        self.page.screenshot(path=self.folder / f"{self.steps:02d}-{name}.png",
                             full_page=full_page)
        assert self.page.get_attribute("html", "lang") == self.lang, name
        if self.lang == "ja":
            words = latin_words(visible_text(self.page.content()), self.allowed | codes)
            if words:
                self.english[name] = words


@pytest.fixture
def browser(monkeypatch):
    with launched(monkeypatch) as chromium:
        yield chromium


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_first_hour(lang, alice, live_server, picture_worker, browser,  # noqa: F811
                        tmp_path, settings):
    settings.LEARN_LAYOUT_PICTURES = True
    started = time.monotonic()
    walk_data = WALKS[lang]
    context = browser.new_context(locale=walk_data["browser"], accept_downloads=True,
                                  viewport=VIEWPORT)
    page = context.new_page()
    walk = Walk(page, lang, live_server.url)
    # the user's own words: their name, titles and points, the template's file, layout
    # and font names (added when it is uploaded)
    walk.allowed = _words("alice", walk_data["title"], *walk_data["slides"],
                          *walk_data["points"], TEMPLATE.name)

    # 1. log in, in the language chosen from the menu
    page.goto(f"{live_server.url}/accounts/login/")
    with page.expect_navigation():
        page.select_option("select[name=language]", lang)
    assert page.get_attribute("html", "lang") == lang
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-alice-123")
    walk.shot("login")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    nav = page.inner_text("nav.mainnav")
    assert walk.t("New deck") in nav and walk.t("Designs") in nav
    if lang == "ja":
        assert "New deck" not in nav
    walk.shot("dashboard")

    # 2. the live check refuses a title too long to fit, accepts it fixed; submit
    page.click("nav.mainnav a[href='/decks/new/']")
    page.wait_for_url("**/decks/new/")
    assert len(walk_data["long"]) >= 200
    page.fill("textarea[name=source]", _outline(walk_data, walk_data["long"]))
    page.wait_for_selector("#outline-status.bad li", timeout=15_000)
    refused = page.inner_text("#outline-status")
    does_not_fit = walk.t("the text does not fit in %(lines)s lines even at %(pt)s pt "
                          "(%(chars)s characters); shorten it", lines="@", pt="@", chars="@")
    for piece in filter(None, does_not_fit.split("@")):
        assert piece.strip(" ()（）") in refused, (piece, refused)
    # a problem's place names the slide's kind and the field in words, not codes
    # ("5行目（スライド2、メッセージと箇条書き）: タイトル: ..."; generator/errors.shown_place)
    walk.shot("live-check-refuses")
    page.fill("textarea[name=source]", _outline(walk_data, walk_data["slides"][0]))
    page.wait_for_selector("#outline-status:not(.bad):has-text('✓')", timeout=15_000)
    accepted = page.inner_text("#outline-status")
    assert accepted.startswith("✓") and "%" not in accepted
    walk.shot("live-check-accepts")
    page.click("#generate-button")
    page.wait_for_url("**/decks/*/")
    deck = GeneratedPresentation.objects.get()
    assert deck.title == walk_data["title"]
    badge, stage = page.inner_text("#status-label"), page.inner_text("#stage-label")
    assert stage.strip().lower() != badge.strip().lower()  # never "Queued queued"
    page.evaluate("window.firstHourSameDocument = true")  # gone if the page reloads
    walk.shot("deck-following")

    # 3. the page follows the deck to done, then the pictures and the PDF link, all in
    #    the same document (the page swaps in its new content; it never reloads)
    page.wait_for_selector("#download-link", timeout=90_000)
    deck.refresh_from_db()
    slides = deck.slide_count
    assert deck.status == "done" and slides == 4  # the cover and three messages
    with translation.override(lang):
        done_word = GeneratedPresentation.Status.DONE.label
        done_word = str(done_word)
    assert done_word in page.inner_text("#status-label")
    page.wait_for_function(
        f"document.querySelectorAll('#thumbs a.slide-link img').length === {slides}"
        " && Array.from(document.querySelectorAll('#thumbs img'))"
        ".every(img => img.complete && img.naturalWidth > 0)", timeout=90_000)
    page.wait_for_selector("#pdf-link", state="visible", timeout=15_000)
    assert page.inner_text("#pdf-link").strip() == walk.t("Download PDF")
    assert not page.is_visible("#previews-pending")
    assert page.evaluate("window.firstHourSameDocument === true")  # no reload for them
    walk.shot("deck-done-with-pictures")

    # 4. a slide opens large, steps to the next, Esc closes
    page.click("#thumbs a.slide-link >> nth=0")
    viewer = page.locator("#slide-viewer")
    viewer.wait_for(state="visible")
    assert page.inner_text("#slide-viewer-count") == walk.t(
        "Slide %(number)s of %(total)s", number=1, total=slides)
    page.wait_for_function("document.getElementById('slide-viewer-picture').naturalWidth > 0")
    assert page.eval_on_selector("#slide-viewer-picture",
                                 "img => img.getBoundingClientRect().width") > 700
    walk.shot("slide-1-large", full_page=False)
    page.keyboard.press("ArrowRight")
    assert page.inner_text("#slide-viewer-count") == walk.t(
        "Slide %(number)s of %(total)s", number=2, total=slides)
    assert page.eval_on_selector("#slide-viewer-picture", "i => i.src").endswith("/slides/2.png")
    page.wait_for_function("document.getElementById('slide-viewer-picture').naturalWidth > 0")
    walk.shot("slide-2-large", full_page=False)
    page.keyboard.press("Escape")
    viewer.wait_for(state="hidden")

    # 5. the .pptx downloads under the deck's title and version
    expected_name = f"{walk_data['title']}-v1.pptx"
    with page.expect_download() as download_info:
        page.click("#download-link")
    assert download_info.value.suggested_filename == expected_name
    answer = context.request.get(f"{live_server.url}/decks/{deck.pk}/download/")
    disposition = answer.headers["content-disposition"]
    assert answer.ok and disposition.startswith("attachment")
    named = re.search(r"filename\*=UTF-8''([^;]+)", disposition)
    plain = re.search(r'filename="([^"]+)"', disposition)
    assert unquote(named.group(1) if named else plain.group(1)) == expected_name, disposition
    target = tmp_path / "deck.pptx"
    download_info.value.save_as(target)
    assert target.read_bytes()[:2] == b"PK"

    # 6. a design uploaded: its pictures, colours and fonts in words, and a deck in it
    page.click("nav.mainnav a[href='/designs/']")
    page.wait_for_url("**/designs/")
    page.set_input_files("input[name=file]", str(TEMPLATE))
    walk.shot("design-upload")
    page.click("form.upload-form button[type=submit]")
    page.wait_for_url("**/designs/*/", timeout=60_000)
    asset = DesignAsset.objects.get()
    for pattern in asset.patterns.all():  # the template's own layout and font names
        fonts = pattern.pattern_data.values() if pattern.pattern_type == "theme_fonts" else ()
        walk.allowed |= _words(pattern.pattern_name,
                               *[f for f in fonts if isinstance(f, str)])
    page.wait_for_selector(f"#slide-pictures img[src='/designs/{asset.pk}/slides/1.png']",
                           timeout=60_000)
    page.wait_for_function("Array.from(document.querySelectorAll('#slide-pictures img'))"
                           ".every(img => img.complete && img.naturalWidth > 0)", timeout=30_000)
    colours = page.locator(".color-list li span").all_inner_texts()
    assert colours and all(name.strip() and not name.startswith("#") for name in colours)
    fonts = page.locator(".design-facts dl.facts dt").all_inner_texts()
    assert fonts and all(name.strip() for name in fonts)
    headings = page.locator("h2").all_inner_texts()
    assert walk.t("Colours") in headings and walk.t("Fonts") in headings
    walk.shot("design-page")
    page.click("#make-deck")
    page.wait_for_url(f"**/decks/new/?asset={asset.pk}")
    assert page.is_checked(f"#outline-form input[name=asset][value='{asset.pk}']")
    walk.shot("new-deck-in-the-design")

    # 8. log out
    page.click("form[action='/accounts/logout/'] button")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert walk.t("You are logged out.") in page.inner_text(".messages")
    walk.shot("logged-out")

    # 7. throughout the walk
    assert not walk.bad_answers, walk.bad_answers
    assert not walk.errors, walk.errors
    assert not walk.english, "English on the Japanese walk:\n" + "\n".join(
        f"{step}: {' '.join(sorted(words))}" for step, words in walk.english.items())
    if lang == "ja":
        assert walk.t("You are logged out.") != "You are logged out."
    assert time.monotonic() - started < 120, "the walk took over two minutes"
    context.close()
