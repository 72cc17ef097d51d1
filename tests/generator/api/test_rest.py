"""The API a client builds on: its OpenAPI document, one error shape, and the calls a client
expects (list and filter, designs, delete, tokens, rate limits, idempotency keys)."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import get_resolver
from openapi_spec_validator import validate

from generator import files, tasks

from generator.previews import deck_pictures

from generator.api import tokens
from generator.models import ApiToken, DesignAsset, GeneratedPresentation
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db

SPEC = {"title": "Market entry", "slides": [
    {"kind": "message", "title": "We should enter through a partnership", "points": ["Fast"]}]}
OUTLINE = "---\ntitle: Entry\n---\n\n# We should enter now\n\n- Fast\n"
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # rate-limit windows and idempotency keys live there
    yield
    cache.clear()


@pytest.fixture
def key(alice):
    return tokens.create(user=alice, name="script")[1]


def auth(key):
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def post_json(client, url, data, **extra):
    return client.post(url, data=json.dumps(data), content_type="application/json", **extra)


def deck(owner, **fields):
    return GeneratedPresentation.objects.create(owner=owner, source_kind="spec",
                                                **{"title": "Deck", **fields})


# -- the document -----------------------------------------------------------------------------
def test_the_schema_is_valid_openapi_3_1_and_docs_page_reads_it(client):
    response = client.get("/api/schema")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"/api/schema" in docs.content
    assert b"/static/ninja/swagger-ui-bundle.js" in docs.content  # served here, no CDN
    script = client.get("/static/ninja/swagger-ui-bundle.js")
    assert script.status_code == 200 and b"".join(script.streaming_content)


def test_the_schema_uses_the_deckspec_model_itself(client):
    from generator.spec import DeckSpec

    document = client.get("/api/schema").json()
    create = document["components"]["schemas"]["CreateDeck"]["properties"]
    assert {"$ref": "#/components/schemas/DeckSpec"} in create["spec"]["anyOf"]
    served = document["components"]["schemas"]["DeckSpec"]
    assert set(served["properties"]) == set(DeckSpec.model_json_schema()["properties"])


def test_every_api_route_is_in_the_document(client):
    import re

    def shape(path):
        return re.sub(r"<[^>]+>|\{[^}]+\}", "*", path)

    document = client.get("/api/schema").json()
    documented = {shape(path) for path in document["paths"]}
    routed = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, route)
            elif route.startswith("api/") and route not in ("api/", "api/schema", "api/docs"):
                routed.add(shape("/" + route))

    walk(get_resolver().url_patterns)
    assert len(routed) >= 10 and routed <= documented, routed - documented


def test_error_responses_are_documented_as_problems(client):
    document = client.get("/api/schema").json()
    post = document["paths"]["/api/presentations"]["post"]["responses"]
    assert set(post["400"]["content"]) == {PROBLEM}
    assert "429" in post and "422" in post


# -- one error shape --------------------------------------------------------------------------
@pytest.mark.parametrize("payload,needle", [
    ({}, "exactly one"),
    ({"spec": SPEC, "asset": "x"}, "asset"),
    ({"outline": 7}, "outline"),
    ({"spec": SPEC, "colour": "red"}, "colour"),
])
def test_bad_bodies_are_problems_with_places(client, key, payload, needle):
    response = post_json(client, "/api/presentations", payload, **auth(key))
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 400 and body["type"].startswith("urn:bcgslides:problem:")
    assert body["title"] == "Bad Request" and needle in body["detail"]
    assert body["error"] == body["detail"]
    assert GeneratedPresentation.objects.count() == 0


def test_a_bad_outline_names_its_line(client, key):
    bad = "---\ntitle: x\n---\n\n# Chart\n\n```chart\ntype: radar\n```\n"
    response = post_json(client, "/api/presentations", {"outline": bad}, **auth(key))
    assert response.status_code == 400
    body = response.json()
    assert body["type"].endswith(":invalid-outline")
    assert any(item["line"] for item in body["problems"]), body


def test_unknown_paths_wrong_methods_and_big_bodies_are_problems(client, key, settings):
    missing = client.get("/api/nothing-here", **auth(key))
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM
    wrong = client.put("/api/presentations", **auth(key))
    assert wrong.status_code == 405 and wrong.json()["status"] == 405
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = post_json(client, "/api/presentations", {"outline": "x" * 5000}, **auth(key))
    assert big.status_code == 413 and big.json()["title"] == "Request Entity Too Large"


def test_no_credentials_is_a_401_problem_with_a_challenge(client):
    response = client.get("/api/presentations")
    assert response.status_code == 401 and response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Token")
    assert client.get("/api/presentations", HTTP_AUTHORIZATION="Bearer bcg_nope").status_code == 401


# -- list and filter --------------------------------------------------------------------------
def test_decks_are_listed_paginated_and_filtered(client, alice, bob, key):
    for number in range(5):
        deck(alice, title=f"Alpha {number}", status="done")
    deck(alice, title="Beta", status="failed")
    deck(bob, title="Alpha of Bob", status="done")
    first = client.get("/api/presentations?limit=2", **auth(key)).json()
    assert first["count"] == 6 and len(first["results"]) == 2 and first["previous"] is None
    second = client.get(first["next"], **auth(key)).json()
    assert [row["id"] for row in second["results"]] != [row["id"] for row in first["results"]]
    titles = {r["title"] for r in client.get("/api/presentations?q=alpha&limit=100",
                                             **auth(key)).json()["results"]}
    assert titles == {f"Alpha {n}" for n in range(5)}  # never Bob's
    failed = client.get("/api/presentations?status=failed", **auth(key)).json()
    assert [r["title"] for r in failed["results"]] == ["Beta"]
    assert client.get("/api/presentations?status=nope", **auth(key)).status_code == 400
    assert client.get("/api/presentations?limit=0", **auth(key)).status_code == 400


def test_designs_are_listed(client, key, alice):
    DesignAsset.objects.create(filename="house.pptx", category="corp", stored_name="a.pptx",
                               sha256="0" * 64, uploaded_by=alice)
    body = client.get("/api/designs", **auth(key)).json()
    assert [d["filename"] for d in body["results"]] == ["house.pptx"] and body["default"]
    assert "uploaded_by" not in body["results"][0]


# -- delete -----------------------------------------------------------------------------------
def test_deleting_a_deck_removes_its_versions_files_and_pictures(
        client, alice, key, settings, tmp_path, django_capture_on_commit_callbacks):
    use_local_files(settings, tmp_path)
    root = deck(alice, status="done", file="decks/a.pptx")
    later = deck(alice, status="done", file="decks/b.pptx", parent=root, version=2)
    for name in ("decks/a.pptx", "decks/b.pptx"):
        (tmp_path / "x.bin").write_bytes(b"pptx")
        files.store(tmp_path / "x.bin", name)
    (tmp_path / "slide.png").write_bytes(b"png")
    files.store(tmp_path / "slide.png", f"{deck_pictures.prefix(later)}/slide-001.png")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"/api/presentations/{root.pk}", **auth(key))
    assert response.status_code == 200 and response.json()["deleted"] == [root.pk, later.pk]
    assert not GeneratedPresentation.objects.exists()
    assert not files.exists("decks/a.pptx") and not files.exists("decks/b.pptx")
    assert files.list_names(deck_pictures.prefix(later)) == []


def test_deleting_is_refused_for_others_and_for_decks_in_progress(client, alice, bob, key):
    theirs = deck(bob, status="done")
    assert client.delete(f"/api/presentations/{theirs.pk}", **auth(key)).status_code == 404
    running = deck(alice, status="running")
    response = client.delete(f"/api/presentations/{running.pk}", **auth(key))
    assert response.status_code == 409 and response.json()["type"].endswith(":deck-busy")
    assert GeneratedPresentation.objects.count() == 2


# -- tokens -----------------------------------------------------------------------------------
def test_tokens_are_created_listed_and_revoked_through_the_api(client, alice, bob, key):
    created = post_json(client, "/api/tokens", {"name": "ci"}, **auth(key))
    assert created.status_code == 201
    new_key = created.json()["key"]
    assert client.get("/api/presentations", **auth(new_key)).status_code == 200
    listed = client.get("/api/tokens", **auth(new_key)).json()["results"]
    assert {t["name"] for t in listed} == {"script", "ci"} and "key" not in listed[0]
    revoked = client.delete(f"/api/tokens/{created.json()['id']}", **auth(key))
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    assert client.get("/api/presentations", **auth(new_key)).status_code == 401
    bobs = tokens.create(user=bob)[0]
    assert client.delete(f"/api/tokens/{bobs.pk}", **auth(key)).status_code == 404
    assert ApiToken.objects.get(pk=bobs.pk).revoked_at is None
    too_long = post_json(client, "/api/tokens", {"name": "x" * 101}, **auth(key))
    assert too_long.status_code == 400
    nul = post_json(client, "/api/tokens", {"name": "a\x00b"}, **auth(key))
    assert nul.status_code == 400 and "column 2" in nul.json()["detail"]


def test_control_characters_are_refused_before_any_database_sees_them(client, key):
    assert client.get("/api/presentations?q=a%00b", **auth(key)).status_code == 400
    brief = post_json(client, "/api/presentations", {"brief": "x\x00"}, **auth(key))
    assert brief.status_code == 400 and "U+0000" in brief.json()["detail"]


# -- rate limit -------------------------------------------------------------------------------
def test_a_token_over_its_rate_gets_429_with_retry_after(client, alice, key, settings):
    settings.API_RATE_LIMIT = "3/min"
    other = tokens.create(user=alice, name="other")[1]
    answers = [client.get("/api/designs", **auth(key)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = client.get("/api/designs", **auth(key))
    assert limited["Content-Type"] == PROBLEM and 0 < int(limited["Retry-After"]) <= 60
    assert client.get("/api/designs", **auth(other)).status_code == 200  # per token
    settings.API_RATE_LIMIT = ""
    assert client.get("/api/designs", **auth(key)).status_code == 200


# -- idempotency ------------------------------------------------------------------------------
def test_the_same_idempotency_key_returns_the_same_deck(client, key, empty_queue):
    first = post_json(client, "/api/presentations", {"spec": SPEC}, **auth(key),
                      HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/presentations", content_type="application/json",
                        data=json.dumps({"spec": SPEC}, indent=2), **auth(key),
                        HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 202 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again["Idempotent-Replayed"] == "true"
    assert GeneratedPresentation.objects.count() == 1
    other = post_json(client, "/api/presentations", {"outline": OUTLINE}, **auth(key),
                      HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422 and other.json()["type"].endswith(":idempotency-key-reused")
    assert GeneratedPresentation.objects.count() == 1
    fresh = post_json(client, "/api/presentations", {"spec": SPEC}, **auth(key),
                      HTTP_IDEMPOTENCY_KEY="k-2")
    assert fresh.status_code == 202 and GeneratedPresentation.objects.count() == 2


def test_a_refused_request_does_not_use_up_its_key(client, key, empty_queue):
    bad = post_json(client, "/api/presentations", {"spec": {"title": "x", "slides": []}},
                    **auth(key), HTTP_IDEMPOTENCY_KEY="k-3")
    assert bad.status_code == 400
    good = post_json(client, "/api/presentations", {"spec": SPEC}, **auth(key),
                     HTTP_IDEMPOTENCY_KEY="k-3")
    assert good.status_code == 202


def test_keys_are_per_user(client, key, bob, empty_queue):
    bobs = tokens.create(user=bob)[1]
    mine = post_json(client, "/api/presentations", {"spec": SPEC}, **auth(key),
                     HTTP_IDEMPOTENCY_KEY="same")
    theirs = post_json(client, "/api/presentations", {"outline": OUTLINE}, **auth(bobs),
                       HTTP_IDEMPOTENCY_KEY="same")
    assert mine.status_code == theirs.status_code == 202
    assert mine.json()["id"] != theirs.json()["id"]


# -- pictures ---------------------------------------------------------------------------------
def test_slide_pictures_are_listed_and_served_to_a_token(client, alice, bob, key, settings,
                                                         tmp_path):
    use_local_files(settings, tmp_path)
    row = deck(alice, status="done")
    assert client.get(f"/api/presentations/{row.pk}/slides", **auth(key)).json()["slides"] == []
    from generator.previews.soffice import picture_name

    (tmp_path / "p.png").write_bytes(b"\x89PNG fake")
    files.store(tmp_path / "p.png", picture_name(deck_pictures.prefix(row), 1))
    picture = client.get(f"/api/presentations/{row.pk}/slides/1.png", **auth(key))
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
    assert b"".join(picture.streaming_content).startswith(b"\x89PNG")
    assert client.get(f"/api/presentations/{row.pk}/slides/2.png", **auth(key)).status_code == 404
    theirs = deck(bob, status="done")
    assert client.get(f"/api/presentations/{theirs.pk}/slides/1.png",
                      **auth(key)).status_code == 404


def test_create_follow_download_round_trip_with_tasks(client, key, settings, tmp_path,
                                                      empty_queue,
                                                      django_capture_on_commit_callbacks):
    use_local_files(settings, tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        created = post_json(client, "/api/presentations", {"outline": OUTLINE}, **auth(key))
    tasks.generate_presentation(created.json()["id"])
    status = client.get(created.json()["url"].replace("/decks/", "/api/presentations/")
                        .rstrip("/"), **auth(key)).json()
    assert status["status"] == "done"
    download = client.get(status["download_url"], **auth(key))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
