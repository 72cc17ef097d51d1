"""Operations in the admin: health, metrics for the last 24 hours, backups.

The admin's own gate is only `is_staff`; backups (list, create, download,
restore) and django-q2's task and schedule pages (a schedule can run any
callable) are for superusers only.  Restore is POST-only behind a
confirmation page, with CSRF.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from operations import backup, health, metrics, restore
from operations.errors import OperationsError
from operations.models import MetricSample


def _superuser(request) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied(_("Backups and restores are for superusers only."))


@admin.register(MetricSample)
class MetricSampleAdmin(admin.ModelAdmin):
    """The metrics list doubles as the entry to the operations pages."""

    list_display = ("timestamp", "cpu_percent", "memory_percent", "disk_usage_percent",
                    "api_response_time", "database_response_time", "queue_size")
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

    def changelist_view(self, request, extra_context=None):
        samples = metrics.last_day()
        extra = {"samples": samples, "report": metrics.report() if samples else None,
                 "series": _series(samples)}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def health_view(self, request):
        report = health.run_checks()
        context = {**self.admin_site.each_context(request), "title": _("System health"),
                   "report": report}
        return TemplateResponse(request, "operations/admin/health.html", context)

    def backups_view(self, request):
        _superuser(request)
        context = {**self.admin_site.each_context(request), "title": _("Backups"),
                   "backups": backup.list_backups()}
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
                   "backup": info, "components": restore.COMPONENTS}
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


def _series(samples: list[dict]) -> dict:
    """Polyline points (0..100 x 0..100) for a small SVG chart per metric."""
    if not samples:
        return {}
    count = max(len(samples) - 1, 1)
    charts = {}
    for key, top in (("cpu_percent", 100.0), ("memory_percent", 100.0),
                     ("api_response_time", None), ("database_response_time", None)):
        values = [min(s[key], 60.0) if key.endswith("time") else s[key] for s in samples]
        peak = top or max(max(values), 0.001)
        charts[key] = {"points": " ".join(f"{i * 100 / count:.2f},{100 - v * 100 / peak:.2f}"
                                          for i, v in enumerate(values)),
                       "max": round(peak, 3), "last": values[-1]}
    return charts


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
