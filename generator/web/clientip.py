"""The client's address, for login lockouts and refusal logs.

Behind TRUSTED_PROXY_COUNT proxies (0 by default: none), each proxy appends the
address it received from to X-Forwarded-For, so the client is the entry the outermost
trusted proxy wrote: the N-th from the right.  Entries left of it are whatever the
client sent and are never believed.  Without trusted proxies, or when the header is
short or junk, the socket's REMOTE_ADDR is the answer.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def address(request) -> str:
    """AXES_CLIENT_IP_CALLABLE, and the address in the API's refusal logs."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    entries = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [part for part in entries if part]
    if len(entries) < count:
        return remote
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
