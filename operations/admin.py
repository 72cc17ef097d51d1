"""Operations in the admin: health, metrics for the last 24 hours, backups.

The admin's own gate is only `is_staff`; backups (list, create, download,
restore) and django-q2's task and schedule pages (a schedule can run any
callable) are for superusers only.  Restore is POST-only behind a
confirmation page, with CSRF.
"""

from __future__ import annotations

import math
import tempfile
from datetime import datetime
from pathlib import Path

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from operations import backup, health, metrics, restore
from operations.errors import OperationsError
from operations.models import MetricSample


def _superuser(request) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied(_("Backups and restores are for superusers only."))


@admin.register(MetricSample)
class MetricSampleAdmin(admin.ModelAdmin):
    """The metrics list doubles as the entry to the operations pages."""

    list_display = ("when", "cpu", "memory", "disk", "api_ms", "database_ms", "queue")
    date_hierarchy = "timestamp"
    change_list_template = "operations/admin/metrics_changelist.html"

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff  # health is every staff's

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("health/", wrap(self.health_view), name="ops-admin-health"),
            path("backups/", wrap(self.backups_view), name="ops-admin-backups"),
            path("backups/create/", wrap(self.create_backup), name="ops-admin-backup-create"),
            path("backups/<str:backup_id>/download/", wrap(self.download_backup),
                 name="ops-admin-backup-download"),
            path("backups/<str:backup_id>/restore/", wrap(self.restore_backup),
                 name="ops-admin-backup-restore"),
        ] + super().get_urls()

    # the list's columns, with their units, in the page's language
    @admin.display(description=gettext_lazy("Time"), ordering="timestamp")
    def when(self, sample):
        return formats.date_format(timezone.localtime(sample.timestamp), "SHORT_DATETIME_FORMAT")

    @admin.display(description=gettext_lazy("CPU (%)"), ordering="cpu_percent")
    def cpu(self, sample):
        return _number(sample.cpu_percent, 1)

    @admin.display(description=gettext_lazy("Memory (%)"), ordering="memory_percent")
    def memory(self, sample):
        return _number(sample.memory_percent, 1)

    @admin.display(description=gettext_lazy("Disk (%)"), ordering="disk_usage_percent")
    def disk(self, sample):
        return _number(sample.disk_usage_percent, 1)

    @admin.display(description=gettext_lazy("Health check response (ms)"),
                   ordering="api_response_time")
    def api_ms(self, sample):
        if sample.api_response_time >= metrics.UNREACHABLE:
            return _("unreachable")
        return _number(sample.api_response_time * 1000, 1)

    @admin.display(description=gettext_lazy("Database response (ms)"),
                   ordering="database_response_time")
    def database_ms(self, sample):
        return _number(sample.database_response_time * 1000, 1)

    @admin.display(description=gettext_lazy("Queued tasks"), ordering="queue_size")
    def queue(self, sample):
        return sample.queue_size

    def changelist_view(self, request, extra_context=None):
        samples = metrics.last_day()
        report = metrics.report() if samples else None
        advice = [{**r, "priority": str(PRIORITIES.get(r["priority"], r["priority"]))}
                  for r in (report or {}).get("recommendations", [])]
        extra = {"samples": samples, "report": report, "advice": advice,
                 "charts": charts(samples)}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def health_view(self, request):
        report = health.run_checks()
        context = {**self.admin_site.each_context(request), "title": _("System health"),
                   "report": report, "status_word": str(STATUSES.get(report["status"],
                                                                   report["status"])),
                   "taken_at": _parse_time(report.get("timestamp")),
                   "rows": health_rows(report)}
        return TemplateResponse(request, "operations/admin/health.html", context)

    def backups_view(self, request):
        _superuser(request)
        rows = [{"info": info, "created": _parse_time(info.manifest.get("timestamp")),
                 "kind": str(BACKUP_KINDS.get(info.manifest.get("type"),
                                              info.manifest.get("type", ""))),
                 "status": str(BACKUP_STATUSES.get(info.status, info.status))}
                for info in backup.list_backups()]
        context = {**self.admin_site.each_context(request), "title": _("Backups"),
                   "backups": rows}
        return TemplateResponse(request, "operations/admin/backups.html", context)

    @staticmethod
    def _post_only(request):
        if request.method != "POST":
            raise Http404

    def create_backup(self, request):
        _superuser(request)
        self._post_only(request)
        try:
            info = backup.create()
            messages.success(request, _("Backup %(id)s created.") % {"id": info.id})
        except OperationsError as exc:
            messages.error(request, str(exc))
        return redirect("admin:ops-admin-backups")

    def download_backup(self, request, backup_id: str):
        _superuser(request)
        try:
            info = backup.get(backup_id)
        except OperationsError:
            raise Http404 from None
        bundle = Path(tempfile.mkstemp(prefix="backup-", suffix=".zip")[1])
        backup.bundle(info, bundle)
        handle = open(bundle, "rb")
        bundle.unlink()  # the open handle keeps the data until the response is sent
        return FileResponse(handle, as_attachment=True, filename=f"bcgslides-backup-{info.id}.zip")

    def restore_backup(self, request, backup_id: str):
        _superuser(request)
        try:
            info = backup.get(backup_id)
        except OperationsError:
            raise Http404 from None
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            return self._do_restore(request, info)
        context = {**self.admin_site.each_context(request), "title": _("Restore a backup"),
                   "backup": info, "created": _parse_time(info.manifest.get("timestamp")),
                   "components": [(c, str(COMPONENTS.get(c, c))) for c in restore.COMPONENTS]}
        return TemplateResponse(request, "operations/admin/restore_confirm.html", context)

    def _do_restore(self, request, info):
        components = request.POST.getlist("components") or list(restore.COMPONENTS)
        try:
            result = restore.run(info.id, components=components)
        except OperationsError as exc:
            messages.error(request, _("Restore refused: %(error)s") % {"error": exc})
            return redirect("admin:ops-admin-backups")
        # sessions came back with the database and were dropped: log in again
        messages.success(request, _("Backup %(id)s restored; the previous state is backup "
                                    "%(pre)s.") % {"id": info.id, "pre": result.pre_restore_id})
        return redirect("admin:login")


