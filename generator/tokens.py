"""API tokens for scripts: created once (the key is shown a single time), stored as a hash."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from .models import ApiToken

PREFIX_LENGTH = 8


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create(*, user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`; returns (row, key).  The key is not stored and cannot be shown again."""
    key = "bcg_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:PREFIX_LENGTH + 4],
                                    key_hash=_hash(key))
    return token, key


def authenticate(key: str):
    """The active user owning `key`, or None."""
    if not key or len(key) > 200:
        return None
    try:
        token = ApiToken.objects.select_related("user").get(key_hash=_hash(key))
    except ApiToken.DoesNotExist:
        return None
    if not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
