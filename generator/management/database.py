"""The database a command needs, ready before the command touches it.

`manage.py generate` on a brand-new DATA_DIR used to end in "no such table".  Each command
that reads or writes the database calls `ensure_ready()` first:

- every migration applied: nothing happens (a directory listing and one query);
- the embedded default (SQLite in DATA_DIR) with migrations to apply: they are applied now,
  with one line on stderr, as a user of a fresh data folder expects; set AUTO_MIGRATE=false
  to be told instead;
- any other database (PostgreSQL): it belongs to its operator, so the command stops with
  one line saying what to run (CommandError: exit 1, no traceback).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

# AUTO_MIGRATE=false: an embedded database is never migrated behind the user's back either.
_AUTO_MIGRATE = "AUTO_MIGRATE"


def auto_migrate_enabled() -> bool:
    return os.environ.get(_AUTO_MIGRATE, "true").strip().lower() not in ("0", "false", "no", "off")


def ensure_ready(*, alias: str = DEFAULT_DB_ALIAS, stderr=None) -> None:
    """Make the database ready for a command, or stop it with one line saying what to run."""
    connection = connections[alias]
    if _all_applied_on_disk(connection):
        return
    pending = _pending(connection)
    if not pending:
        return
    if connection.vendor == "sqlite" and auto_migrate_enabled():
        _migrate_embedded(alias, stderr or sys.stderr)
        return
    raise CommandError(_("The database is not ready (%(count)d migrations not applied): run "
                         "`manage.py migrate` first.") % {"count": len(pending)})


def _all_applied_on_disk(connection) -> bool:
    """The fast path: every migration file of the installed apps is recorded as applied
    (no migration module imported).  False means "ask the migration executor"."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return False
    applied = set(recorder.applied_migrations())
    for config in apps.get_app_configs():
        folder = Path(config.path) / "migrations"
        if not folder.is_dir():
            continue
        for item in folder.glob("[0-9]*.py"):
            if (config.label, item.stem) not in applied:
                return False
    return True


def _pending(connection) -> list:
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def _migrate_embedded(alias: str, stderr) -> None:
    """Apply the migrations to the embedded database, one process at a time (two commands
    started together on a fresh DATA_DIR: the second finds the work done)."""
    stderr.write(_("Setting up the database in DATA_DIR (first use)…") + "\n")
    with _lock(Path(settings.DATA_DIR) / ".migrate.lock"):
        call_command("migrate", database=alias, interactive=False, verbosity=0)


@contextlib.contextmanager
def _lock(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
