"""manage.py apitoken USERNAME [--name N]: create an API token; the key is printed once."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from generator import tokens


class Command(BaseCommand):
    help = _("Create an API token for a user (for scripts calling the JSON API).")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="")

    def handle(self, *args, username: str, name: str, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(_("No user %(name)s") % {"name": username}) from None
        _token, key = tokens.create(user=user, name=name)
        self.stdout.write(key)
        self.stderr.write(_("Keep this key: it is shown only once. Send it as "
                            "'Authorization: Token <key>'."))
