#!/usr/bin/env python
"""Django's command-line utility for bcgslides."""

import os
import sys

# One-shot deck commands load only the apps they use: half the start-up time of
# the full registry (admin, django-q2, health checks) for a command that lives
# a fraction of a second.
LEAN_COMMANDS = {"generate", "lint", "deckschema"}
# Commands of the operations app that need a migrated database and do not check it
# themselves (generator's commands call generator.management.database.ensure_ready):
# on a fresh DATA_DIR the embedded database is set up first, a server database is
# named in one line instead of a "no such table" traceback.
DATABASE_COMMANDS = {"bootstrap_admin", "perfreport"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bcgslides.settings")
    if len(sys.argv) > 1 and sys.argv[1] in LEAN_COMMANDS:
        os.environ.setdefault("BCGSLIDES_LEAN_APPS", "1")
    if len(sys.argv) > 1 and sys.argv[1] in DATABASE_COMMANDS:
        _database_ready()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


def _database_ready() -> None:
    import django
    from django.core.management.base import CommandError

    django.setup()
    from generator.management.database import ensure_ready  # noqa: PLC0415 -- needs the apps set up

    try:
        ensure_ready()
    except CommandError as exc:
        sys.stderr.write(f"CommandError: {exc}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
