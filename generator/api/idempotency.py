"""Idempotency keys on create: a retried POST returns the deck the first one made.

The client sends `Idempotency-Key: <unique text>`.  The first request with a key
records (body fingerprint, deck id) in Django's cache for `IDEMPOTENCY_TTL`
seconds (a day by default), per user.  The same key with the same body returns
that deck again; with another body it is refused (422), since the client has
mixed up two requests; while the first is still being answered, a second one
waits for nothing and is told to retry (409).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

MAX_KEY_LENGTH = 255
_PENDING = "pending"


def _ttl() -> int:
    return int(getattr(settings, "IDEMPOTENCY_TTL", 24 * 3600))


def fingerprint(data: dict) -> str:
    """The body's meaning, not its bytes: key order and spacing do not matter."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _cache_key(user, key: str) -> str:
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"api-idem:{user.pk}:{digest}"


@dataclass
class Claim:
    """The outcome of `claim`: `deck_id` of an earlier answer, or a fresh claim to fill."""

    cache_key: str
    body: str
    deck_id: int | None = None
    conflict: str = ""  # "other-body" | "in-progress"


def claim(user, key: str, data: dict) -> Claim:
    """Reserve `key` for this request, or say what an earlier request with it did."""
    entry = Claim(cache_key=_cache_key(user, key), body=fingerprint(data))
    if cache.add(entry.cache_key, {"body": entry.body, "deck": _PENDING}, _ttl()):
        return entry
    stored = cache.get(entry.cache_key) or {}
    if stored.get("body") != entry.body:
        entry.conflict = "other-body"
    elif stored.get("deck") == _PENDING:
        entry.conflict = "in-progress"
    else:
        entry.deck_id = stored.get("deck")
    return entry


def record(entry: Claim, deck_id: int) -> None:
    cache.set(entry.cache_key, {"body": entry.body, "deck": deck_id}, _ttl())


def release(entry: Claim) -> None:
    """Forget a claim whose request failed, so that a corrected retry may use the key."""
    cache.delete(entry.cache_key)