# -- words for the codes the operations modules keep (their JSON and logs stay in codes) -----
STATUSES = {"healthy": gettext_lazy("healthy"), "warning": gettext_lazy("warning"),
            "unhealthy": gettext_lazy("unhealthy"), "critical": gettext_lazy("critical"),
            "missing": gettext_lazy("missing")}
PRIORITIES = {"high": gettext_lazy("high"), "medium": gettext_lazy("medium"),
              "low": gettext_lazy("low")}
BACKUP_KINDS = {"full_backup": gettext_lazy("full"),
                "pre_restore": gettext_lazy("before a restore")}
BACKUP_STATUSES = {"success": gettext_lazy("complete"), "unknown": gettext_lazy("unknown")}
COMPONENTS = {"database": gettext_lazy("database"), "design_assets": gettext_lazy("design assets")}
CHECKS = {"database": gettext_lazy("Database"), "cache": gettext_lazy("Cache"),
          "storage": gettext_lazy("Shared files"), "disk_space": gettext_lazy("Disk space"),
          "memory": gettext_lazy("Memory"), "logs": gettext_lazy("Log files"),
          "api_costs": gettext_lazy("OpenAI spending"), "task_queue": gettext_lazy("Task queue"),
          "decks": gettext_lazy("Decks"), "restore": gettext_lazy("Restores")}
