#!/usr/bin/env python
"""Django's command-line utility for bcgslides."""

import os
import sys

# One-shot deck commands load only the apps they use: half the start-up time of
# the full registry (admin, django-q2, health checks) for a command that lives
# a fraction of a second.
LEAN_COMMANDS = {"generate", "lint", "deckschema"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bcgslides.settings")
    if len(sys.argv) > 1 and sys.argv[1] in LEAN_COMMANDS:
        os.environ.setdefault("BCGSLIDES_LEAN_APPS", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
