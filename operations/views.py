"""The operations endpoints: /api/health and /api/tasks/stats (JSON, no secrets)."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import health, queue


@never_cache
@require_http_methods(["GET", "HEAD"])
def health_view(request):
    report = health.run_checks()
    return JsonResponse(report, status=health.http_status(report["status"]),
                        json_dumps_params={"ensure_ascii": False})


@never_cache
@require_http_methods(["GET"])
def tasks_stats(request):
    return JsonResponse(queue.stats())
