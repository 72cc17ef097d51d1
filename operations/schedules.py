"""Every recurring job, declared once and applied idempotently (upsert by name).

`ensure_schedules()` runs after every `migrate` (post_migrate) and after a
restore, which brings back whatever schedules the backup held.  The django-q2
admin shows them; editing them there is for superusers only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone


@dataclass(frozen=True)
class Job:
    name: str
    func: str
    schedule_type: str  # django_q.models.Schedule.MINUTES / HOURLY / DAILY
    minutes: int | None = None
    at: time | None = None  # first run time of day for DAILY jobs


SCHEDULES = [
    Job("metrics-sample", "operations.tasks.sample_metrics", "I", minutes=1),
    Job("metrics-prune", "operations.tasks.prune_metrics", "H"),
    Job("decks-recover-stalled", "generator.tasks.recover_stalled_presentations", "I",
        minutes=1),
    Job("llm-cache-cleanup", "operations.maintenance.clear_expired_cache", "H"),
    Job("backup-daily", "operations.backup.run_scheduled", "D", at=time(2, 0)),
    Job("reports-retention", "operations.maintenance.prune_reports", "D", at=time(3, 0)),
    Job("logs-retention", "operations.maintenance.prune_logs", "D", at=time(3, 10)),
    Job("files-orphans", "generator.decks.orphans.sweep", "D", at=time(3, 20)),
]


# Names of jobs that no longer exist: removed from databases that still have them.
RETIRED = ["decks-fail-stale"]


def _next(job: Job) -> datetime:
    now = timezone.localtime()
    if job.at is None:
        return now
    first = now.replace(hour=job.at.hour, minute=job.at.minute, second=0, microsecond=0)
    return first if first > now else first + timedelta(days=1)


def ensure_schedules(**_signal_kwargs) -> list[str]:
    """Create or update every job by name (no duplicates); returns the names touched."""
    from django_q.models import Schedule

    Schedule.objects.filter(name__in=RETIRED).delete()
    touched = []
    for job in SCHEDULES:
        rows = list(Schedule.objects.filter(name=job.name).order_by("id"))
        for extra in rows[1:]:  # a name is not unique in django-q2: keep one
            extra.delete()
        fields = {"func": job.func, "schedule_type": job.schedule_type, "minutes": job.minutes,
                  "repeats": -1}
        if rows:
            row = rows[0]
            changed = any(getattr(row, key) != value for key, value in fields.items())
            if changed:
                Schedule.objects.filter(pk=row.pk).update(**fields)
        else:
            Schedule.objects.create(name=job.name, next_run=_next(job), **fields)
        touched.append(job.name)
    return touched
