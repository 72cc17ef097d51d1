"""A brief with source files through the JSON API (base64 in the body)."""

from __future__ import annotations

import base64
import json

import pytest

from generator.api import tokens
from generator.material import pack
from generator.models import GeneratedPresentation
from tests.sharedfiles import use_local_files

from tests.generator.material import makefiles

pytestmark = pytest.mark.django_db(transaction=True)


def post(client, data, key):
    return client.post("/api/presentations", data=json.dumps(data),
                       content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")


def encoded(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_a_brief_with_sources_is_queued_with_its_material(client, alice, fake_openai, settings,
                                                          tmp_path):
    use_local_files(settings, tmp_path)
    key = tokens.create(user=alice, name="script")[1]
    response = post(client, {"brief": "Topic: EV market entry", "source_files": [
        {"name": "data.xlsx", "content_base64": encoded(makefiles.data_pack_xlsx())},
        {"name": "notes.md", "content_base64": encoded(b"# Notes\nFleet demand 240 units")}]},
        key)
    assert response.status_code == 202, response.content
    row = GeneratedPresentation.objects.get(pk=response.json()["id"])
    assert row.source_kind == "brief"
    assert [d["name"] for d in pack.load(row.pk).documents] == ["data.xlsx", "notes.md"]


@pytest.mark.parametrize("files, says", [
    ([{"name": "../../etc/locked.pdf", "content_base64": encoded(makefiles.encrypted_pdf())}],
     "locked.pdf: the PDF is encrypted"),
    ([{"name": "x.pdf", "content_base64": "not base64!"}], "x.pdf: 'content_base64' is not"),
    ([{"name": "macro.xlsm", "content_base64": encoded(b"PK")}], "macro.xlsm: files with macros"),
])
def test_a_bad_source_is_a_400_naming_the_file(client, alice, fake_openai, files, says):
    key = tokens.create(user=alice, name="script")[1]
    response = post(client, {"brief": "Topic: EV", "source_files": files}, key)
    assert response.status_code == 400
    assert says in response.json()["detail"] and "/etc" not in response.json()["detail"]
    assert GeneratedPresentation.objects.count() == 0


def test_sources_without_a_brief_are_refused(client, alice):
    key = tokens.create(user=alice, name="script")[1]
    response = post(client, {"outline": "# Title\n", "source_files": [
        {"name": "n.txt", "content_base64": encoded(b"x")}]}, key)
    assert response.status_code in (400, 422)
    assert "'source_files' go with a 'brief'" in response.content.decode()


def test_deleting_a_deck_removes_what_was_read_from_its_sources(
        client, alice, settings, tmp_path, django_capture_on_commit_callbacks):
    from generator.material.intake import SourceFile

    use_local_files(settings, tmp_path)
    key = tokens.create(user=alice, name="script")[1]
    row = GeneratedPresentation.objects.create(owner=alice, source_kind="brief",
                                               source_text="brief", status="done")
    pack.store(row.pk, pack.build([SourceFile("n.txt", b"Notes 42")]))
    assert pack.load(row.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"/api/presentations/{row.pk}",
                                 HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert not pack.load(row.pk) and not (tmp_path / pack.name_for(row.pk)).exists()
