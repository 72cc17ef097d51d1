"""API tokens for scripts: created once (the key is shown a single time), stored as a hash.

A token answers while it is not revoked, its user is active, and the user's password
hash is the one it was made under.  The last rule is checked on every request rather
than by revoking on a signal, so it holds however the password changed: the password
page, the admin, `changepassword`, `set_password` in a shell, or a raw UPDATE.  Only
Django's own re-hash at login (stronger hasher settings after an upgrade, the same
password) is followed, so an upgrade does not end every script's token.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from django.conf import settings
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.db.models import QuerySet
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from generator.models import ApiToken

PREFIX_LENGTH = 8
MAX_NAME_LENGTH = 100
logger = logging.getLogger(__name__)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def password_digest(encoded: str) -> str:
    """A digest of a stored password hash (never of a password): changes when it changes.

    Frozen in migration 0006: change it only with a migration that re-anchors tokens.
    """
    return hashlib.sha256(f"bcgslides.api-token:{encoded or ''}".encode("utf-8")).hexdigest()


def create(*, user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`; returns (row, key).  The key is not stored and cannot be shown again.

    Raises ValueError for an inactive user or a name over 100 characters.
    """
    name = (name or "").strip()
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(_("A token name has at most %(n)d characters.") % {"n": MAX_NAME_LENGTH})
    if not user.is_active:
        raise ValueError(_("%(user)s is inactive: a token would not work.") % {"user": user})
    key = "bcg_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:PREFIX_LENGTH + 4],
                                    key_hash=_hash(key),
                                    password_digest=password_digest(user.password))
    logger.info("API token %s… created for %s", token.prefix, user)
    return token, key


def refusal(token: ApiToken) -> str:
    """Why `token` does not answer now ("" when it does): revoked, user inactive,
    or password changed since it was made."""
    if token.revoked_at is not None:
        return "revoked"
    if not token.user.is_active:
        return "user inactive"
    if not constant_time_compare(token.password_digest, password_digest(token.user.password)):
        return "password changed"
    return ""


_STATES = {
    "": gettext_lazy("active"),
    "revoked": gettext_lazy("revoked"),
    "password changed": gettext_lazy("ended: the password changed"),
    "user inactive": gettext_lazy("ended: the account is inactive"),
}


def state(token: ApiToken) -> str:
    """The token's state in words, for the page and the admin."""
    return str(_STATES[refusal(token)])


def authenticate(key: str, *, client: str = ""):
    """The user owning `key` if the token still answers, or None.

    Each refusal is logged with its reason and `client` (an address), never the key.
    """
    if not key or len(key) > 200:
        logger.warning("API token refused from %s: malformed key", client or "?")
        return None
    try:
        token = ApiToken.objects.select_related("user").get(key_hash=_hash(key))
    except ApiToken.DoesNotExist:
        logger.warning("API token refused from %s: unknown key", client or "?")
        return None
    reason = refusal(token)
    if reason:
        logger.warning("API token %s… of %s refused from %s: %s", token.prefix, token.user,
                       client or "?", reason)
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def for_user(user) -> QuerySet[ApiToken]:
    """Every token of `user` (revoked ones too, for the record), newest first."""
    return ApiToken.objects.filter(user=user).select_related("user")


def revoke(tokens: QuerySet[ApiToken]) -> int:
    """Revoke the tokens in `tokens` not revoked yet; returns how many.  They answer
    401 from the next request on (the check reads the row every time)."""
    revoked = tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        logger.info("%d API tokens revoked", revoked)
    return revoked


def find(user, prefix: str) -> ApiToken:
    """`user`'s token whose key starts with `prefix` (as printed by `--list`).

    Raises LookupError with a message when none or several match.
    """
    prefix = (prefix or "").strip().rstrip("…")
    if len(prefix) < 4:
        raise LookupError(_("Give at least the first 4 characters of the token."))
    # compared here, not with __startswith: SQLite's LIKE ignores case, keys do not
    start = prefix[:PREFIX_LENGTH + 4]
    matches = [token for token in for_user(user) if token.prefix.startswith(start)]
    if len(prefix) > PREFIX_LENGTH + 4:  # a whole key: the hash decides
        matches = [token for token in matches if token.key_hash == _hash(prefix)]
    if not matches:
        raise LookupError(_("%(user)s has no token starting with %(prefix)s.")
                          % {"user": user, "prefix": start})
    if len(matches) > 1:
        raise LookupError(_("Several tokens start with %(prefix)s; give more characters.")
                          % {"prefix": prefix})
    return matches[0]


# -- Django's re-hash at login is not a password change ---------------------------------------
def _was_outdated(encoded: str) -> bool:
    """Whether Django's check_password would re-hash `encoded` (the rule in
    django.contrib.auth.hashers.check_password)."""
    try:
        hasher = identify_hasher(encoded)
    except ValueError:
        return False
    preferred = get_hasher("default")
    return hasher.algorithm != preferred.algorithm or preferred.must_update(encoded)


def connect_signals() -> None:
    """Follow Django's re-hash of a password at login (called once, by the app's ready())."""
    pre_save.connect(_note_rehash, sender=settings.AUTH_USER_MODEL,
                     dispatch_uid="api-tokens-rehash-note")
    post_save.connect(_follow_rehash, sender=settings.AUTH_USER_MODEL,
                      dispatch_uid="api-tokens-rehash-follow")


def _note_rehash(sender, instance, update_fields=None, **kwargs):
    """Django re-hashes with `_password = None` and `update_fields=["password"]`; every
    real change goes through set_password (which sets `_password`) or is caught by
    the digest.  Note the old hash only when it was one Django would upgrade."""
    if (instance.pk is None or update_fields is None or set(update_fields) != {"password"}
            or getattr(instance, "_password", None) is not None):
        return
    old = (sender._default_manager.filter(pk=instance.pk)
           .values_list("password", flat=True).first())
    if old and old != instance.password and _was_outdated(old):
        instance._api_tokens_rehashed_from = old


def _follow_rehash(sender, instance, **kwargs):
    old = instance.__dict__.pop("_api_tokens_rehashed_from", None)
    if old:
        ApiToken.objects.filter(user_id=instance.pk, password_digest=password_digest(old)).update(
            password_digest=password_digest(instance.password))
