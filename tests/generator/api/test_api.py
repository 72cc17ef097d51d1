"""The JSON API through Django's test client: auth, validation, ownership, downloads."""

from __future__ import annotations

import io
import json

import pytest
from pptx import Presentation

from generator import tasks

from generator.api import tokens
from generator.models import GeneratedPresentation
from tests.conftest import queued_tasks
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db

SPEC = {"title": "Market entry", "slides": [
    {"kind": "message", "title": "We should enter through a partnership", "points": ["Fast"]}]}
OUTLINE = "---\ntitle: 市場参入\n---\n\n# 提携による参入を推奨する\n\n- 最速で規模を確保できる\n"


def post_json(client, url, data, **headers):
    return client.post(url, data=json.dumps(data), content_type="application/json", **headers)


@pytest.fixture
def alice_token(alice):
    return tokens.create(user=alice, name="script")[1]


def auth(key):
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def test_it_requires_authentication(client):
    response = post_json(client, "/api/presentations", {"spec": SPEC})
    assert response.status_code == 401
    assert response.json()["error"]


def test_a_wrong_token_is_refused(client, alice_token):
    response = client.get("/api/presentations", **auth("bcg_wrong"))
    assert response.status_code == 401


def test_a_spec_is_queued_then_generated_and_downloaded(client, alice, alice_token, settings, empty_queue,
                                                        tmp_path, django_capture_on_commit_callbacks):
    use_local_files(settings, tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(client, "/api/presentations", {"spec": SPEC}, **auth(alice_token))
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["download_url"] is None
    assert queued_tasks() == 1  # handed to the django-q2 broker
    tasks.generate_presentation(body["id"])  # what a qcluster worker runs
    status = client.get(f"/api/presentations/{body['id']}", **auth(alice_token)).json()
    assert status["status"] == "done" and status["progress"] == 100
    assert status["lint"]["summary"]["errors"] == 0
    download = client.get(status["download_url"], **auth(alice_token))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    prs = Presentation(io.BytesIO(b"".join(download.streaming_content)))
    assert prs.slides[0].shapes.title.text == "We should enter through a partnership"


def test_an_outline_is_accepted(client, alice_token):
    response = post_json(client, "/api/presentations", {"outline": OUTLINE}, **auth(alice_token))
    assert response.status_code == 202
    row = GeneratedPresentation.objects.get(pk=response.json()["id"])
    assert row.source_kind == "markdown" and row.spec["title"] == "市場参入"


@pytest.mark.parametrize("payload,status,needle", [
    ({}, 400, "exactly one"),
    ({"spec": SPEC, "outline": OUTLINE}, 400, "exactly one"),
    ({"spec": {"title": "x", "slides": [{"kind": "nope"}]}}, 400, "unknown slide kind"),
    ({"spec": SPEC, "asset": 4242}, 404, "4242"),
    ({"spec": SPEC, "asset": "x"}, 400, "asset"),
    ({"brief": "EV market entry"}, 400, "OPENAI_API_KEY"),
])
def test_bad_requests_get_json_errors(client, alice_token, payload, status, needle):
    response = post_json(client, "/api/presentations", payload, **auth(alice_token))
    assert response.status_code == status
    assert needle in response.json()["error"]
    assert GeneratedPresentation.objects.count() == 0


def test_validation_problems_name_the_slide(client, alice_token):
    bad = {"title": "x", "slides": [SPEC["slides"][0], {"kind": "message", "title": ""}]}
    response = post_json(client, "/api/presentations", {"spec": bad}, **auth(alice_token))
    assert response.status_code == 400
    assert response.json()["problems"][0]["place"] == "slide 2 (message): title"


def test_the_body_must_be_json(client, alice_token):
    response = client.post("/api/presentations", data="title=x", content_type="text/plain",
                           **auth(alice_token))
    assert response.status_code == 400
    response = client.post("/api/presentations", data="{broken", content_type="application/json",
                           **auth(alice_token))
    assert response.status_code == 400 and "not valid JSON" in response.json()["error"]


def test_another_users_deck_is_a_404(client, alice, bob, alice_token):
    theirs = GeneratedPresentation.objects.create(owner=bob, source_kind="spec", title="Bob's")
    assert client.get(f"/api/presentations/{theirs.pk}", **auth(alice_token)).status_code == 404
    assert client.get(f"/api/presentations/{theirs.pk}/download",
                      **auth(alice_token)).status_code == 404


def test_a_deck_not_ready_is_a_409(client, alice, alice_token):
    row = GeneratedPresentation.objects.create(owner=alice, source_kind="spec", title="x")
    response = client.get(f"/api/presentations/{row.pk}/download", **auth(alice_token))
    assert response.status_code == 409


def test_session_posts_need_csrf(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = post_json(client, "/api/presentations", {"spec": SPEC})
    assert response.status_code == 403 and "CSRF" in response.json()["error"]
    client.get("/decks/new/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = post_json(client, "/api/presentations", {"spec": SPEC}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 202


def test_token_requests_need_no_csrf(alice_token):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = post_json(client, "/api/presentations", {"spec": SPEC}, **auth(alice_token))
    assert response.status_code == 202


def test_the_list_shows_only_my_decks(client, alice, bob, alice_token):
    GeneratedPresentation.objects.create(owner=alice, source_kind="spec", title="Mine")
    GeneratedPresentation.objects.create(owner=bob, source_kind="spec", title="Theirs")
    titles = [r["title"] for r in client.get("/api/presentations", **auth(alice_token))
              .json()["results"]]
    assert titles == ["Mine"]


def test_the_outline_check_reports_problems_by_line(client, alice):
    client.force_login(alice)
    bad = "---\ntitle: x\n---\n\n# Chart\n\n```chart\ntype: radar\n```\n"
    data = post_json(client, "/api/outline/validate", {"source": bad}).json()
    assert data["ok"] is False and any("line" in p["place"] for p in data["problems"])
    good = post_json(client, "/api/outline/validate", {"source": OUTLINE}).json()
    assert good["ok"] is True and good["slides"] >= 1


def test_tokens_are_stored_hashed(alice):
    row, key = tokens.create(user=alice)
    assert key not in (row.key_hash, row.prefix) and key.startswith(row.prefix)
    assert tokens.authenticate(key) == alice
    alice.is_active = False
    alice.save()
    assert tokens.authenticate(key) is None


def test_the_apitoken_command_prints_a_working_key(client, alice, capsys):
    from django.core.management import call_command

    call_command("apitoken", "alice", "--name", "ci")
    key = capsys.readouterr().out.strip()
    assert client.get("/api/presentations", **auth(key)).status_code == 200
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user nobody"):
        call_command("apitoken", "nobody")
