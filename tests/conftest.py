"""Shared actors and paths for every test.

Actors follow healthchecks' alice/bob/charlie: `admin` (superuser), `staff`
(staff but not superuser), `alice` (a regular user) and `bob` (another one,
who must never see alice's things).
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Real decks and outlines written by others (licences in MANIFEST.tsv), vendored
# so that a clean checkout tests the same files.
CORPUS = REPO / "tests" / "corpus"


def database_url() -> str:
    """The URL of the database the tests run on, for processes the tests start."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def child_env(**overrides: str) -> dict[str, str]:
    """The environment of a process a test starts (a command, a qcluster): the real
    settings on this test's database, Redis database and DATA_DIR."""
    import os

    from django.conf import settings

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bcgslides.settings",
               DATABASE_URL=database_url(), DATA_DIR=str(settings.DATA_DIR),
               BACKUP_DIR=str(settings.BACKUP_DIR), REPORT_DIR=str(settings.REPORT_DIR))
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.Q_CLUSTER["redis"]  # this xdist worker's own database
    env.update(overrides)
    return env


@pytest.fixture
def empty_queue(db):
    """django-q2's broker starts empty (Redis keeps its queue between tests)."""
    from django_q.brokers import get_broker

    get_broker().purge_queue()


def queued_tasks() -> int:
    """Tasks waiting in django-q2's broker (ORM or Redis)."""
    from django_q.brokers import get_broker

    return get_broker().queue_size() or 0


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture
def corpus_pptx() -> list[Path]:
    return sorted((CORPUS / "pptx").glob("*.pptx"))


@pytest.fixture
def corpus_markdown() -> list[Path]:
    return sorted((CORPUS / "markdown").glob("*.md"))


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-123")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "staffer", "staff@example.com", "pw-staff-123", is_staff=True
    )


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.com", "pw-alice-123")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", "bob@example.com", "pw-bob-123")


@pytest.fixture
def qcluster(transactional_db, tmp_path):
    """A real django-q2 cluster (`manage.py qcluster`) on the test database."""
    import os
    import signal
    import subprocess
    import sys
    import time


    env = child_env(Q_WORKERS="1")
    log = open(tmp_path / "qcluster.log", "wb")
    process = subprocess.Popen([sys.executable, str(REPO / "manage.py"), "qcluster"], cwd=REPO,
                               env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    from django_q.status import Stat

    deadline = time.monotonic() + 30
    while not Stat.get_all() and time.monotonic() < deadline:
        time.sleep(0.3)
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:  # qcluster can hang on SIGTERM (django-q2#346)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)
    log.close()


@pytest.fixture(autouse=True)
def english():
    """Each test starts in English (a Japanese request must not leak into the next test)."""
    from django.utils import translation

    with translation.override("en"):
        yield


FAKE_KEY = "sk-test-0123456789abcdefSECRET"


@pytest.fixture
def fake_openai(settings):
    """A local OpenAI-protocol server, with the settings pointing the real SDK at it."""
    from django.core.cache import cache

    from tests.fakeopenai import FakeOpenAI

    cache.clear()  # the database cache table outlives the test database flush
    server = FakeOpenAI().start()
    settings.OPENAI_API_KEY = FAKE_KEY
    settings.OPENAI_BASE_URL = server.url
    settings.OPENAI_MODEL = "gpt-4o-mini"
    settings.OPENAI_MAX_RETRIES = 2
    settings.OPENAI_TIMEOUT = 5.0
    yield server
    server.stop()
