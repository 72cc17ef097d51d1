"""How django-axes speaks: the lockout page, and the client in its log lines.

The page is a 429 with `Retry-After`, in the user's language, that says how long to
wait; it does not say whether the user name exists.  Log lines quote what the
client typed (repr), so a user name with a line break cannot forge a log line.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the lockout page (both the login page and the admin's)."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT,
               "minutes": max(1, math.ceil(seconds / 60))}
    response = render(request, "generator/lockout.html", context,
                      status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = str(seconds)
    return response


def client_description(username, ip_address, user_agent, path_info, request) -> str:
    """AXES_CLIENT_STR_CALLABLE: who failed, for the app log (never the password)."""
    if isinstance(path_info, (tuple, list)):
        path_info = path_info[0] if path_info else ""
    return (f"user={str(username or '')[:150]!r} address={str(ip_address or '')[:64]!r} "
            f"path={str(path_info or '')[:200]!r} agent={str(user_agent or '')[:200]!r}")
