"""Shared actors and paths for every test.

Actors follow healthchecks' alice/bob/charlie: `admin` (superuser), `staff`
(staff but not superuser), `alice` (a regular user) and `bob` (another one,
who must never see alice's things).
"""

from __future__ import annotations

import contextlib
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
               LOG_DIR=str(settings.LOG_DIR), BACKUP_DIR=str(settings.BACKUP_DIR),
               REPORT_DIR=str(settings.REPORT_DIR), CONFIG_DIR=str(settings.CONFIG_DIR),
               SECRET_KEY=settings.SECRET_KEY)  # tasks and cluster stats are signed with it
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


def start_cluster(log: Path, **env: str):
    """Start a real django-q2 cluster (`manage.py qcluster`, its own process group) on the
    test's database and broker; its output goes to `log`."""
    import subprocess
    import sys

    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, str(REPO / "manage.py"), "qcluster"], cwd=REPO,
                                env=child_env(**env), stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def wait_for_clusters(count: int, timeout: float = 60) -> None:
    """Wait until `count` clusters report to the broker (they are then taking tasks)."""
    import time

    from operations import queue

    deadline = time.monotonic() + timeout
    while queue.stats()["clusters"] < count:
        assert time.monotonic() < deadline, f"fewer than {count} qcluster(s) came up"
        time.sleep(0.3)


def stop_cluster(process, grace: float = 15) -> None:
    """SIGTERM to the cluster's main process (it stops its workers in order), SIGKILL to
    its group if it hangs, as bin/stop does."""
    import os
    import signal
    import subprocess

    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # whatever is left of the group
    except ProcessLookupError:
        pass
    process.wait(timeout=15)


@pytest.fixture
def qcluster(transactional_db, tmp_path):
    """A real django-q2 cluster (`manage.py qcluster`, one worker) on the test database."""
    process = start_cluster(tmp_path / "qcluster.log", Q_WORKERS="1")
    wait_for_clusters(1, timeout=30)
    yield process
    stop_cluster(process)


@pytest.fixture(autouse=True)
def no_connection_outlives_a_browser_test(request):
    """After a test that served pages to a browser, close the database connections it left.

    Playwright's sync API runs the test on a greenlet, and ORM calls made there can get a
    connection of their own (asgiref's per-context storage) that no teardown closes: on
    PostgreSQL an idle one kept the test database from being dropped at the end of the run
    ("being accessed by other users"); on SQLite an idle WAL reader is what a restore test
    later in the same worker trips over."""
    yield
    if "live_server" in request.fixturenames:
        _close_leftover_connections()


def _close_leftover_connections() -> None:
    import gc

    from django.db import connections
    from django.db.backends.base.base import BaseDatabaseWrapper

    current = {id(connections[alias]) for alias in connections}
    for wrapper in [o for o in gc.get_objects() if isinstance(o, BaseDatabaseWrapper)]:
        if id(wrapper) not in current and wrapper.connection is not None:
            wrapper.inc_thread_sharing()  # it may have been opened on another thread
            wrapper.close()


@pytest.fixture(autouse=True)
def own_folders(settings, tmp_path_factory):
    """Each test has its own DATA_DIR (shared files, caches, uploads), logs, backups,
    reports and config, and the root log handlers write into its own log folder: no
    test sees another's decks, error lines or reports, on any xdist worker."""
    from tests.sharedfiles import use_local_files

    root = tmp_path_factory.mktemp("folders")
    use_local_files(settings, root / "data")
    settings.LOG_DIR, settings.BACKUP_DIR = root / "logs", root / "backups"
    settings.REPORT_DIR, settings.CONFIG_DIR = root / "reports", root / "config"
    for folder in (settings.LOG_DIR, settings.BACKUP_DIR, settings.REPORT_DIR):
        folder.mkdir()
    with _log_files_in(settings.LOG_DIR):
        yield root


@contextlib.contextmanager
def _log_files_in(folder: Path):
    """Point the root logger's file handlers at `folder` for the block, then back."""
    import logging
    import logging.handlers

    root = logging.getLogger()  # the app's rotating files (not pytest's own capture handlers)
    originals = [h for h in root.handlers if isinstance(h, logging.handlers.BaseRotatingHandler)]
    replacements = [_same_handler_in(handler, folder) for handler in originals]
    for old, new in zip(originals, replacements):
        root.removeHandler(old)
        root.addHandler(new)
    try:
        yield
    finally:
        for old, new in zip(originals, replacements):
            root.removeHandler(new)
            new.close()
            root.addHandler(old)


def _same_handler_in(handler, folder: Path):
    """A handler like `handler` (class, size limits, level, formatter, filters) writing
    the file of the same name in `folder`."""
    name = Path(handler.baseFilename).name
    replica = type(handler)(str(folder / name), maxBytes=handler.maxBytes,
                            backupCount=handler.backupCount, encoding="utf-8")
    replica.setLevel(handler.level)
    replica.setFormatter(handler.formatter)
    for log_filter in handler.filters:
        replica.addFilter(log_filter)
    return replica


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
