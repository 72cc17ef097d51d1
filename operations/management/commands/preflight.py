"""manage.py preflight: the manual's start-up checks before the server starts
(`operations.preflight`, beside the health checks whose probes they share).

Exit 1 when something would stop the application working, 0 otherwise.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from operations import preflight
from operations.management.commands.restore import recovery_message


class Command(BaseCommand):
    help = _("Start-up checks: configuration, database, migrations, disk, cache.")

    def handle(self, *args, **options):
        self.stdout.write(_("bcgslides start-up checks..."))
        problems = preflight.run(self.stdout.write, recovery_message)
        if problems:
            raise CommandError("\n".join(problems), returncode=1)
        self.stdout.write(_("Start-up checks passed"))
