"""django-q2 task queue facts: backlog, workers, failures (for /api/tasks/stats and health)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone


def stats() -> dict:
    """queue_size, total_tasks, failures, workers, clusters and recent failures."""
    from django_q.brokers import get_broker
    from django_q.conf import Conf
    from django_q.models import Failure, Task
    from django_q.status import Stat

    broker = get_broker()
    # a cluster that stopped keeps reporting "Stopped" for a few seconds: not a worker
    clusters = [stat for stat in Stat.get_all(broker=broker)
                if getattr(stat, "status", "") not in (Conf.STOPPED, Conf.STOPPING)]
    workers = sum(len(getattr(stat, "workers", []) or []) for stat in clusters)
    return {
        "broker": "redis" if "redis" in settings.Q_CLUSTER else "orm",
        "queue_size": broker.queue_size() or 0,
        "total_tasks": Task.objects.count(),
        "failures": Failure.objects.count(),
        "failures_24h": Failure.objects.filter(
            stopped__gte=timezone.now() - timedelta(hours=24)).count(),
        "workers": workers,
        "clusters": len(clusters),
        "active_tasks": sum(1 for stat in clusters if getattr(stat, "status", "") == "Working"),
    }
