"""Backup and restore on PostgreSQL (pg_dump / pg_restore), through the real commands.

Runs against the PostgreSQL server on 127.0.0.1:5432 in a scratch database of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow
ROWS = """
import json
from django.apps import apps
# every row of every table, but those a restore empties on purpose (queued tasks, sessions)
skip = {"django_q_ormq", "django_session"}
print(json.dumps({m._meta.db_table: [list(map(str, row)) for row in
                  m.objects.order_by("pk").values_list()]
                  for m in apps.get_models() if m._meta.db_table not in skip}, sort_keys=True))
"""
SEED = """
from generator.models import DesignAsset, DesignPattern, GeneratedPresentation
asset = DesignAsset.objects.create(filename="house.pptx", stored_name="x.pptx", sha256="a" * 64)
DesignPattern.objects.create(asset=asset, pattern_type="theme_colors", pattern_name="colours",
                             quality_score=0.9)
for title in ("first deck", "二番目の資料", "third deck"):
    GeneratedPresentation.objects.create(title=title, source_kind="markdown")
"""
CHANGE = """
from generator.models import GeneratedPresentation
GeneratedPresentation.objects.filter(title="first deck").delete()
GeneratedPresentation.objects.create(title="written after the backup", source_kind="spec")
"""


def _psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q", "-c",
                    sql], check=True, capture_output=True)


@pytest.fixture
def pg_env(tmp_path):
    name = f"bcgslides_test_{uuid.uuid4().hex[:10]}"
    _psql(f'CREATE DATABASE "{name}"')
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bcgslides.settings",
               DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{name}",
               DATA_DIR=str(tmp_path / "data"), BACKUP_DIR=str(tmp_path / "backups"))
    env.pop("REDIS_URL", None)
    yield env
    for database in [name, *databases_named(name)]:
        _psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def databases_named(prefix: str) -> list[str]:
    """The other databases whose name starts with `prefix_` (a restore's fresh or old copy)."""
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc",
                          "SELECT datname FROM pg_database"], check=True, capture_output=True,
                         text=True).stdout.split()
    return [name for name in out if name.startswith(f"{prefix}_")]


def manage(env, *args, stdin: str | None = None) -> str:
    result = subprocess.run([sys.executable, str(REPO / "manage.py"), *args], cwd=REPO, env=env,
                            input=stdin, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_a_postgres_backup_round_trips_every_row(pg_env):
    manage(pg_env, "migrate", "-v0")
    manage(pg_env, "shell", "-v", "0", "-c", SEED)
    before = json.loads(manage(pg_env, "shell", "-v", "0", "-c", ROWS))
    out = manage(pg_env, "backup")
    assert ".pgdump" in out
    manage(pg_env, "shell", "-v", "0", "-c", CHANGE)
    assert json.loads(manage(pg_env, "shell", "-v", "0", "-c", ROWS)) != before
    import psycopg

    web = psycopg.connect(pg_env["DATABASE_URL"], autocommit=True)  # a web process's session
    web.execute("SELECT 1")
    manage(pg_env, "restore", "--latest", "--yes", "--components", "database")
    with pytest.raises(psycopg.OperationalError):  # ended by the swap; Django reconnects
        web.execute("SELECT 1")
    web.close()
    after = json.loads(manage(pg_env, "shell", "-v", "0", "-c", ROWS))
    assert after == before and len(after["generated_presentations"]) == 3
    assert databases_named(pg_env["DATABASE_URL"].rsplit("/", 1)[1]) == []  # no copy left
    listing = manage(pg_env, "backup", "--list")
    assert listing.count("success") == 2  # the backup and the pre-restore one


def test_a_postgres_restore_killed_between_the_renames_is_finished_by_the_next_restore(pg_env):
    """Killed (the test-only hook, tests/operations/kill_settings.py) right after the live
    database was renamed away: there is no live database until `restore --recover`."""
    manage(pg_env, "migrate", "-v0")
    manage(pg_env, "shell", "-v", "0", "-c", SEED)
    before = json.loads(manage(pg_env, "shell", "-v", "0", "-c", ROWS))
    manage(pg_env, "backup")
    manage(pg_env, "shell", "-v", "0", "-c", CHANGE)
    killed = subprocess.run([sys.executable, str(REPO / "manage.py"), "restore", "--latest",
                             "--yes", "--components", "database"], cwd=REPO,
                            env={**pg_env, "DJANGO_SETTINGS_MODULE":
                                 "tests.operations.kill_settings",
                                 "OPERATIONS_TEST_KILL_AT": "pg:renamed_away"},
                            capture_output=True, text=True, timeout=300)
    assert killed.returncode == -9, killed.stderr[-2000:]
    name = pg_env["DATABASE_URL"].rsplit("/", 1)[1]
    assert len(databases_named(name)) == 2  # the old one renamed away, the fresh one
    out = manage(pg_env, "restore", "--recover")
    assert "was finished" in out
    assert json.loads(manage(pg_env, "shell", "-v", "0", "-c", ROWS)) == before
    assert databases_named(name) == []
    assert "No restore was interrupted" in manage(pg_env, "restore", "--recover")
