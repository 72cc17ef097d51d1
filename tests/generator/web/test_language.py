"""Every string a user sees is in the page's language.

Each main page (and the admin's own pages) is rendered in Japanese through Django's test
client; every Latin word left in its visible text (text, titles, placeholders, labels of
buttons) must be the user's own content (deck titles, file names, layout and font names)
or a name that stays as it is in Japanese (OpenAI, PowerPoint, JSON, ...).  Code samples
(<code>, <pre>) and what the user typed (<textarea>) are not ours to translate.  The same
pages in English must differ from the Japanese ones, and the language menu names each
language in its own words.
"""

from __future__ import annotations

import json
import re
import socket
from html.parser import HTMLParser

import pytest
from django.contrib.admin import site
from django_q.models import OrmQ, Schedule

from generator import tasks
from generator.learning.learn import learn_design
from generator.models import GeneratedPresentation
from operations import admin as operations_admin
from operations import backup
from tests.conftest import CORPUS
from tests.generator.llm.test_drafting import STORYLINE
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db
MARTIN = CORPUS / "templates" / "MartinPacker__md2pptx__Martin_Template.pptx"
SPEC = {"title": "Market entry", "slides": [
    {"kind": "message", "title": "We should enter through a partnership", "points": ["Fast"]}]}

# Names that stay as they are in the Japanese UI: products, formats, standards, units.
KEPT = {
    "bcgslides", "openai", "api", "json", "deckspec", "markdown", "pandoc", "yaml", "powerpoint",
    "pptx", "potx", "pptm", "potm", "libreoffice", "pdf", "smartart", "kpi", "rag", "bcg",
    "cpu", "mb", "gb", "kb", "id", "sha", "url", "csv", "xlsx", "docx", "md", "png", "ok",
    "openai_api_key", "previews_enabled", "data_dir", "axes", "django", "q", "orm", "sqlite",
    "authorization", "token", "key", "log", "app", "app_error", "pt", "vs", "png", "html",
    "examples", "every", "kind", "ja", "bcg_", "ppt", "zip", "v", "english", "x", "y", "qcluster",
}
SKIPPED_TAGS = {"script", "style", "code", "pre", "textarea", "kbd", "samp"}
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


class VisibleText(HTMLParser):
    """The text a user reads on a page: text nodes outside code and typed text, plus the
    attributes a browser shows (tooltips, placeholders, labels, button captions)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in SKIPPED_TAGS:
            self._skipping.append(tag)
        for name, value in attrs:
            if value and (name in SHOWN_ATTRIBUTES or (
                    name == "value" and tag in ("input", "button")
                    and attributes.get("type") in ("submit", "button"))):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def latin_words(parts: list[str], allowed: set[str]) -> set[str]:
    """The Latin words in `parts` that are neither kept names nor the user's content."""
    found = set()
    for part in parts:
        part = re.sub(r"#[0-9A-Fa-f]{6}\b", "", part)  # colour codes
        part = re.sub(r"\S+\.(?:pptx|log|md|json)\b", "", part)  # file names
        part = re.sub(r"\b[0-9a-f]{16,}\b", "", part)  # hashes
        for word in re.findall(r"[A-Za-z][A-Za-z_]*", part):
            if word.lower() not in KEPT and word.lower() not in allowed:
                found.add(word)
    return found


def _words_of(*texts: str) -> set[str]:
    return {w.lower() for text in texts for w in re.findall(r"[A-Za-z][A-Za-z_]*", text or "")}


@pytest.fixture
def world(alice, admin, settings, tmp_path):
    """A design, decks in every state, a token, a backup and a day of metric samples."""
    settings.PREVIEWS_ENABLED = False
    use_local_files(settings, tmp_path)
    asset = learn_design(path=MARTIN, user=alice)
    done = GeneratedPresentation.objects.create(owner=alice, source_kind="spec", spec=SPEC,
                                                source_text=json.dumps(SPEC), title=SPEC["title"],
                                                asset=asset)
    tasks.generate_presentation(done.pk)
    make = GeneratedPresentation.objects.create
    decks = {
        "done": done,
        "queued": make(owner=alice, source_kind="markdown", title="Q", status="queued",
                       stage="queued"),
        "running": make(owner=alice, source_kind="markdown", title="R", status="running",
                        stage="render", progress=40),
        "failed": make(owner=alice, source_kind="markdown", title="F", status="failed",
                       stage="failed", error="スライドを作成できませんでした"),
        "review": make(owner=alice, source_kind="brief", status="review", stage="review",
                       storyline=STORYLINE, source_text="brief"),
    }
    user_content = _words_of(asset.filename, SPEC["title"], SPEC["slides"][0]["title"],
                             "alice root Q R F laptop", socket.gethostname())
    for pattern in asset.patterns.all():  # the template's layout and font names
        fonts = pattern.pattern_data.values() if pattern.pattern_type == "theme_fonts" else ()
        user_content |= _words_of(pattern.pattern_name, *[f for f in fonts if isinstance(f, str)])
    return {"asset": asset, "decks": decks, "allowed": user_content}


def _user_pages(world) -> list[str]:
    decks, asset = world["decks"], world["asset"]
    return (["/", "/decks/new/", "/designs/", f"/designs/{asset.pk}/", "/usage/",
             "/accounts/tokens/", "/decks/restyle/", "/accounts/password/",
             f"/decks/{decks['done'].pk}/edit/", f"/decks/{decks['done'].pk}/restyle/"]
            + [f"/decks/{row.pk}/" for row in decks.values()])


