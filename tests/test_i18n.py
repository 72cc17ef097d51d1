"""Japanese translations: complete, compiled, and used by the pages and commands."""

from __future__ import annotations

import gettext

import polib
import pytest
from django.utils import translation

from tests.conftest import REPO

PO = REPO / "locale" / "ja" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_message_is_translated():
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    assert untranslated == [] and po.fuzzy_entries() == []


def test_the_compiled_catalogue_matches_the_source():
    with open(MO, "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in polib.pofile(str(PO)):
        if not entry.msgid_plural and not entry.obsolete:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


@pytest.mark.django_db
def test_pages_speak_japanese(client, alice):
    client.force_login(alice)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "あなたの資料" in page and "新しい資料" in page


def test_the_manuals_messages():
    with translation.override("ja"):
        assert translation.gettext("Running system health checks...") == "システムヘルスチェック開始..."
        assert translation.gettext("Invalid choice") == "無効な選択です"
        assert translation.gettext("Starting a full backup...") == "フルバックアップを開始します..."
