"""Operations tables (only what must be queried)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MetricSample(models.Model):
    """One minute's system and application metrics (24 hours are kept)."""

    timestamp = models.DateTimeField(db_index=True)
    cpu_percent = models.FloatField(default=0)
    memory_percent = models.FloatField(default=0)
    disk_usage_percent = models.FloatField(default=0)
    api_response_time = models.FloatField(default=0, help_text="seconds; 999 when unreachable")
    api_status = models.CharField(max_length=20, default="")
    database_response_time = models.FloatField(default=0)
    cache_hit_rate = models.FloatField(default=0)
    queue_size = models.IntegerField(default=0)
    active_tasks = models.IntegerField(default=0)
    network_bytes_sent = models.BigIntegerField(default=0)
    network_bytes_recv = models.BigIntegerField(default=0)

    class Meta:
        db_table = "metric_samples"
        ordering = ["-timestamp"]
        verbose_name = _("metric sample")
        verbose_name_plural = _("metrics")

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} cpu {self.cpu_percent:.0f}%"
