"""manage.py learn FILE.pptx [--category C]: import a house design; bad file -> exit 1."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from generator.errors import InvalidDeckFile
from generator.learning import learn
from generator.management.database import ensure_ready
from generator.previews.soffice import ensure_asset_thumbnails


class Command(BaseCommand):
    help = _("Learn a house design from a .pptx deck or template.")
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--category", default="")
        parser.add_argument("--thumbnails", action="store_true",
                            help=_("also render slide pictures (needs LibreOffice)"))

    def handle(self, *args, file: str, category: str, thumbnails: bool, **options):
        ensure_ready(stderr=self.stderr)
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file") % {"path": path})
        try:
            learned = learn.learn_upload(path=path, filename=path.name, category=category,
                                          queue_pictures=not thumbnails)
        except InvalidDeckFile as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        asset = learned.asset
        if thumbnails:
            ensure_asset_thumbnails(asset)
        self.stdout.write(_("design asset %(id)d: %(name)s (%(slides)d slides)") % {
            "id": asset.pk, "name": asset.filename, "slides": asset.slide_count})
        for kind, facts in learn.summary(asset).items():
            self.stdout.write(f"  {kind}: {facts['count']} (quality {facts['quality']:.2f})")
        for warning in learned.warnings:
            self.stdout.write(self.style.WARNING(_("warning: %(text)s") % {"text": warning}))
