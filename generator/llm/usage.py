"""This month's OpenAI spend against the budget, per day and per user (from ApiUsage rows):
`month_spent` is the one sum that the budget (`costs`), the usage page and the health
check read.

Month boundaries are in settings.TIME_ZONE.  Everyone sees the shared budget
and the per-day totals; the per-user breakdown is for staff (others see
their own line only).
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from generator.models import ApiUsage


def month_start(now: datetime | None = None) -> datetime:
    """Midnight on the first of this month, in TIME_ZONE, as an aware datetime."""
    local = timezone.localtime(now or timezone.now())
    return timezone.make_aware(datetime.combine(local.date().replace(day=1), time.min),
                               timezone.get_current_timezone())


def spent_since(start: datetime) -> Decimal:
    """The settled OpenAI cost (ApiUsage rows) since `start`, in JPY."""
    total = ApiUsage.objects.filter(created_at__gte=start).aggregate(
        total=Sum("cost_jpy"))["total"]
    return total or Decimal("0")


def month_spent(now: datetime | None = None) -> Decimal:
    """This month's settled cost, in TIME_ZONE month boundaries."""
    return spent_since(month_start(now))


def month_summary(*, user, now: datetime | None = None) -> dict:
    """Totals, budget status, per-day and per-user rows for this month."""
    rows = ApiUsage.objects.filter(created_at__gte=month_start(now))
    cost = month_spent(now)
    warning = Decimal(str(settings.API_COST_WARNING_JPY))
    limit = Decimal(str(settings.API_COST_LIMIT_JPY))
    by_day = (rows.annotate(day=TruncDate("created_at")).values("day")
              .annotate(cost=Sum("cost_jpy"), calls=Count("id"),
                        tokens=Sum("total_tokens")).order_by("day"))
    by_user = (rows.values("user__username").annotate(cost=Sum("cost_jpy"), calls=Count("id"))
               .order_by("-cost"))
    if not user.is_staff:
        by_user = by_user.filter(user=user)
    return {
        "month_start": month_start(now),
        "cost": cost,
        "calls": rows.count(),
        "warning": warning,
        "limit": limit,
        "percent_of_limit": float(cost / limit * 100) if limit else 0.0,
        "status": "critical" if cost > limit else "warning" if cost > warning else "healthy",
        "by_day": list(by_day),
        "by_user": list(by_user),
        "llm_enabled": bool(settings.OPENAI_API_KEY),
    }
