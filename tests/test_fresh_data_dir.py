"""Commands on a brand-new DATA_DIR: the embedded database is set up on first use; a
database that must not be migrated behind the operator's back gets one line saying what
to run, and a non-zero exit (never a traceback).  Real `manage.py` processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow
EXAMPLE = REPO / "examples" / "every-kind.en.md"


def _fresh_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The real settings with nothing set but a brand-new DATA_DIR (the embedded default)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "LOG_DIR", "BACKUP_DIR", "REPORT_DIR",
                        "MEDIA_STORAGE_URL", "BCGSLIDES_LEAN_APPS", "AUTO_MIGRATE")}
    env.update({"DJANGO_SETTINGS_MODULE": "bcgslides.settings", "DATA_DIR": str(data_dir),
                "BCGSLIDES_ENV_FILE": str(data_dir.parent / "no.env"), "LANGUAGE_CODE": "en",
                "PREVIEWS_ENABLED": "false", **extra})
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "manage.py"), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=180)


def test_generate_on_a_new_data_dir_sets_up_the_database_and_writes_the_deck(tmp_path):
    data_dir, out = tmp_path / "data", tmp_path / "deck.pptx"
    done = _manage("generate", str(EXAMPLE), "-o", str(out), env=_fresh_env(data_dir))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "no such table" not in done.stderr
    assert "Setting up the database" in done.stderr  # one line, on stderr
    assert done.stdout.splitlines()[0] == str(out)  # stdout stays what scripts read
    assert out.read_bytes()[:2] == b"PK" and (data_dir / "database.db").is_file()

    again = _manage("generate", str(EXAMPLE), "-o", str(out), env=_fresh_env(data_dir))
    assert again.returncode == 0 and "Setting up" not in again.stderr  # once only
    assert "(presentation #2)" in again.stdout


def test_a_database_not_to_be_migrated_gets_one_line_and_a_non_zero_exit(tmp_path):
    data_dir, out = tmp_path / "data", tmp_path / "deck.pptx"
    refused = _manage("generate", str(EXAMPLE), "-o", str(out),
                      env=_fresh_env(data_dir, AUTO_MIGRATE="false"))
    assert refused.returncode == 1 and not out.exists()
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in refused.stderr, refused.stderr
    assert "manage.py migrate" in lines[0] and "migrations not applied" in lines[0]


def test_the_line_is_in_the_command_language(tmp_path):
    refused = _manage("learn", str(REPO / "tests" / "corpus" / "templates" / "none.pptx"),
                      env=_fresh_env(tmp_path / "data", AUTO_MIGRATE="false",
                                     LANGUAGE_CODE="ja"))
    assert refused.returncode == 1
    assert "manage.py migrate" in refused.stderr and "データベース" in refused.stderr


def test_an_operations_command_on_a_new_data_dir_sets_up_the_database_too(tmp_path):
    """bootstrap_admin (bin/start's first-run step) checks through manage.py."""
    env = _fresh_env(tmp_path / "data")
    first = _manage("bootstrap_admin", env=env)
    assert first.returncode == 0 and "Traceback" not in first.stderr, first.stderr
    assert "Created the administrator account." in first.stdout
    assert "Setting up the database" in first.stderr
    again = _manage("bootstrap_admin", env=env)
    assert again.returncode == 0 and "already exists" in again.stdout and not again.stderr

    refused = _manage("perfreport", env=_fresh_env(tmp_path / "other", AUTO_MIGRATE="false"))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert [line[:29] for line in refused.stderr.strip().splitlines()] == [
        "CommandError: The database is"]
