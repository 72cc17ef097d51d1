"""Schemathesis against the real Django app (through its WSGI handler), every /api/ operation
in scope, authenticated as a plain user with a token.

Each generated request must get no 5xx, a status, content type and body the document
declares, and nothing a client must not see: no server path, no traceback, no other
user's deck or token.  The run prints how many cases it tried.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)

from generator.api import tokens
from generator.models import ApiToken, GeneratedPresentation

pytestmark = pytest.mark.django_db

CASES = int(os.environ.get("API_FUZZ_CASES", "520"))
SECRET_TITLE = "BOB-PRIVATE-DECK-TITLE"


@pytest.fixture
def fuzz_world(alice, bob, settings, tmp_path):
    from tests.sharedfiles import use_local_files

    use_local_files(settings, tmp_path / "data")
    settings.API_RATE_LIMIT = ""  # the fuzz sends hundreds of requests a minute
    settings.DEBUG = False
    GeneratedPresentation.objects.create(owner=alice, source_kind="spec", title="Alice deck",
                                         status="done", slide_count=1, file="decks/missing.pptx")
    GeneratedPresentation.objects.create(owner=alice, source_kind="spec", title="Alice queued")
    bobs_deck = GeneratedPresentation.objects.create(owner=bob, source_kind="spec",
                                                     title=SECRET_TITLE, status="done")
    bobs_token, bobs_key = tokens.create(user=bob, name="bob-private-token")
    token, key = tokens.create(user=alice, name="fuzz")
    return {"key": key, "token": token, "forbidden": [SECRET_TITLE, bobs_key,
                                                      bobs_token.prefix, "bob-private-token"],
            "bobs_deck": bobs_deck, "data_dir": str(tmp_path)}


@pytest.fixture
def wsgi_app():
    """Django's own WSGI handler, minus the per-request connection closing that would end
    the test's transaction (Django's test client disconnects it the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


OUTLINE = "---\ntitle: Fuzz\n---\n\n# Decks come from outlines\n\n- One message\n"


def _known_answers(schema, world):
    """Explicit cases through the same checks: a created deck (202), its replay by
    Idempotency-Key (200), a deck of Alice's, and Bob's (a 404, never his data)."""
    create = schema["/api/presentations"]["POST"]
    follow = schema["/api/presentations/{pk}"]["GET"]
    alice_deck = GeneratedPresentation.objects.create(  # the fuzz may have deleted hers
        owner=world["token"].user, source_kind="spec", title="Alice again", status="done")
    key = {"Idempotency-Key": f"fuzz-{uuid.uuid4()}"}  # Redis outlives a run's database
    return [create.Case(body={"outline": OUTLINE}, media_type="application/json", headers=key),
            create.Case(body={"outline": OUTLINE}, media_type="application/json", headers=key),
            follow.Case(path_parameters={"pk": alice_deck.pk}),
            follow.Case(path_parameters={"pk": world["bobs_deck"].pk})]


def test_the_api_survives_schemathesis(fuzz_world, wsgi_app, capsys):
    app = wsgi_app
    # /api/health answers 503 by contract whenever a check fails, after running every check
    # against the real services: its own tests cover it; everything else is in scope
    schema = schemathesis.openapi.from_wsgi("/api/schema", app).exclude(path_regex="^/api/health")
    forbidden = fuzz_world["forbidden"] + [fuzz_world["data_dir"], os.getcwd(),
                                           "Traceback (most recent call last)",
                                           'File "/']

    def no_leaks(ctx, response, case):
        text = response.text if hasattr(response, "text") else response.content.decode(
            "utf-8", "replace")
        for needle in forbidden:
            assert needle not in text, f"{case.method} {case.path} shows {needle[:20]!r}"

    strategy = st.one_of(schema.as_strategy(GenerationMode.POSITIVE),
                         schema.as_strategy(GenerationMode.NEGATIVE))
    tried: list[str] = []
    statuses: dict[int, int] = {}
    slow: list[tuple[float, str]] = []
    headers = {"Authorization": f"Token {fuzz_world['key']}"}

    @hypothesis_settings(max_examples=CASES, deadline=None, database=None, derandomize=True,
                         suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        # the fuzz may revoke its own token through DELETE /api/tokens/{id}: give it back
        ApiToken.objects.filter(pk=fuzz_world["token"].pk).update(revoked_at=None)
        started = time.monotonic()
        response = case.call_and_validate(
            headers=headers,
            checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                    response_schema_conformance],
            additional_checks=[no_leaks])
        tried.append(f"{case.method} {case.operation.path}")
        slow.append((time.monotonic() - started, tried[-1]))
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    run()
    for case in _known_answers(schema, fuzz_world):  # successes a random body rarely reaches
        run.hypothesis.inner_test(case=case)
    assert statuses.get(202) and statuses.get(200)
    operations = sorted(set(tried))
    with capsys.disabled():
        print(f"\nschemathesis: {len(tried)} cases over {len(operations)} operations; "
              f"statuses {dict(sorted(statuses.items()))}; slowest "
              f"{[(round(t, 2), op) for t, op in sorted(slow)[-3:]]}")
    assert len(tried) >= 500
    documented = {f"{op.ok().method.upper()} {op.ok().path}" for op in schema.get_all_operations()}
    assert set(operations) == documented, documented - set(operations)
    assert GeneratedPresentation.objects.filter(pk=fuzz_world["bobs_deck"].pk).exists()
