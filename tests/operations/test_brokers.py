"""The cluster heartbeat lives long enough to survive a stalled guard loop."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_q.brokers import get_broker
from django_q.status import Stat

from operations import brokers

pytestmark = pytest.mark.django_db(transaction=True)


def _seconds_left(broker, key: str) -> float:
    """How long the cache keeps `key`, read from the store itself (Redis or the cache table)."""
    if hasattr(broker.connection, "ttl"):
        return float(broker.connection.ttl(key))
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM bcgslides_cache WHERE cache_key LIKE %s",
                       [f"%{key}"])
        (expires,) = cursor.fetchone()
    if isinstance(expires, str):  # SQLite hands the timestamp back as text
        expires = parse_datetime(expires)
    if timezone.is_naive(expires):
        expires = expires.replace(tzinfo=UTC)
    return (expires - timezone.now()) / timedelta(seconds=1)


def test_the_configured_broker_keeps_a_heartbeat_past_a_stall():
    broker = get_broker()
    assert isinstance(broker, (brokers.PatientORM, brokers.PatientRedis))
    key = Stat.get_key("heartbeat-test")
    broker.set_stat(key, "alive", 3)  # what django-q2's guard asks for
    assert broker.get_stat(key) is not None
    assert brokers.HEARTBEAT_SECONDS - 2 <= _seconds_left(broker, key) <= brokers.HEARTBEAT_SECONDS
