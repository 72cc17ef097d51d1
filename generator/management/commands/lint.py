"""manage.py lint FILE.pptx [--json]: exit 0 clean, 1 errors (or a bad file), 2 warnings only."""

from __future__ import annotations

import json as jsonlib

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from generator.errors import InvalidDeckFile
from generator.lint import lint_file


class Command(BaseCommand):
    help = _("Check a deck: overflow, off-slide shapes, small fonts, contrast, titles, bullets.")
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help=_("print the report as JSON"))

    def handle(self, *args, file: str, json: bool = False, **options):
        try:
            report = lint_file(file)
        except InvalidDeckFile as exc:
            raise CommandError(str(exc)) from None
        if json:
            self.stdout.write(_json(report.to_dict()))
        else:
            self.stdout.write(report.summary_line())
            for issue in report.issues:
                shape = f" '{issue.shape}'" if issue.shape else ""
                self.stdout.write(f"  slide {issue.slide}{shape}: [{issue.severity}] "
                                  f"{issue.rule}: {issue.message}")
        if report.errors:
            raise CommandError(_("%(n)d lint errors") % {"n": report.errors}, returncode=1)
        if report.warnings:
            raise SystemExit(2)


def _json(data: dict) -> str:
    return jsonlib.dumps(data, ensure_ascii=False, indent=2)
