"""manage.py revise ID --slide N --instruction TEXT: one slide revised into a new version."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from generator import files
from generator.decks import generate
from generator.decks.revision import flags_for, revise_presentation
from generator.errors import GeneratorError
from generator.management.database import ensure_ready
from generator.models import GeneratedPresentation
from generator.spec import load_spec


class Command(BaseCommand):
    help = _("Revise one slide of a finished deck by instruction (one model call); the new "
             "version is rendered at once and its path printed.")
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("presentation", type=int, help=_("the deck's id"))
        parser.add_argument("--slide", type=int, required=True, help=_("1-based slide number"))
        parser.add_argument("--instruction", required=True,
                            help=_("what to change, e.g. \"make this a waterfall\""))

    def handle(self, *args, presentation, slide, instruction, **options):
        ensure_ready(stderr=self.stderr)
        try:
            row = GeneratedPresentation.objects.get(pk=presentation)
        except GeneratedPresentation.DoesNotExist:
            raise CommandError(_("no deck %(id)d") % {"id": presentation}) from None
        try:
            new = revise_presentation(row, number=slide, instruction=instruction,
                                      user=row.owner)
            new = generate.run(new.pk)
        except GeneratorError as exc:
            raise CommandError(str(exc)) from None
        if new.status != GeneratedPresentation.Status.DONE:
            raise CommandError(new.error or _("the new version could not be rendered"))
        for number, found in flags_for(load_spec(new.spec), new).items():
            self.stderr.write(_("slide %(number)d: numbers found in no source: %(numbers)s")
                              % {"number": number, "numbers": ", ".join(found)})
        self.stdout.write(str(files.local_path(new.file)))
        self.stdout.write(_("version %(version)d (presentation #%(id)d)")
                          % {"version": new.version, "id": new.pk})
