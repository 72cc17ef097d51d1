"""manage.py restore (ID | --latest | --recover) [--components ...] [--yes]

Without an ID, lists the backups (each one that cannot be restored marked with
the reason) and asks for a number (the manual's interactive restore).
`--latest` takes the newest backup that verifies, saying which newer ones it
skipped and why.  Verifies the backup before touching anything and saves the
current state first.  A restore that was killed part-way is finished or rolled
back first (`--recover` does only that).
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
        parser.add_argument("--latest", action="store_true",
                            help=_("the newest backup that verifies"))
        parser.add_argument("--recover", action="store_true",
                            help=_("only finish or roll back a restore that was interrupted"))
        parser.add_argument("--abandon-interrupted", action="store_true",
                            help=_("give up an interrupted restore that cannot be finished, "
                                   "then restore the backup chosen"))
        parser.add_argument("--components", nargs="+", choices=restore.COMPONENTS,
                            default=list(restore.COMPONENTS))
        parser.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))

    def handle(self, *args, backup_id=None, latest=False, recover=False, components=None,
               yes=False, abandon_interrupted=False, **options):
        recovered = self._recover(abandon_interrupted and not recover)
        if recover:
            if not recovered:
                self.stdout.write(_("No restore was interrupted"))
            return
        backups = backup.list_backups()
        if not backups:
            raise CommandError(_("No backups available"))
        chosen = self._choose(backups, backup_id, latest, components)
        if not yes:
            answer = input(_("Restore backup %(id)s? This replaces the current data. [y/N]: ")
                           % {"id": chosen.id})
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError(_("Restore cancelled"))
        self.stdout.write(_("Restoring from backup %(id)s...") % {"id": chosen.id})
        try:
            result = restore.run(chosen.id, components=components,
                                 abandon_interrupted=abandon_interrupted)
        except OperationsError as exc:
            raise CommandError(_("Restore refused: %(error)s") % {"error": exc}) from None
        self.stdout.write(_("Restore complete"))
        self.stdout.write(_("The state before the restore is backup %(id)s") % {
            "id": result.pre_restore_id})
        if result.migrated:
            self.stdout.write(_("The restored database was migrated to the current schema"))

    def _recover(self, may_fail: bool) -> bool:
        try:
            outcome = restore.recover()
        except OperationsError as exc:
            if may_fail:  # given up by restore.run once the backup is chosen and confirmed
                self.stdout.write(str(exc))
                return False
            raise CommandError(_("Restore refused: %(error)s") % {"error": exc}) from None
        if outcome is not None:
            self.stdout.write(recovery_message(outcome))
        return outcome is not None

    def _choose(self, backups, backup_id, latest, components):
        if backup_id:
            for info in backups:
                if info.id == backup_id:
                    return info
            raise CommandError(_("No backup %(id)s") % {"id": backup_id})
        if latest:
            chosen, skipped = restore.newest_restorable(backups, components)
            for info, reason in skipped:
                self.stdout.write(_("Skipped backup %(id)s: %(reason)s") % {
                    "id": info.id, "reason": reason})
            if chosen is None:
                raise CommandError(_("No backup can be restored"))
            return chosen
        self.stdout.write(_("Available backups:"))
        for index, info in enumerate(backups, start=1):
            reason = restore.problem(info, components)
            mark = "" if reason is None else " " + _("INVALID: %(reason)s") % {"reason": reason}
            self.stdout.write(f"{index}. {info.id} ({info.status}){mark}")
        choice = input(_("Choose the backup to restore (number): "))
        try:
            number = int(choice)
            if number < 1:
                raise IndexError
            return backups[number - 1]
        except (ValueError, IndexError):
            raise CommandError(_("Invalid choice")) from None


def recovery_message(outcome: restore.Recovery) -> str:
    """One line on what was done with a restore that had been interrupted."""
    if outcome.action == "finished":
        return _("The interrupted restore of backup %(id)s was finished (it had reached "
                 "%(phase)s)") % {"id": outcome.backup_id, "phase": outcome.phase}
    return _("The interrupted restore of backup %(id)s was rolled back (it had reached "
             "%(phase)s, before changing anything)") % {"id": outcome.backup_id,
                                                       "phase": outcome.phase}
