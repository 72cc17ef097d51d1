"""The LLM response cache: same model, prompt and schema -> the stored answer, at no cost.

Entries live in Django's cache (the database cache by default, Redis when
configured) with a TTL; an index table keeps their size and expiry so that
stats and cleanup work the same on every backend, and hit/miss counters are
rows in the database, shared by every process and kept across restarts.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Sum
from django.utils import timezone

from generator.models import LlmCacheCounter, LlmCacheEntry
from generator.spec import SCHEMA_VERSION

PREFIX = "llm:"
_SPACES = re.compile(r"\s+")


def key_for(model: str, messages: list[dict], schema: dict | None) -> str:
    """The cache key: model, whitespace-normalised prompt, schema version and shape."""
    normalised = [{"role": m["role"], "content": _SPACES.sub(" ", str(m["content"])).strip()}
                  for m in messages]
    material = json.dumps({"model": model, "messages": normalised, "v": SCHEMA_VERSION,
                           "schema": schema}, sort_keys=True, ensure_ascii=False)
    return PREFIX + hashlib.sha256(material.encode("utf-8")).hexdigest()


def _count(name: str) -> None:
    updated = LlmCacheCounter.objects.filter(name=name).update(value=F("value") + 1)
    if not updated:
        counter, created = LlmCacheCounter.objects.get_or_create(name=name,
                                                                 defaults={"value": 1})
        if not created:
            LlmCacheCounter.objects.filter(name=name).update(value=F("value") + 1)


def get(key: str) -> str | None:
    """The cached response text, counting a hit or a miss."""
    value = cache.get(key)
    _count("hits" if value is not None else "misses")
    return value


def put(key: str, model: str, content: str) -> None:
    ttl = settings.LLM_CACHE_TTL
    cache.set(key, content, ttl)
    LlmCacheEntry.objects.update_or_create(key=key, defaults={
        "model": model, "size_bytes": len(content.encode("utf-8")),
        "expires_at": timezone.now() + timedelta(seconds=ttl)})


def stats() -> dict:
    """Hit rate and size: what /api/cache/stats returns and the metrics sample."""
    counters = dict(LlmCacheCounter.objects.values_list("name", "value"))
    hits, misses = counters.get("hits", 0), counters.get("misses", 0)
    live = LlmCacheEntry.objects.filter(expires_at__gt=timezone.now())
    size = live.aggregate(total=Sum("size_bytes"))["total"] or 0
    lookups = hits + misses
    return {
        "hits": hits,
        "misses": misses,
        "hit_rate_percent": round(100.0 * hits / lookups, 2) if lookups else 0.0,
        "entries": live.count(),
        "size_bytes": size,
        "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "ttl_seconds": settings.LLM_CACHE_TTL,
    }


def clear_expired() -> int:
    """Delete expired entries (from the cache and the index); returns how many were removed.

    The database cache only culls when it fills up, so this is what keeps it
    small; on Redis the keys have expired by themselves and only the index is
    tidied.  The database cache's own expired rows (other keys) are culled too.
    """
    expired = LlmCacheEntry.objects.filter(expires_at__lte=timezone.now())
    keys = list(expired.values_list("key", flat=True))
    if keys:
        cache.delete_many(keys)
    removed, _ = expired.delete()
    _cull_database_cache()
    return removed


def _cull_database_cache() -> None:
    backend = settings.CACHES["default"]["BACKEND"]
    if not backend.endswith("DatabaseCache"):
        return
    from django.db import connection

    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE expires < %s",  # noqa: S608 (our table name)
                       [connection.ops.adapt_datetimefield_value(timezone.now())])


def clear() -> None:
    """Forget every cached response (the admin's 'clear cache')."""
    keys = list(LlmCacheEntry.objects.values_list("key", flat=True))
    cache.delete_many(keys)
    LlmCacheEntry.objects.all().delete()
