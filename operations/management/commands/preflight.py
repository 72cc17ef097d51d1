"""manage.py preflight: the manual's start-up checks before the server starts.

Configuration present, fonts installed, database reachable, migrations
applied, Redis and the shared files (local or a bucket) usable, enough free
disk (under 1 GB warns), expired cache entries cleared.
Exit 1 when something would stop the application working, 0 otherwise.
"""

from __future__ import annotations

from pathlib import Path

import psutil
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _("Start-up checks: configuration, database, migrations, disk, cache.")

    def handle(self, *args, **options):
        self.stdout.write(_("bcgslides start-up checks..."))
        problems = [p for p in (self._config(), self._interrupted_restore(), self._fonts(),
                                self._database(),
                                self._migrations(), self._broker(), self._shared_files()) if p]
        self._disk()
        if not problems:  # the cache tables exist only on a migrated database
            self._cache()
        if problems:
            raise CommandError("\n".join(problems), returncode=1)
        self.stdout.write(_("Start-up checks passed"))

    def _config(self) -> str | None:
        for directory in (settings.DATA_DIR, settings.LOG_DIR):
            path = Path(directory)
            if not path.is_dir() or not _writable(path):
                return _("Error: cannot write to %(path)s") % {"path": path}
        if not settings.SECRET_KEY:
            return _("Error: configuration not found (SECRET_KEY)")
        self.stdout.write(_("Configuration: OK"))
        return None

    def _interrupted_restore(self) -> str | None:
        """Finish or roll back a restore that was killed part-way (operations.restore)."""
        from operations.management.commands.restore import recovery_message
        from operations.restore import recover

        try:
            outcome = recover()
        except Exception as exc:
            return _("Error: %(error)s") % {"error": exc}
        if outcome is not None:
            self.stdout.write(recovery_message(outcome))
        return None

    def _fonts(self) -> str | None:
        from generator.errors import FontError
        from generator.fonts import measurer

        design_fonts = ("Arial", "Noto Sans CJK JP")
        try:
            measurer(*design_fonts)
        except FontError as exc:
            return _("Error: %(error)s") % {"error": exc}
        self.stdout.write(_("Fonts: OK"))
        return None

    def _database(self) -> str | None:
        try:
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as exc:
            return _("Error: cannot connect to the database (%(error)s)") % {
                "error": exc.__class__.__name__}
        self.stdout.write(_("Database connection: OK"))
        return None

    def _migrations(self) -> str | None:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            return _("Error: %(count)d migrations are not applied; run manage.py migrate") % {
                "count": len(pending)}
        self.stdout.write(_("Migrations: OK"))
        return None

    def _broker(self) -> str | None:
        if not settings.REDIS_URL:
            return None  # the ORM broker is the database, checked above
        from django_q.brokers import get_broker

        try:
            get_broker().ping()
        except Exception as exc:
            return _("Error: cannot connect to Redis (%(error)s)") % {
                "error": exc.__class__.__name__}
        self.stdout.write(_("Redis: OK"))
        return None

    def _shared_files(self) -> str | None:
        """Write, read back and delete a small file where decks and designs are kept."""
        from operations.health import SharedFilesProbe

        try:
            SharedFilesProbe().run()
        except Exception as exc:
            return _("Error: the shared files cannot be used: %(error)s") % {"error": exc}
        self.stdout.write(_("Shared files: OK"))
        return None

    def _disk(self) -> None:
        free_gb = psutil.disk_usage(str(settings.DATA_DIR)).free / 1024**3
        if free_gb < settings.PREFLIGHT_MIN_FREE_GB:
            self.stdout.write(_("Warning: disk space is low (%(free)s GB)") % {
                "free": f"{free_gb:.2f}"})
        else:
            self.stdout.write(_("Disk space: %(free)s GB free") % {"free": f"{free_gb:.1f}"})

    def _cache(self) -> None:
        from generator.llm import reply_cache

        cleared = reply_cache.clear_expired()
        self.stdout.write(_("Cleared %(count)d expired cache entries") % {"count": cleared})


def _writable(path: Path) -> bool:
    probe = path / ".preflight-probe"
    try:
        probe.write_text("ok")
        probe.unlink()
        return True
    except OSError:
        return False
