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
from generator.models import DesignAsset, DesignPattern, GeneratedPresentation
print(json.dumps({
    "decks": sorted(GeneratedPresentation.objects.values_list("title", flat=True)),
    "patterns": sorted(DesignPattern.objects.values_list("pattern_name", flat=True)),
    "assets": sorted(DesignAsset.objects.values_list("filename", flat=True)),
}))
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
    _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _psql(f'DROP DATABASE IF EXISTS "{name}_restore_check" WITH (FORCE)')


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
    manage(pg_env, "restore", "--latest", "--yes", "--components", "database")
    assert json.loads(manage(pg_env, "shell", "-v", "0", "-c", ROWS)) == before
    listing = manage(pg_env, "backup", "--list")
    assert listing.count("success") == 2  # the backup and the pre-restore one
