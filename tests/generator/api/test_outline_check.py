"""The API refuses what the editor's live check refuses, with the same words (issue 13): an
outline or a spec whose text cannot fit its design is refused before anything is queued."""

from __future__ import annotations

import json

import pytest

from generator.api import tokens
from generator.models import GeneratedPresentation

pytestmark = pytest.mark.django_db

LONG_TITLE = ("The partnership route lets us enter the domestic EV market two years earlier "
              "and with JPY 40bn less capital at risk than building our own plant, while the "
              "partner brings its dealers, its service network and its brand")[:207]


def post(client, url, data, **headers):
    return client.post(url, data=json.dumps(data), content_type="application/json", **headers)


@pytest.fixture
def auth(alice):
    return {"HTTP_AUTHORIZATION": f"Token {tokens.create(user=alice, name='script')[1]}"}


def test_an_outline_the_live_check_refuses_is_refused_by_create_with_the_same_words(
        client, alice, auth):
    outline = f"# {LONG_TITLE}\n\n- One point\n"
    live = post(client, "/api/outline/validate", {"source": outline}, **auth).json()
    created = post(client, "/api/presentations", {"outline": outline}, **auth)
    assert created.status_code == 400 and GeneratedPresentation.objects.count() == 0
    body = created.json()
    assert body["problems"][0]["message"] == live["problems"][0]["message"]
    assert body["problems"][0]["line"] == live["problems"][0]["line"] == 1


def test_a_spec_whose_title_cannot_fit_is_refused_naming_the_slide(client, alice, auth):
    spec = {"title": "Entry", "slides": [{"kind": "message", "title": LONG_TITLE,
                                          "points": ["Fast"]}]}
    created = post(client, "/api/presentations", {"spec": spec}, **auth)
    assert created.status_code == 400 and GeneratedPresentation.objects.count() == 0
    problem = created.json()["problems"][0]
    assert problem["place"] == "slide 1 (message): title"
    assert "does not fit in 2 lines" in problem["message"]
    live = post(client, "/api/outline/validate", {"source": json.dumps(spec),
                                                  "format": "spec"}, **auth).json()
    assert live["ok"] is False and live["problems"][0]["message"] == problem["message"]


def test_the_live_check_answers_in_the_requests_language(client, alice, auth):
    outline = "# Chart\n\n```chart radar\na,b\nx,1\n```\n"
    answer = post(client, "/api/outline/validate", {"source": outline},
                  HTTP_ACCEPT_LANGUAGE="ja", **auth).json()
    assert answer["problems"] == [{"place": "3行目", "line": 3, "message": answer["problems"][0]
                                   ["message"]}]
    assert "グラフの種類「radar」はありません" in answer["problems"][0]["message"]
    assert "stacked100-bar" in answer["problems"][0]["message"]
