"""The anonymous `/api/health` answered before Django's request cycle.

Load balancers and monitors ask for health many times a second and carry no
cookie.  Served by the Django view, each of those requests paid for the whole
middleware stack (sessions, locale, CSRF, authentication, messages, axes) to
read a snapshot file: at 50 clients the queue in front of the view, not the
checks, set the latency.  This WSGI wrapper answers exactly what the view
answers an anonymous caller (the statuses of the host's latest report, the
same headers) when it can do so from a fresh snapshot, and hands everything
else to Django unchanged: a cookie (a session: staff see details), an
Authorization header, a query string (`?fresh=1`), another method, a host
that is not allowed, or a snapshot that is missing or stale (the view
refreshes it, with Django's handling of database connections).
"""

from __future__ import annotations

import json
from email.utils import formatdate

from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.translation import trans_real

from operations import health, health_snapshot

PATH = "/api/health"
METHODS = ("GET", "HEAD")


class HealthAnswer:
    """WSGI middleware: `HealthAnswer(django_application)`."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        report = self._answerable(environ)
        if report is None:
            return self.application(environ, start_response)
        body = json.dumps(health.public_view(health_snapshot.aged(report)),
                          ensure_ascii=False).encode("utf-8")
        status = health.http_status(report["status"])
        start_response(f"{status} {'OK' if status == 200 else 'Service Unavailable'}",
                       headers(environ, len(body)))
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]

    @staticmethod
    def _answerable(environ) -> dict | None:
        if (environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") not in METHODS
                or environ.get("QUERY_STRING") or "HTTP_COOKIE" in environ
                or "HTTP_AUTHORIZATION" in environ or not _allowed_host(environ)):
            return None
        report = health_snapshot.latest()
        if report is None or not health_snapshot.fresh(report):
            return None
        return report


def headers(environ, length: int) -> list[tuple[str, str]]:
    """What Django's stack adds to the view's anonymous answer (never_cache, security,
    clickjacking, locale), so that a client cannot tell which of the two answered."""
    found = [
        ("Content-Type", "application/json"),
        ("Expires", formatdate(usegmt=True)),
        ("Cache-Control", "max-age=0, no-cache, no-store, must-revalidate, private"),
        ("X-Frame-Options", settings.X_FRAME_OPTIONS),
        ("Content-Length", str(length)),
        ("Vary", "Accept-Language, Cookie"),
        ("Content-Language", _language(environ.get("HTTP_ACCEPT_LANGUAGE", ""))),
    ]
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        found.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        found.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        found.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    if settings.SECURE_HSTS_SECONDS and _secure(environ):
        value = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            value += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            value += "; preload"
        found.append(("Strict-Transport-Security", value))
    return found


def _allowed_host(environ) -> bool:
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        host = environ["HTTP_X_FORWARDED_HOST"]
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, allowed)


def _secure(environ) -> bool:
    header = settings.SECURE_PROXY_SSL_HEADER
    if header:
        return environ.get(header[0], "").split(",")[0].strip() == header[1]
    return environ.get("wsgi.url_scheme") == "https"


def _language(accept: str) -> str:
    """The language LocaleMiddleware would choose for a request with no cookie."""
    for code, _quality in trans_real.parse_accept_lang_header(accept):
        if code == "*":
            break
        try:
            return trans_real.get_supported_language_variant(code)
        except LookupError:
            continue
    return trans_real.get_supported_language_variant(settings.LANGUAGE_CODE)
