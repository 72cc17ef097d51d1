"""manage.py backup [--list] [--keep-days N]: a signed full backup; exit 1 unless all of it worked."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from operations import backup, restore
from operations.errors import BackupError


class Command(BaseCommand):
    help = _("Back up the database, design assets, configuration and learned patterns.")

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help=_("list the backups"))
        parser.add_argument("--keep-days", type=int, default=settings.BACKUP_KEEP_DAYS,
                            help=_("delete backups older than this (the newest good one stays)"))

    def handle(self, *args, list: bool = False, keep_days: int = 7, **options):
        if list:
            return self._list()
        if keep_days < 0:
            raise CommandError(_("--keep-days must not be negative"))
        self.stdout.write(_("Starting a full backup..."))
        try:
            info = backup.create()
        except BackupError as exc:
            raise CommandError(_("Backup failed: %(error)s") % {"error": exc}) from None
        self.stdout.write(_("Backup complete: %(status)s") % {"status": info.status})
        self.stdout.write(_("Backup files:"))
        for entry in info.manifest["files"]:
            self.stdout.write(f"  {entry['component']}: {entry['file']} ({entry['size_mb']} MB)")
        removed = backup.prune(keep_days)
        if removed:
            self.stdout.write(_("Deleted %(count)d old backup files") % {"count": len(removed)})

    def _list(self) -> None:
        backups = backup.list_backups()
        if not backups:
            self.stdout.write(_("No backups available"))
            return
        for index, info in enumerate(backups, start=1):
            reason = restore.problem(info)
            flag = "" if reason is None else " " + _("INVALID: %(reason)s") % {"reason": reason}
            self.stdout.write(f"{index}. {info.id} ({info.status}) "
                              f"{info.size_bytes / 1024 / 1024:.2f} MB{flag}")
