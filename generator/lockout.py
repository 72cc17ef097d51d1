"""The page django-axes answers once a user name and address are locked out.

A 429 with `Retry-After`, in the user's language, that says how long to wait; it
names neither the limit's internals nor whether the user name exists.
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