# a detail's words and unit; a detail not listed is shown as the check gave it
DETAILS = {
    "response_time": (gettext_lazy("response time"), "s"),
    "asset_count": (gettext_lazy("designs"), ""), "presentation_count": (gettext_lazy("decks"), ""),
    "size_mb": (gettext_lazy("size"), "MB"), "free_gb": (gettext_lazy("free"), "GB"),
    "total_gb": (gettext_lazy("total"), "GB"), "available_gb": (gettext_lazy("available"), "GB"),
    "used_percent": (gettext_lazy("used"), "%"), "files": (gettext_lazy("files"), ""),
    "daily_cost_jpy": (gettext_lazy("today"), "JPY"),
    "monthly_cost_jpy": (gettext_lazy("this month"), "JPY"),
    "monthly_limit_jpy": (gettext_lazy("warning at"), "JPY"),
    "hard_limit_jpy": (gettext_lazy("limit"), "JPY"),
    "broker": (gettext_lazy("broker"), ""), "queue_size": (gettext_lazy("waiting"), ""),
    "total_tasks": (gettext_lazy("tasks in all"), ""), "failures": (gettext_lazy("failures"), ""),
    "failures_24h": (gettext_lazy("failures in 24 hours"), ""),
    "workers": (gettext_lazy("workers"), ""), "clusters": (gettext_lazy("clusters"), ""),
    "active_tasks": (gettext_lazy("running"), ""),
    "stuck_running": (gettext_lazy("running without a worker"), ""),
    "ids": (gettext_lazy("deck ids"), ""), "error": (gettext_lazy("error"), ""),
    "message": (gettext_lazy("message"), ""), "version": (gettext_lazy("version"), ""),
}
# (the third-party apps' admin words are translated through operations/third_party_words.py)


def _number(value: float, places: int) -> str:
    return formats.number_format(round(value, places), places)


def _parse_time(text) -> datetime | None:
    try:
        return timezone.localtime(datetime.fromisoformat(text)) if text else None
    except (TypeError, ValueError):
        return None


def _unit(unit: str) -> str:
    return {"s": _("s"), "MB": _("MB"), "GB": _("GB"), "JPY": _("yen"), "%": "%",
            "ms": _("ms"), "tasks": _("tasks")}.get(unit, unit)


def _with_unit(value, unit: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    text = formats.number_format(value, decimal_pos=None, use_l10n=True)
    if not unit:
        return text
    return f"{text}%" if unit == "%" else f"{text} {_unit(unit)}"


def health_rows(report: dict) -> list[dict]:
    """Each check of a health report in words: its name, its status, its details."""
    rows = []
    for name, data in report.get("checks", {}).items():
        details = []
        for key, value in data.items():
            if key == "status":
                continue
            label, unit = DETAILS.get(key, (key.replace("_", " "), ""))
            if isinstance(value, dict):  # one status per item (the log files)
                shown = ", ".join(f"{item} ({STATUSES.get(v.get('status'), v.get('status'))})"
                                  for item, v in value.items() if isinstance(v, dict))
            elif isinstance(value, (list, tuple)):
                shown = ", ".join(str(v) for v in value)
            else:
                shown = _with_unit(value, unit)
            details.append({"label": str(label), "value": shown})
        rows.append({"name": str(CHECKS.get(name, name)), "status": data.get("status", ""),
                     "status_word": str(STATUSES.get(data.get("status"), data.get("status"))),
                     "details": details})
    return rows


# -- the charts of the metrics page --------------------------------------------------------
# key, title, unit, factor (stored value -> shown value), fixed top of the scale (None: fit)
CHARTS = (
    ("cpu_percent", gettext_lazy("CPU"), "%", 1.0, 100.0),
    ("memory_percent", gettext_lazy("Memory used"), "%", 1.0, 100.0),
    ("disk_usage_percent", gettext_lazy("Disk used"), "%", 1.0, 100.0),
    ("api_response_time", gettext_lazy("Health check response time"), "ms", 1000.0, None),
    ("database_response_time", gettext_lazy("Database response time"), "ms", 1000.0, None),
    ("queue_size", gettext_lazy("Queued tasks"), "tasks", 1.0, None),
)
# the SVG's plot area, in its own units (viewBox 0 0 320 150)
_LEFT, _RIGHT, _TOP, _BOTTOM = 40.0, 312.0, 16.0, 124.0


def _nice_top(peak: float) -> float:
    """A round top for a scale that holds `peak` (1, 2, 2.5, 5 times a power of ten)."""
    if peak <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(peak))
    for step in (1, 2, 2.5, 5, 10):
        if peak <= step * power:
            return step * power
    return 10 * power


