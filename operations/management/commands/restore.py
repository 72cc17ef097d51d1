"""manage.py restore (ID | --latest) [--components ...] [--yes]

Without an ID, lists the backups and asks for a number (the manual's
interactive restore).  Verifies the backup before touching anything and
saves the current state first.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from operations import backup, restore
from operations.errors import OperationsError


class Command(BaseCommand):
    help = _("Restore a backup (verified first; the current state is backed up before).")

    def add_arguments(self, parser):
        parser.add_argument("backup_id", nargs="?")
        parser.add_argument("--latest", action="store_true")
        parser.add_argument("--components", nargs="+", choices=restore.COMPONENTS,
                            default=list(restore.COMPONENTS))
        parser.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))

    def handle(self, *args, backup_id=None, latest=False, components=None, yes=False, **options):
        backups = backup.list_backups()
        if not backups:
            raise CommandError(_("No backups available"))
        chosen = self._choose(backups, backup_id, latest)
        if not yes:
            answer = input(_("Restore backup %(id)s? This replaces the current data. [y/N]: ")
                           % {"id": chosen.id})
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError(_("Restore cancelled"))
        self.stdout.write(_("Restoring from backup %(id)s...") % {"id": chosen.id})
        try:
            result = restore.run(chosen.id, components=components)
        except OperationsError as exc:
            raise CommandError(_("Restore refused: %(error)s") % {"error": exc}) from None
        self.stdout.write(_("Restore complete"))
        self.stdout.write(_("The state before the restore is backup %(id)s") % {
            "id": result.pre_restore_id})
        if result.migrated:
            self.stdout.write(_("The restored database was migrated to the current schema"))

    def _choose(self, backups, backup_id, latest):
        if backup_id:
            for info in backups:
                if info.id == backup_id:
                    return info
            raise CommandError(_("No backup %(id)s") % {"id": backup_id})
        if latest:
            return backups[0]
        self.stdout.write(_("Available backups:"))
        for index, info in enumerate(backups, start=1):
            self.stdout.write(f"{index}. {info.id} ({info.status})")
        choice = input(_("Choose the backup to restore (number): "))
        try:
            number = int(choice)
            if number < 1:
                raise IndexError
            return backups[number - 1]
        except (ValueError, IndexError):
            raise CommandError(_("Invalid choice")) from None