def _admin_pages(world) -> list[str]:
    done, asset = world["decks"]["done"], world["asset"]
    return ["/admin/", "/admin/operations/metricsample/",
            "/admin/operations/metricsample/health/", "/admin/operations/metricsample/backups/",
            "/admin/generator/generatedpresentation/",
            f"/admin/generator/generatedpresentation/{done.pk}/change/",
            "/admin/generator/designasset/", f"/admin/generator/designasset/{asset.pk}/change/",
            "/admin/generator/designpattern/", "/admin/generator/apitoken/",
            "/admin/generator/apiusage/",
            # the third-party apps' pages (their words are in our catalogue)
            "/admin/django_q/schedule/", "/admin/django_q/schedule/add/",
            "/admin/django_q/success/", "/admin/django_q/failure/",
            "/admin/axes/accessattempt/", "/admin/axes/accessfailurelog/",
            "/admin/axes/accesslog/"] + (
        # django-q2 lists its database queue only when the database is the broker
        ["/admin/django_q/ormq/"] if site.is_registered(OrmQ) else [])


def _page(client, url: str, language: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    return response.content.decode()


def _english_left(client, urls, allowed) -> dict[str, set[str]]:
    left = {}
    for url in urls:
        words = latin_words(visible_text(_page(client, url, "ja")), allowed)
        if words:
            left[url] = words
    return left


def _assert_japanese(client, urls, allowed) -> None:
    left = _english_left(client, urls, allowed)
    assert not left, "English left on Japanese pages:\n" + "\n".join(
        f"{url}: {' '.join(sorted(words))}" for url, words in left.items())


@pytest.fixture
def quiet_health(monkeypatch):
    """The health page's words, not the machine's state: a fixed report with every level
    (the checks' own messages are the checks' business, tested in tests/operations)."""
    report = {"status": "warning", "timestamp": "2026-12-06T09:00:00+09:00", "duration_ms": 12.5,
              "version": "0.1.0", "checks": {
                  "database": {"status": "healthy", "response_time": 0.004, "asset_count": 1},
                  "disk_space": {"status": "warning", "free_gb": 7.5, "used_percent": 82.1},
                  "logs": {"status": "healthy", "files": {"app.log": {"status": "healthy"}}},
                  "task_queue": {"status": "critical", "broker": "orm", "queue_size": 3},
                  "decks": {"status": "unhealthy", "stuck_running": 1, "ids": [3]}}}
    monkeypatch.setattr(operations_admin.health, "run_checks", lambda: report)
    return report


def test_every_main_page_is_in_japanese(client, alice, world):
    client.force_login(alice)
    client.post("/accounts/tokens/", {"name": "laptop"})
    _assert_japanese(client, _user_pages(world), world["allowed"])
    client.logout()
    _assert_japanese(client, ["/accounts/login/"], world["allowed"])


def test_the_admin_pages_are_in_japanese(client, admin, world, quiet_health):
    backup.create()
    client.force_login(admin)
    # the schedules' names and dotted paths are code, as are the form's examples; Django
    # writes a yes/no icon's alt text in English ("None" for a schedule not run yet)
    code = _words_of(*[f"{s.name} {s.func}" for s in Schedule.objects.all()],
                     "myapp tasks job module function result_function John name x y cron "
                     "croniter UTC HTTP Accept GET POST IP n kwarg sha None")
    _assert_japanese(client, _admin_pages(world), world["allowed"] | code)


def test_each_page_says_something_else_in_english(client, alice, world):
    client.force_login(alice)
    for url in _user_pages(world):
        english, japanese = (visible_text(_page(client, url, lang)) for lang in ("en", "ja"))
        assert set(english) != set(japanese), url
        assert not latin_words(english, world["allowed"]) <= {"Decks"}, url  # English is English


def test_status_badges_and_stages_are_japanese(client, alice, world):
    client.force_login(alice)
    dashboard = " ".join(visible_text(_page(client, "/", "ja")))
    for word in ("完了", "待機中", "実行中", "失敗", "ストーリーライン確認待ち"):
        assert word in dashboard
    running = " ".join(visible_text(_page(client, f"/decks/{world['decks']['running'].pk}/",
                                          "ja")))
    assert "実行中" in running and "render" not in running and "running" not in running


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_language_menu_names_each_language_in_its_own_words(client, alice, language):
    client.force_login(alice)
    page = _page(client, "/", language)
    options = re.findall(r'<option value="(\w+)"[^>]*>([^<]*)</option>', page)
    assert dict(options) == {"ja": "日本語", "en": "English"}
    assert "英語" not in page and "(米国)" not in page
    assert f'<option value="{language}" lang="{language}" selected>' in page


def test_the_login_page_menu_too(client):
    page = _page(client, "/accounts/login/", "ja")
    assert ">English</option>" in page and ">日本語</option>" in page


@pytest.mark.parametrize("language, title", [("ja", "ページが見つかりません"),
                                             ("en", "Page not found")])
def test_a_missing_page_is_ours_and_in_the_page_language(client, alice, language, title):
    client.force_login(alice)
    response = client.get("/decks/999999/", HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 404 and title in page and 'id="error-page"' in page
    assert "The requested resource was not found" not in page
    if language == "ja":
        assert latin_words(visible_text(page), set()) <= {"English", "alice"}


def test_the_server_error_page_needs_no_request_and_speaks_japanese(rf):
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("ja"):
        page = server_error(rf.get("/")).content.decode()
    assert 'lang="ja"' in page and "問題が発生しました" in page
    assert latin_words(visible_text(page), set()) == set()
