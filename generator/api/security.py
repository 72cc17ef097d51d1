"""Who is calling, and how often: token or session authentication and per-token limits.

`Authorization: Token <key>` (or `Bearer <key>`, which assistants send) is for
scripts and needs no CSRF token, since no cookie is involved.  A logged-in
session (the pages' own scripts) must pass Django's CSRF check on every unsafe
method.  Each token has its own request budget (`API_RATE_LIMIT`, e.g.
"120/min"), kept in Django's cache so every web process shares it.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, APIKeyHeader
from ninja.throttling import SimpleRateThrottle

from generator.web import clientip

from generator.api import tokens

SCHEMES = ("Token ", "Bearer ")


def token_key(request: HttpRequest) -> str | None:
    """The key in the Authorization header, or None when the header holds none."""
    header = request.headers.get("Authorization", "")
    for scheme in SCHEMES:
        if header.startswith(scheme):
            return header[len(scheme):].strip()
    return None


def user_for_key(key: str, request: HttpRequest | None = None):
    """The active user owning `key`, or None (the refusal is logged by `tokens`)."""
    return tokens.authenticate(key, client=clientip.address(request) if request else "")


class TokenAuth(APIKeyHeader):
    """`Authorization: Token <key>`; a wrong key is a 401, never a fall-back to the session."""

    param_name = "Authorization"

    def authenticate(self, request: HttpRequest, key: str | None):
        key = token_key(request)
        if key is None:
            return None
        user = user_for_key(key, request)
        if user is None:
            raise AuthenticationError(401, _("Invalid API token."))
        request.user = user
        request.api_token_hash = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in user of the pages, with Django's CSRF check on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, with Django's own middleware

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            check = CsrfViewMiddleware(lambda req: None)
            if check.process_view(request, None, (), {}) is not None:
                raise HttpError(403, _("CSRF check failed; reload the page."))
        return user


def not_logged_in() -> AuthenticationError:
    return AuthenticationError(401, _("Log in or send an API token."))


class TokenRateThrottle(SimpleRateThrottle):
    """At most `API_RATE_LIMIT` requests per token (sessions are not limited here: a
    person at a page is limited by the login lockout and their own hands)."""

    def __init__(self) -> None:
        super().__init__(rate="1/s")  # replaced on every request by the setting

    def get_cache_key(self, request: HttpRequest) -> str | None:
        digest = getattr(request, "api_token_hash", None)
        return f"api-rate:{digest[:32]}" if digest else None

    def allow_request(self, request: HttpRequest) -> bool:
        rate = getattr(settings, "API_RATE_LIMIT", "") or None
        if rate is None:
            return True
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)


def wait_before_next(digest: str) -> int | None:
    """Seconds the token with SHA-256 `digest` must wait (None: go ahead), counting this
    request: the same budget for callers outside ninja (the MCP server over HTTP)."""
    import math
    from types import SimpleNamespace

    throttle = TokenRateThrottle()
    if throttle.allow_request(SimpleNamespace(api_token_hash=digest)):
        return None
    return max(1, math.ceil(throttle.wait() or 1))
