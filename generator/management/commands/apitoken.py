"""manage.py apitoken USERNAME [--name N] | --list | --revoke PREFIX | --revoke-all

Create an API token (the key is printed once), list a user's tokens, or revoke one
(by the start of its key, as `--list` prints it) or all of them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from generator.api import tokens
from generator.management.database import ensure_ready


class Command(BaseCommand):
    help = _("Create, list or revoke a user's API tokens (for scripts calling the JSON API).")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help=_("What the new token is for."))
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--list", action="store_true", dest="list_tokens",
                            help=_("List the user's tokens."))
        action.add_argument("--revoke", metavar="PREFIX",
                            help=_("Revoke the token whose key starts with PREFIX."))
        action.add_argument("--revoke-all", action="store_true",
                            help=_("Revoke every token of the user."))

    def handle(self, *args, username: str, name: str, list_tokens: bool, revoke: str | None,
               revoke_all: bool, **options):
        ensure_ready(stderr=self.stderr)
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(_("No user %(name)s") % {"name": username}) from None
        if list_tokens:
            self._list(user)
        elif revoke is not None:
            self._revoke_one(user, revoke)
        elif revoke_all:
            count = tokens.revoke(tokens.for_user(user))
            self.stdout.write(_("%(n)d tokens revoked.") % {"n": count})
        else:
            self._create(user, name)

    def _create(self, user, name: str) -> None:
        try:
            _token, key = tokens.create(user=user, name=name)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(key)
        self.stderr.write(_("Keep this key: it is shown only once. Send it as "
                            "'Authorization: Token <key>'."))

    def _list(self, user) -> None:
        rows = tokens.for_user(user)
        if not rows:
            self.stderr.write(_("%(user)s has no API tokens.") % {"user": user})
        for token in rows:
            used = token.last_used_at.strftime("%Y-%m-%d %H:%M") if token.last_used_at else "-"
            made = token.created_at.strftime("%Y-%m-%d %H:%M")
            self.stdout.write("\t".join([token.prefix, made, used, tokens.state(token),
                                         token.name]))

    def _revoke_one(self, user, prefix: str) -> None:
        try:
            token = tokens.find(user, prefix)
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        if tokens.revoke(tokens.for_user(user).filter(pk=token.pk)):
            self.stdout.write(_("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
        else:
            self.stdout.write(_("Token %(prefix)s… was already revoked.")
                              % {"prefix": token.prefix})
