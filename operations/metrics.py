"""Performance monitoring: a sample a minute, trends over the last ten, recommendations.

The manual's monitor kept its history in memory and lost it on restart;
samples here are rows (`MetricSample`), written by a django-q2 schedule or
by `perfreport --watch`, and pruned after 24 hours.  The health endpoint is
timed over HTTP, as a user would meet it.
"""

from __future__ import annotations

import shutil
import time
import urllib.error
import urllib.request
from datetime import timedelta
from statistics import mean

import psutil
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from generator.llm import reply_cache
from generator.models import DesignAsset, GeneratedPresentation
from operations import health, queue
from operations.models import MetricSample

UNREACHABLE = 999.0
# The manual's thresholds (averages over the last ten samples).
THRESHOLDS = {"cpu_high": 80.0, "memory_high": 85.0, "api_slow": 5.0, "database_slow": 1.0}


def _time_health() -> tuple[float, str]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(settings.HEALTH_URL, timeout=10) as response:  # noqa: S310
            response.read()
            status = "healthy"
    except urllib.error.HTTPError as exc:
        return time.perf_counter() - started, "unhealthy" if exc.code >= 500 else "error"
    except (urllib.error.URLError, OSError, TimeoutError):
        return UNREACHABLE, "error"
    return time.perf_counter() - started, status


def _time_database() -> float:
    started = time.perf_counter()
    DesignAsset.objects.count()
    GeneratedPresentation.objects.count()
    return time.perf_counter() - started


def collect() -> MetricSample:
    """Measure everything once and save the sample."""
    api_time, api_status = _time_health()
    disk = shutil.disk_usage(settings.DATA_DIR)
    network = psutil.net_io_counters()
    tasks = queue.stats()
    return MetricSample.objects.create(
        timestamp=timezone.now(),
        cpu_percent=psutil.cpu_percent(interval=0.5),  # the first instant reading is meaningless
        memory_percent=psutil.virtual_memory().percent,
        disk_usage_percent=round(health.disk_used_percent(disk), 2),
        api_response_time=round(api_time, 4), api_status=api_status,
        database_response_time=round(_time_database(), 4),
        cache_hit_rate=reply_cache.stats()["hit_rate_percent"],
        queue_size=tasks["queue_size"], active_tasks=tasks["active_tasks"],
        network_bytes_sent=network.bytes_sent if network else 0,
        network_bytes_recv=network.bytes_recv if network else 0,
    )


def prune(now=None) -> int:
    """Delete samples older than the retention (24 hours); returns how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.METRICS_RETENTION_HOURS)
    deleted, _rows = MetricSample.objects.filter(timestamp__lt=cutoff).delete()
    return deleted


def analyze(samples: list[MetricSample]) -> dict | None:
    """Averages over the last ten samples and the alerts they raise (None below ten)."""
    if len(samples) < 10:
        return None
    recent = samples[-10:]
    analysis = {
        "avg_cpu": round(mean(s.cpu_percent for s in recent), 2),
        "avg_memory": round(mean(s.memory_percent for s in recent), 2),
        "avg_api_response_time": round(mean(s.api_response_time for s in recent), 4),
        "avg_db_response_time": round(mean(s.database_response_time for s in recent), 4),
    }
    values = {"cpu_high": analysis["avg_cpu"], "memory_high": analysis["avg_memory"],
              "api_slow": analysis["avg_api_response_time"],
              "database_slow": analysis["avg_db_response_time"]}
    alerts = [{"type": kind, "value": value} for kind, value in values.items()
              if value > THRESHOLDS[kind]]
    return {"analysis": analysis, "alerts": alerts, "timestamp": timezone.localtime().isoformat()}


def recommendations(alerts: list[dict]) -> list[dict]:
    """The manual's advice for each alert."""
    advice = {
        "cpu_high": ("high", _("CPU usage is high"),
                     _("Consider stopping unneeded processes or optimising the processing")),
        "memory_high": ("high", _("Memory usage is high"),
                        _("Consider clearing the cache or restarting the system")),
        "api_slow": ("medium", _("API responses are slow"),
                     _("Check the OpenAI API key limits and the network connection")),
        "database_slow": ("medium", _("Database processing is slow"),
                          _("Consider running VACUUM on the database")),
    }
    return [{"priority": advice[a["type"]][0], "issue": str(advice[a["type"]][1]),
             "action": str(advice[a["type"]][2])} for a in alerts if a["type"] in advice]


def _as_dict(sample: MetricSample) -> dict:
    return {"timestamp": timezone.localtime(sample.timestamp).isoformat(),
            "cpu_percent": sample.cpu_percent, "memory_percent": sample.memory_percent,
            "disk_usage_percent": sample.disk_usage_percent,
            "api_response_time": sample.api_response_time, "api_status": sample.api_status,
            "database_response_time": sample.database_response_time,
            "cache_hit_rate": sample.cache_hit_rate, "queue_size": sample.queue_size,
            "active_tasks": sample.active_tasks,
            "network_bytes_sent": sample.network_bytes_sent,
            "network_bytes_recv": sample.network_bytes_recv}


def report(current: MetricSample | None = None) -> dict:
    """The performance report: the latest sample, the trend and what to do about it."""
    current = current or MetricSample.objects.order_by("-timestamp").first()
    recent = list(MetricSample.objects.order_by("-timestamp")[:10])[::-1]
    trends = analyze(recent)
    return {
        "generated_at": timezone.localtime().isoformat(),
        "current_metrics": _as_dict(current) if current else {},
        "trend_analysis": trends,
        "recommendations": recommendations(trends["alerts"]) if trends else [],
        "samples_last_24h": MetricSample.objects.filter(
            timestamp__gte=timezone.now() - timedelta(hours=24)).count(),
    }


def last_day() -> list[dict]:
    """The samples of the last 24 hours, oldest first (for the admin chart)."""
    since = timezone.now() - timedelta(hours=24)
    return [_as_dict(s) for s in MetricSample.objects.filter(timestamp__gte=since)
            .order_by("timestamp")]
