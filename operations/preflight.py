"""The start-up checks (`manage.py preflight`, what bin/start runs first), beside the
health checks whose probes they share (`operations.health`: the database, the shared
files, the data disk).

Configuration present, an interrupted restore finished or rolled back, fonts installed,
database reachable, migrations applied, Redis and the shared files (local or a bucket)
usable, enough free disk (under PREFLIGHT_MIN_FREE_GB warns), expired cache entries
cleared.  Each check says its "OK" line through `say` and returns the problem that would
stop the application working, or None.  The words for a finished or rolled-back restore
are the restore command's: the caller gives them (`describe_recovery`), since this module
imports no command.
"""

from __future__ import annotations

from pathlib import Path
from functools import partial
from typing import Callable

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from generator.errors import FontError
from generator.fonts import measurer
from generator.llm import reply_cache
from operations import health
from operations.restore import Recovery, recover

Say = Callable[[str], object]
DESIGN_FONTS = ("Arial", "Noto Sans CJK JP")


def run(say: Say, describe_recovery: Callable[[Recovery], str]) -> list[str]:
    """Every check in order, each saying its OK line; the problems found (none: start)."""
    checks = (config, partial(interrupted_restore, describe=describe_recovery), fonts, database,
              migrations, broker, shared_files)
    problems = [problem for check in checks if (problem := check(say))]
    disk(say)
    if not problems:  # the cache tables exist only on a migrated database
        clear_cache(say)
    return problems


def config(say: Say) -> str | None:
    for directory in (settings.DATA_DIR, settings.LOG_DIR):
        path = Path(directory)
        if not path.is_dir() or not _writable(path):
            return _("Error: cannot write to %(path)s") % {"path": path}
    if not settings.SECRET_KEY:
        return _("Error: configuration not found (SECRET_KEY)")
    say(_("Configuration: OK"))
    return None


def interrupted_restore(say: Say, describe: Callable[[Recovery], str]) -> str | None:
    """Finish or roll back a restore that was killed part-way (operations.restore)."""
    try:
        outcome = recover()
    except Exception as exc:
        return _("Error: %(error)s") % {"error": exc}
    if outcome is not None:
        say(describe(outcome))
    return None


def fonts(say: Say) -> str | None:
    try:
        measurer(*DESIGN_FONTS)
    except FontError as exc:
        return _("Error: %(error)s") % {"error": exc}
    say(_("Fonts: OK"))
    return None


def database(say: Say) -> str | None:
    """The health check's database probe (SELECT 1)."""
    try:
        health.database_probe().run()
    except Exception as exc:
        cause = exc.__cause__ or exc  # the driver's error, not the probe's wrapper
        return _("Error: cannot connect to the database (%(error)s)") % {
            "error": cause.__class__.__name__}
    say(_("Database connection: OK"))
    return None


def migrations(say: Say) -> str | None:
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        return _("Error: %(count)d migrations are not applied; run manage.py migrate") % {
            "count": len(pending)}
    say(_("Migrations: OK"))
    return None


def broker(say: Say) -> str | None:
    if not settings.REDIS_URL:
        return None  # the ORM broker is the database, checked above
    from django_q.brokers import get_broker

    try:
        get_broker().ping()
    except Exception as exc:
        return _("Error: cannot connect to Redis (%(error)s)") % {
            "error": exc.__class__.__name__}
    say(_("Redis: OK"))
    return None


def shared_files(say: Say) -> str | None:
    """The health check's probe: write, read back and delete a small file where decks and
    designs are kept."""
    try:
        health.SharedFilesProbe().run()
    except Exception as exc:
        return _("Error: the shared files cannot be used: %(error)s") % {"error": exc}
    say(_("Shared files: OK"))
    return None


def disk(say: Say) -> None:
    """A warning only: the free space of the data disk, as the health check reads it."""
    free_gb = health.data_disk_usage().free / 1024**3
    if free_gb < settings.PREFLIGHT_MIN_FREE_GB:
        say(_("Warning: disk space is low (%(free)s GB)") % {"free": f"{free_gb:.2f}"})
    else:
        say(_("Disk space: %(free)s GB free") % {"free": f"{free_gb:.1f}"})


def clear_cache(say: Say) -> None:
    cleared = reply_cache.clear_expired()
    say(_("Cleared %(count)d expired cache entries") % {"count": cleared})


def _writable(path: Path) -> bool:
    probe = path / ".preflight-probe"
    try:
        probe.write_text("ok")
        probe.unlink()
        return True
    except OSError:
        return False
