"""The operations endpoints: /api/health, /api/health/live and /api/tasks/stats (JSON)."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from operations import health, health_snapshot, queue


@never_cache
@require_http_methods(["GET", "HEAD"])
def health_view(request):
    """The host's latest health report (at most HEALTH_SNAPSHOT_SECONDS old): statuses only
    for anyone, every detail for staff, who may ask for the checks to run now (?fresh=1)."""
    staff = request.user.is_active and request.user.is_staff
    if staff and request.GET.get("fresh") == "1":
        report = {**health_snapshot.refresh(), "age_seconds": 0.0}
    else:
        report = health_snapshot.current()
    body = report if staff else health.public_view(report)
    return JsonResponse(body, status=health.http_status(report["status"]),
                        json_dumps_params={"ensure_ascii": False})


@never_cache
@require_http_methods(["GET", "HEAD"])
def liveness_view(request):
    """For load balancers: the process answers.  Runs no check and touches nothing."""
    return JsonResponse({"status": "alive"})


@never_cache
@require_http_methods(["GET"])
def tasks_stats(request):
    return JsonResponse(queue.stats())
