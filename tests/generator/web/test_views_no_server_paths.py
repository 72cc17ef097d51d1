"""No message a user sees carries a path of the server (issue 13): hostile-ish uploads to
every form and endpoint that takes a file are refused with words, never with the temporary
upload's path, the data folder or the code's."""

from __future__ import annotations

import base64
import io
import json
import tempfile
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from generator.api import tokens
from generator.decks import lifecycle
from generator.errors import PreviewError
from generator.models import GeneratedPresentation

pytestmark = pytest.mark.django_db


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


HOSTILE = {
    "garbage.pptx": b"\x00not a zip at all" * 100,
    "empty.pptx": b"",
    "text.pptx": b"PK\x03\x04 looks like a zip but is not",
    "../../etc/passwd.pptx": _zip({"[Content_Types].xml": b"<Types/>"}),
    "no-presentation.pptx": _zip({"[Content_Types].xml": b"<Types/>",
                                  "ppt/slides/slide1.xml": b"<notxml"}),
    "old.ppt": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
}


def _server_paths(tmp_path) -> list[str]:
    return ["/tmp/", str(settings.DATA_DIR), str(settings.BASE_DIR), str(tmp_path),
            str(settings.MEDIA_ROOT)]


def _assert_clean(text: str, tmp_path, what: str) -> None:
    for path in _server_paths(tmp_path):
        assert path not in text, f"{what}: {path!r} in {text[:2000]!r}"


@pytest.fixture
def on_disk_uploads(settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload a temporary file on disk


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_design_upload_refusals_carry_no_server_path(client, alice, tmp_path, name,
                                                     on_disk_uploads):
    client.force_login(alice)
    response = client.post("/designs/", {"file": SimpleUploadedFile(name, HOSTILE[name])})
    assert response.status_code == 400
    _assert_clean(response.content.decode(), tmp_path, name)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_restyle_refusals_carry_no_server_path(client, alice, tmp_path, name, on_disk_uploads):
    client.force_login(alice)
    response = client.post("/decks/restyle/", {"file": SimpleUploadedFile(name, HOSTILE[name])})
    assert response.status_code == 400
    _assert_clean(response.content.decode(), tmp_path, name)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_api_restyle_refusals_carry_no_server_path(client, alice, tmp_path, name):
    key = tokens.create(user=alice, name="script")[1]
    body = {"pptx": {"name": name, "content_base64": base64.b64encode(HOSTILE[name]).decode()}}
    response = client.post("/api/presentations", data=json.dumps(body),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")
    assert 400 <= response.status_code < 500
    _assert_clean(response.content.decode(), tmp_path, name)


def test_outline_refusals_carry_no_server_path(client, alice, tmp_path):
    client.force_login(alice)
    outline = "# A picture from the server\n\n![x](/etc/passwd.png)\n\n![y](../../secret.png)\n"
    response = client.post("/decks/new/", {"source_format": "markdown", "source": outline,
                                           "asset": ""})
    assert response.status_code == 400
    _assert_clean(response.content.decode(), tmp_path, "outline")


@pytest.mark.parametrize("name", ["garbage.pdf", "garbage.docx", "garbage.xlsx", "old.ppt",
                                  "empty.pptx", "../../etc/passwd.pptx"])
def test_brief_source_refusals_carry_no_server_path(client, alice, tmp_path, name, settings,
                                                    on_disk_uploads):
    settings.OPENAI_API_KEY = "sk-test"  # the form reads the files before any model call
    client.force_login(alice)
    data = HOSTILE.get(name, b"\x00\x01 not this kind of file" * 50)
    response = client.post("/decks/new/brief/", {
        "topic": "EV entry", "length": 5, "language": "en", "asset": "",
        "sources": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    _assert_clean(response.content.decode(), tmp_path, name)


def test_a_failed_deck_shows_its_reason_without_server_paths(client, alice, tmp_path):
    row = GeneratedPresentation.objects.create(owner=alice, source_kind="spec", title="T",
                                               status="running")
    temporary = f"{tempfile.gettempdir()}/bcgslides-restyle-x1/pictures/image7.png"
    data = f"{settings.DATA_DIR}/media/presentations/deck.pptx"
    lifecycle.fail(row.pk, FileNotFoundError(2, "No such file or directory", temporary))
    row.refresh_from_db()
    assert row.status == "failed" and "image7.png" in row.error
    _assert_clean(row.error, tmp_path, "failed deck")
    lifecycle.fail(row.pk, PreviewError(f"soffice failed: cannot load {data}"))
    client.force_login(alice)
    page = client.get(f"/decks/{row.pk}/").content.decode()
    _assert_clean(page, tmp_path, "deck page")
