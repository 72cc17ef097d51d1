"""django-q2 brokers whose cluster heartbeat outlives a busy moment.

A cluster writes its status (the "heartbeat" `operations.queue.stats` and the health
check count) every guard cycle (0.5 s) with a life of 3 s. On a loaded machine the guard
loop can stall longer than that: it runs the scheduler on the same thread, and on SQLite
the cache write waits for (or fails on) another process's lock. The cluster then drops out
of the health report for a moment and the report flaps to "no qcluster worker is running"
while the worker is busy working. These brokers keep each heartbeat for
`HEARTBEAT_SECONDS` instead: a cluster killed without stopping is reported gone that much
later, a cluster that stops cleanly still says "Stopped" at once.
"""

from __future__ import annotations

from django_q.brokers.orm import ORM
from django_q.brokers.redis_broker import Redis

HEARTBEAT_SECONDS = 15


class PatientORM(ORM):
    """The ORM broker (the embedded default) with the longer heartbeat."""

    def set_stat(self, key: str, value: str, timeout: int):
        super().set_stat(key, value, max(timeout, HEARTBEAT_SECONDS))


class PatientRedis(Redis):
    """The Redis broker with the longer heartbeat."""

    def set_stat(self, key: str, value: str, timeout: int):
        super().set_stat(key, value, max(timeout, HEARTBEAT_SECONDS))