def _value_text(value: float, unit: str, *, with_unit: bool = True) -> str:
    places = 0 if unit == "tasks" or abs(value) >= 100 or float(value).is_integer() else 1
    text = formats.number_format(round(value, places), places)
    if unit == "%":
        return f"{text}%"
    return f"{text} {_unit(unit)}" if with_unit else text


def charts(samples: list[dict]) -> list[dict]:
    """One small line chart per metric: the real peak and the last value with their unit, a
    scale with ticks in that unit, and the time of day along the bottom."""
    if not samples:
        return []
    times = [datetime.fromisoformat(s["timestamp"]) for s in samples]
    start, end = times[0], times[-1]
    span = max((end - start).total_seconds(), 1.0)

    def x_of(moment) -> float:
        return _LEFT + (moment - start).total_seconds() / span * (_RIGHT - _LEFT)

    x_ticks = [{"x": f"{x_of(t):.1f}", "label": formats.time_format(timezone.localtime(t), "H:i")}
               for t in ((start, start + (end - start) / 2, end) if end > start else (start,))]
    found = []
    for key, title, unit, factor, fixed_top in CHARTS:
        measured = [(t, s[key] * factor) for t, s in zip(times, samples)
                    if not (key == "api_response_time" and s[key] >= metrics.UNREACHABLE)]
        missed = len(samples) - len(measured)
        if not measured:
            continue
        values = [v for _t, v in measured]
        peak, last = max(values), values[-1]
        top = fixed_top or _nice_top(peak)

        def y_of(value, top=top) -> float:
            return _BOTTOM - min(value, top) / top * (_BOTTOM - _TOP)

        points = " ".join(f"{x_of(t):.1f},{y_of(v):.1f}" for t, v in measured)
        steps = (0.0, top / 2, top) if unit != "tasks" or (top / 2).is_integer() else (0.0, top)
        # the scale's numbers, its unit once above them (a percentage says it on each)
        y_ticks = [{"y": f"{y_of(v):.1f}", "label": _value_text(v, unit, with_unit=False)}
                   for v in steps]
        summary = _("peak %(peak)s, last %(last)s") % {
            "peak": _value_text(peak, unit), "last": _value_text(last, unit)}
        if missed:
            summary += " · " + ngettext("unreachable once", "unreachable %(count)d times",
                                        missed) % {"count": missed}
        found.append({"key": key, "title": str(title), "summary": summary,
                      "unit": "" if unit == "%" else _unit(unit),
                      "peak": peak, "last": last, "top": top, "points": points,
                      "y_ticks": y_ticks, "x_ticks": x_ticks})
    return found


# -- django-q2's admin: superusers only -----------------------------------------------------
def _superusers_only(model_admin_class):
    class SuperuserOnly(model_admin_class):
        def has_module_permission(self, request):
            return request.user.is_active and request.user.is_superuser

        def has_view_permission(self, request, obj=None):
            return request.user.is_active and request.user.is_superuser

        def has_add_permission(self, request, *args):
            return request.user.is_active and request.user.is_superuser and super(
            ).has_add_permission(request, *args)

        def has_change_permission(self, request, obj=None):
            return request.user.is_active and request.user.is_superuser

        def has_delete_permission(self, request, obj=None):
            return request.user.is_active and request.user.is_superuser

    SuperuserOnly.__name__ = f"SuperuserOnly{model_admin_class.__name__}"
    return SuperuserOnly


def _lock_down_django_q() -> None:
    from django_q import models as q_models

    for model in (q_models.Schedule, q_models.Success, q_models.Failure, q_models.OrmQ):
        if admin.site.is_registered(model):
            current = admin.site._registry[model].__class__
            admin.site.unregister(model)
            admin.site.register(model, _superusers_only(current))


_lock_down_django_q()
admin.site.site_header = gettext_lazy("bcgslides administration")
admin.site.site_title = gettext_lazy("bcgslides")
