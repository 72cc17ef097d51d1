"""PostgreSQL dumps and restores with pg_dump / pg_restore (custom format)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from django.db import connection

from operations import kill_hook
from operations.errors import BackupError, RestoreError


def _env() -> dict:
    settings = connection.settings_dict
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return env


def _args(database: str | None = None) -> list[str]:
    s = connection.settings_dict
    args = ["-h", s.get("HOST") or "127.0.0.1", "-p", str(s.get("PORT") or 5432)]
    if s.get("USER"):
        args += ["-U", s["USER"]]
    return args + ["-d", database or s["NAME"]]


def _check_versions(tool: str) -> None:
    binary = shutil.which(tool)
    if binary is None:
        raise BackupError(f"{tool} is not installed (package postgresql-client)")
    out = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
    tool_major = int(re.search(r"(\d+)", out).group(1))
    server_major = connection.pg_version // 10000
    if tool_major < server_major:
        raise BackupError(f"{tool} {tool_major} is older than the server ({server_major}): "
                          "install a matching postgresql-client")


def dump(target: Path) -> None:
    _check_versions("pg_dump")
    result = subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(target), *_args()],
                            capture_output=True, text=True, env=_env(), timeout=3600)
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[-300:]}")


def restore(dump_path: Path, token: str | None = None) -> None:
    """Restore into a fresh database, then swap it in for the live one.

    The fresh database proves the dump restores completely before anything live
    changes; the swap (two renames) is near-instant.  Other connections to the
    live database are ended first (a restore is a maintenance operation); the
    replaced database is dropped once the swap has succeeded, the pre-restore
    backup being the way back.  `token` names the two side databases (the restore
    journal's work folder gives one) so that `clean_up(token)` finds what a killed
    restore left.
    """
    _check_versions("pg_restore")
    live = connection.settings_dict["NAME"]
    fresh, old = _side_names(token or time.strftime("%Y%m%d%H%M%S"))
    _psql_admin(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
    _psql_admin(f'CREATE DATABASE "{fresh}"')
    try:
        _pg_restore(dump_path, fresh)
    except BaseException:
        _psql_admin(f'DROP DATABASE IF EXISTS "{fresh}"')
        raise
    connection.close()
    _psql_admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{live}' AND pid <> pg_backend_pid()")
    _psql_admin(f'ALTER DATABASE "{live}" RENAME TO "{old}"')
    kill_hook.checkpoint("pg:renamed_away")  # a test hook: no live database at this point
    try:
        _psql_admin(f'ALTER DATABASE "{fresh}" RENAME TO "{live}"')
    except BaseException:
        _psql_admin(f'ALTER DATABASE "{old}" RENAME TO "{live}"')
        raise
    _psql_admin(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')


def _side_names(token: str) -> tuple[str, str]:
    if not re.fullmatch(r"[0-9a-z]{1,20}", token):
        raise RestoreError("a restore token is letters and digits")
    live = connection.settings_dict["NAME"]
    return f"{live}_restore_{token}", f"{live}_before_{token}"


def clean_up(token: str) -> None:
    """Undo what a restore killed part-way (`restore(..., token)`) left: the live
    database renamed away is renamed back, the side databases are dropped.  The live
    database is then the old one or the restored one, whole; the caller restores again."""
    live = connection.settings_dict["NAME"]
    fresh, old = _side_names(token)
    if not _exists(live) and _exists(old):
        _psql_admin(f'ALTER DATABASE "{old}" RENAME TO "{live}"')
    _psql_admin(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
    if _exists(live):
        _psql_admin(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')


def _exists(database: str) -> bool:
    import psycopg

    s = connection.settings_dict
    with psycopg.connect(host=s.get("HOST") or "127.0.0.1", port=s.get("PORT") or 5432,
                         user=s.get("USER") or None, password=s.get("PASSWORD") or None,
                         dbname="postgres", autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                             (database,)).fetchone() is not None


def _pg_restore(dump_path: Path, database: str) -> None:
    options = ["--no-owner", "--single-transaction", "--exit-on-error"]
    result = subprocess.run(["pg_restore", *options, *_args(database), str(dump_path)],
                            capture_output=True, text=True, env=_env(), timeout=3600)
    if result.returncode != 0:
        raise RestoreError(f"pg_restore into {database} failed: {result.stderr.strip()[-300:]}")


def _psql_admin(sql: str) -> None:
    """Run a statement that cannot run in a transaction (CREATE/DROP DATABASE) on the
    server's maintenance database, on a connection of its own."""
    import psycopg

    s = connection.settings_dict
    with psycopg.connect(host=s.get("HOST") or "127.0.0.1", port=s.get("PORT") or 5432,
                         user=s.get("USER") or None, password=s.get("PASSWORD") or None,
                         dbname="postgres", autocommit=True) as admin:
        admin.execute(sql)
