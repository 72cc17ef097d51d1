"""OpenAI cost in JPY, the monthly budget, and the usage record of every call.

Prices are list prices in USD per million tokens (input, cached input,
output), converted with settings.USD_JPY_RATE.  Before a call its cost is
estimated and reserved under a lock; a call that would cross the hard limit
is refused.  After the call the reservation is replaced by an `ApiUsage` row
with the real tokens, and a log line `OpenAI API usage {json}` is written for
the operations manual's tools.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from generator.worker_identity import identity as worker_identity
from generator.errors import BudgetExceeded
from generator.models import ApiUsage, BudgetLock, BudgetReservation
from generator.llm.usage import month_spent

logger = logging.getLogger(__name__)

# USD per 1M tokens: (input, cached input, output).  Longest matching prefix wins,
# so dated snapshots ("gpt-4o-mini-2024-07-18") price as their family.
PRICES_USD_PER_MTOK: dict[str, tuple[float, float, float]] = {
    "gpt-4o-mini": (0.15, 0.075, 0.60),
    "gpt-4o": (2.50, 1.25, 10.00),
    "gpt-4.1-nano": (0.10, 0.025, 0.40),
    "gpt-4.1-mini": (0.40, 0.10, 1.60),
    "gpt-4.1": (2.00, 0.50, 8.00),
    "gpt-5-nano": (0.05, 0.005, 0.40),
    "gpt-5-mini": (0.25, 0.025, 2.00),
    "gpt-5": (1.25, 0.125, 10.00),
    "o4-mini": (1.10, 0.275, 4.40),
    "o3": (2.00, 0.50, 8.00),
}
# Unknown models (a local server, a new name) are priced like this, so the
# budget still bites; override with OPENAI_PRICE_INPUT / OPENAI_PRICE_OUTPUT.
STALE_RESERVATION = timedelta(hours=1)
_PLACES = Decimal("0.0001")


def price(model: str) -> tuple[float, float, float]:
    override = getattr(settings, "OPENAI_PRICE_OVERRIDE", None)
    if override:
        return override
    matches = [name for name in PRICES_USD_PER_MTOK if model.startswith(name)]
    if matches:
        return PRICES_USD_PER_MTOK[max(matches, key=len)]
    return settings.OPENAI_DEFAULT_PRICE


def cost_jpy(model: str, *, prompt: int, completion: int, cached: int = 0) -> Decimal:
    """The JPY cost of a call with these token counts at list price."""
    inp, cached_inp, out = price(model)
    usd = ((prompt - cached) * inp + cached * cached_inp + completion * out) / 1_000_000
    return Decimal(str(usd * settings.USD_JPY_RATE)).quantize(_PLACES, ROUND_HALF_UP)


def estimate_tokens(text: str) -> int:
    """A deliberately high token count for `text` (no tokenizer download needed).

    One token per 3 UTF-8 bytes: about 1 per Japanese character (real: ~1)
    and 1 per 3 Latin characters (real: ~4), so estimates err on the safe side.
    """
    return math.ceil(len(text.encode("utf-8")) / 3) + 4


@dataclass(frozen=True)
class Reservation:
    pk: int
    model: str
    amount: Decimal


def _reserved() -> Decimal:
    fresh = BudgetReservation.objects.filter(created_at__gte=timezone.now() - STALE_RESERVATION)
    return fresh.aggregate(total=Sum("amount_jpy"))["total"] or Decimal("0")


def _lock() -> None:
    """Serialise reservations: a row lock on PostgreSQL; SQLite's IMMEDIATE transaction
    (settings) already holds the database write lock for the whole block."""
    if connection.vendor == "sqlite":
        BudgetLock.objects.get_or_create(name="budget")  # a write: takes the lock now
        return
    BudgetLock.objects.get_or_create(name="budget")
    BudgetLock.objects.select_for_update().get(name="budget")


def reserve(model: str, estimate: Decimal) -> Reservation:
    """Hold `estimate` JPY against the hard limit; raise `BudgetExceeded` if it would cross it."""
    limit = Decimal(str(settings.API_COST_LIMIT_JPY))
    with transaction.atomic():
        _lock()
        committed = month_spent() + _reserved()
        if committed + estimate > limit:
            raise BudgetExceeded(_(
                "This call (about ¥%(estimate)s) would take this month's OpenAI cost past the "
                "hard limit of ¥%(limit)s (¥%(spent)s used). Write the deck as a Markdown "
                "outline instead: the offline path needs no API."
            ) % {"estimate": f"{estimate:,.2f}", "limit": f"{limit:,.0f}",
                 "spent": f"{committed:,.2f}"})
        row = BudgetReservation.objects.create(model=model, amount_jpy=estimate,
                                               worker=worker_identity())
    return Reservation(pk=row.pk, model=model, amount=estimate)


def release(reservation: Reservation) -> None:
    """Drop a reservation whose call never happened (or failed without usage)."""
    BudgetReservation.objects.filter(pk=reservation.pk).delete()


def settle(reservation: Reservation | None, *, model: str, prompt: int, completion: int,
           cached: int, duration_ms: int, purpose: str, presentation=None,
           user=None) -> ApiUsage:
    """Record a finished call (and drop its reservation) in one transaction; log the usage."""
    cost = cost_jpy(model, prompt=prompt, completion=completion, cached=cached)
    with transaction.atomic():
        if reservation is not None:
            BudgetReservation.objects.filter(pk=reservation.pk).delete()
        usage = ApiUsage.objects.create(
            model=model, purpose=purpose, prompt_tokens=prompt, completion_tokens=completion,
            cached_tokens=cached, total_tokens=prompt + completion, cost_jpy=cost,
            duration_ms=duration_ms, presentation=presentation, user=user,
        )
    _log_usage(usage)
    _warn_if_over(usage)
    return usage


def _log_usage(usage: ApiUsage) -> None:
    record = {
        "timestamp": timezone.localtime(usage.created_at).isoformat(),
        "model": usage.model, "purpose": usage.purpose,
        "prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens,
        "cached_tokens": usage.cached_tokens, "cost_jpy": float(usage.cost_jpy),
        "duration_ms": usage.duration_ms, "presentation": usage.presentation_id,
    }
    logger.info("OpenAI API usage %s", json.dumps(record, ensure_ascii=False))


def _warn_if_over(usage: ApiUsage) -> None:
    spent = month_spent()
    warning = Decimal(str(settings.API_COST_WARNING_JPY))
    if spent > warning and spent - usage.cost_jpy <= warning:
        logger.warning("OpenAI cost this month passed the warning limit: ¥%s > ¥%s",
                       f"{spent:,.2f}", f"{warning:,.0f}")
