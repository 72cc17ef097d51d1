"""manage.py restyle DECK.pptx [--asset ID] [-o OUT.pptx]: an existing deck in a house design."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from generator import files
from generator.decks.restyle import restyle
from generator.errors import GeneratorError, InvalidDeckFile
from generator.management.database import ensure_ready


class Command(BaseCommand):
    help = _("Bring an existing .pptx deck into a house design (a new, recorded deck).")
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("deck", help=_("the .pptx deck to restyle"))
        parser.add_argument("--asset", type=int, help=_("design asset id (default: built-in)"))
        parser.add_argument("-o", "--output", help=_("where to write the .pptx"))
        parser.add_argument("--no-pictures", action="store_true",
                            help=_("do not render pictures of SmartArt and other unmapped "
                                   "regions (only list them)"))

    def handle(self, *args, deck: str, asset=None, output=None, no_pictures=False, **options):
        ensure_ready(stderr=self.stderr)
        path = Path(deck)
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file") % {"path": path.name})
        out = Path(output).expanduser().resolve() if output else None
        if out is not None and out.suffix.lower() != ".pptx":
            raise CommandError(_("the output file must end in .pptx: %(path)s") % {"path": out})
        try:
            done = restyle(path, filename=path.name, asset_id=asset, out=out,
                           regions=not no_pictures)
        except InvalidDeckFile as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        except GeneratorError as exc:
            raise CommandError(str(exc)) from None
        row = done.row
        self.stdout.write(str(out if out is not None else files.local_path(row.file)))
        summary = (row.lint_report or {}).get("summary", {})
        self.stdout.write(
            _("%(slides)d slides; lint: %(errors)d errors, %(warnings)d warnings "
              "(presentation #%(id)d)")
            % {"slides": row.slide_count, "errors": summary.get("errors", 0),
               "warnings": summary.get("warnings", 0), "id": row.pk})
        for line in done.report:
            self.stdout.write(self.style.WARNING(line))
