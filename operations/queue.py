"""django-q2 task queue facts: backlog, workers, failures (for /api/tasks/stats and health)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone


def stats() -> dict:
    """queue_size, total_tasks, failures, workers, clusters and recent failures."""
    from django_q.brokers import get_broker
    from django_q.models import Failure, Task
    from django_q.status import Stat

    broker = get_broker()
    clusters = Stat.get_all(broker=broker)
    workers = sum(len(getattr(stat, "workers", []) or []) for stat in clusters)
    return {
        "queue_size": broker.queue_size() or 0,
        "total_tasks": Task.objects.count(),
        "failures": Failure.objects.count(),
        "failures_24h": Failure.objects.filter(
            stopped__gte=timezone.now() - timedelta(hours=24)).count(),
        "workers": workers,
        "clusters": len(clusters),
        "active_tasks": sum(1 for stat in clusters if getattr(stat, "status", "") == "Working"),
    }
