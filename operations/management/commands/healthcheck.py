"""manage.py healthcheck [--json]: exit 0 healthy, 2 warning, 1 unhealthy or critical.

The summary is printed whatever happens to the report file: on a full disk it says the
report could not be saved and exits 1, since nothing is left for a later look.
"""

from __future__ import annotations

import json as jsonlib
import logging

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from operations import health, reports


class Command(BaseCommand):
    help = _("Run every health check and save reports/health_report_<ts>.json.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help=_("print the report as JSON"))

    def handle(self, *args, **options):
        # The logs may be on the disk that is full: a line that cannot be written is
        # dropped, not printed as a "Logging error" traceback over the summary.
        raising, logging.raiseExceptions = logging.raiseExceptions, False
        try:
            self._check(**options)
        finally:
            logging.raiseExceptions = raising

    def _check(self, *, json: bool = False, **options):
        if not json:
            self.stdout.write(_("Running system health checks..."))
        report = health.run_checks()
        try:
            path, unsaved = reports.write("health", report), None
        except OSError as exc:  # ENOSPC above all: the disk this report is about is full
            path, unsaved = None, health.failure_words(exc)
        if json:
            self.stdout.write(_dumps(report))
        else:
            self._print(report)
        if unsaved:
            self.stderr.write(_("The health report could not be saved (%(reason)s).")
                              % {"reason": unsaved})
        elif not json:
            self.stdout.write("\n" + _("Health report saved: %(path)s") % {"path": path})
        code = 1 if unsaved else health.exit_code(report["status"])
        if code:
            raise SystemExit(code)

    def _print(self, report: dict) -> None:
        self.stdout.write("\n" + _("=== System health check results ==="))
        self.stdout.write(_("Overall status: %(status)s") % {"status": report["status"].upper()})
        self.stdout.write(_("Checked at: %(time)s") % {"time": report["timestamp"]})
        for name, data in report["checks"].items():
            self.stdout.write(f"\n[{name.upper()}]")
            self.stdout.write("  " + _("Status: %(status)s") % {"status": data["status"]})
            if "error" in data:
                self.stdout.write("  " + _("Error: %(error)s") % {"error": data["error"]})
            for key, value in data.items():
                if key in ("status", "error"):
                    continue
                if isinstance(value, dict):
                    for sub, sub_data in value.items():
                        self.stdout.write(f"  {sub}: {sub_data.get('status', sub_data)}")
                else:
                    self.stdout.write(f"  {key}: {value}")


def _dumps(data: dict) -> str:
    return jsonlib.dumps(data, indent=2, ensure_ascii=False)
