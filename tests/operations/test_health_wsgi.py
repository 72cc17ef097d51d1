"""The anonymous /api/health answered before Django: the same answer, and only then."""

from __future__ import annotations

import io
import json
import time
from wsgiref.util import setup_testing_defaults

import pytest

from bcgslides.wsgi import application, django_application
from operations import health_snapshot

pytestmark = pytest.mark.django_db(transaction=True)


def call(app, path="/api/health", method="GET", **extra):
    """One WSGI request; returns (status code, headers dict, body bytes, answered by Django?)."""
    environ = {"PATH_INFO": path, "REQUEST_METHOD": method, "HTTP_HOST": "127.0.0.1",
               "wsgi.input": io.BytesIO(b""), "QUERY_STRING": ""}
    environ.update(extra)
    setup_testing_defaults(environ)
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = int(status.split()[0]), dict(headers)

    passed = {"django": False}

    def spy(environ, start_response):
        passed["django"] = True
        return django_application(environ, start_response)

    if app is application:
        application.application = spy
    try:
        chunks = app(environ, start_response)
        body = b"".join(chunks)
        getattr(chunks, "close", lambda: None)()
    finally:
        application.application = django_application
    return seen["status"], seen["headers"], body, passed["django"]


@pytest.fixture
def fresh_snapshot(settings):
    settings.HEALTH_SNAPSHOT_SECONDS = 3600
    return health_snapshot.refresh()


def test_an_anonymous_request_gets_what_the_view_answers_without_entering_django(fresh_snapshot):
    status, headers, body, by_django = call(application)
    view_status, view_headers, view_body, _ = call(django_application)
    assert not by_django and status == view_status == 200
    fast, view = json.loads(body), json.loads(view_body)
    assert set(fast) == set(view) == {"status", "timestamp", "age_seconds", "checks"}
    assert {k: v for k, v in fast.items() if k != "age_seconds"} == {
        k: v for k, v in view.items() if k != "age_seconds"}
    assert "detail" not in body.decode() and "DATA_DIR" not in body.decode()
    same = {k: v for k, v in headers.items() if k not in ("Expires", "Content-Length")}
    assert same == {k: v for k, v in view_headers.items() if k not in ("Expires", "Content-Length")}
    assert int(headers["Content-Length"]) == len(body)


def test_the_content_language_follows_accept_language_as_django_does(fresh_snapshot):
    for accept in ("ja,en;q=0.5", "en-US,en;q=0.9", "fr", ""):
        _s, fast, _b, by_django = call(application, HTTP_ACCEPT_LANGUAGE=accept)
        _s, view, _b, _d = call(django_application, HTTP_ACCEPT_LANGUAGE=accept)
        assert not by_django and fast["Content-Language"] == view["Content-Language"], accept


def test_head_has_the_headers_and_no_body(fresh_snapshot):
    status, headers, body, by_django = call(application, method="HEAD")
    assert not by_django and status == 200 and body == b"" and int(headers["Content-Length"]) > 0


@pytest.mark.parametrize("extra", [
    {"HTTP_COOKIE": "sessionid=abc"},  # a session: staff see the details
    {"HTTP_AUTHORIZATION": "Bearer x"},
    {"QUERY_STRING": "fresh=1"},
    {"REQUEST_METHOD": "POST"},
    {"HTTP_HOST": "evil.example"},  # Django refuses it (400)
    {"PATH_INFO": "/api/health/live"},
], ids=["cookie", "authorization", "query", "post", "bad-host", "other-path"])
def test_everything_else_goes_to_django(fresh_snapshot, extra):
    status, _headers, _body, by_django = call(application, **extra)
    assert by_django
    if extra.get("HTTP_HOST") == "evil.example":
        assert status == 400


def test_a_stale_or_missing_snapshot_goes_to_django_which_refreshes_it(settings):
    settings.HEALTH_SNAPSHOT_SECONDS = 3600
    assert health_snapshot.latest() is None
    status, _h, body, by_django = call(application)
    assert by_django and status == 200 and health_snapshot.latest() is not None
    _s, _h, _b, by_django = call(application)
    assert not by_django  # now fresh: answered before Django
    settings.HEALTH_SNAPSHOT_SECONDS = 0.01
    time.sleep(0.05)
    _s, _h, _b, by_django = call(application)
    assert by_django


def test_an_unhealthy_report_is_a_503_on_both_roads(fresh_snapshot, settings):
    report = dict(fresh_snapshot, status="critical")
    health_snapshot._save(report)
    status, _h, body, by_django = call(application)
    assert not by_django and status == 503 and json.loads(body)["status"] == "critical"
    view_status, _h, _b, _d = call(django_application)
    assert view_status == 503
