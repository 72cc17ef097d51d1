"""manage.py perfreport [--watch] [--interval S]: one performance report, or monitoring."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from operations import metrics, reports


class Command(BaseCommand):
    help = _("Collect metrics and write reports/performance_report_<ts>.json (or --watch).")

    def add_arguments(self, parser):
        parser.add_argument("--watch", action="store_true", help=_("monitor until stopped"))
        parser.add_argument("--interval", type=float, default=60.0,
                            help=_("seconds between samples with --watch"))

    def handle(self, *args, watch: bool = False, interval: float = 60.0, **options):
        if watch:
            return self._watch(interval)
        sample = metrics.collect()
        report = metrics.report(sample)
        self._print(report)
        path = reports.write("performance", report)
        self.stdout.write("\n" + _("Report saved: %(path)s") % {"path": path})

    def _print(self, report: dict) -> None:
        self.stdout.write(_("=== Performance report ==="))
        self.stdout.write(_("Generated at: %(time)s") % {"time": report["generated_at"]})
        self.stdout.write("\n" + _("[Current metrics]"))
        for key, value in report["current_metrics"].items():
            if key != "timestamp":
                self.stdout.write(f"  {key}: {value}")
        trends = report["trend_analysis"]
        if trends and trends["alerts"]:
            self.stdout.write("\n" + _("[Alerts]"))
            for alert in trends["alerts"]:
                self.stdout.write(f"  {alert['type']}: {alert['value']}")
        if report["recommendations"]:
            self.stdout.write("\n" + _("[Recommendations]"))
            for item in report["recommendations"]:
                self.stdout.write(f"  [{item['priority']}] {item['issue']}")
                self.stdout.write(f"    → {item['action']}")

    def _watch(self, interval: float) -> None:
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(_("Performance monitoring started (interval: %(seconds)s s)")
                          % {"seconds": f"{interval:g}"})
        self.stdout.flush()
        while not stop.is_set():
            metrics.collect()
            metrics.prune()
            trends = metrics.report()["trend_analysis"]
            if trends and trends["alerts"]:
                stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
                self.stdout.write("\n" + _("⚠️ Alert detected: %(time)s") % {"time": stamp})
                for alert in trends["alerts"]:
                    self.stdout.write(f"  {alert['type']}: {alert['value']}")
            self.stdout.flush()
            stop.wait(interval)
        self.stdout.write(_("Performance monitoring stopped"))
