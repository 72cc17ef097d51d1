"""Every error under /api/ answers JSON, whoever produced it.

The API's own views answer JSON errors, but Django answers some before or
around them with its HTML pages: an over-size body (`RequestDataTooBig`, a 400
page), an unknown path (404), a wrong method (405), a failed check (403), a
crash (500).  Scripts then got HTML they could not read.  This middleware
answers those as `{"error": message}` with the same status (413 for a body
over `DATA_UPLOAD_MAX_MEMORY_SIZE`), leaving JSON and successful responses alone.
"""

from __future__ import annotations

from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from generator.api.problems import problem_response

API_PREFIX = "/api/"


class ApiErrorsAsJson:
    """Place it first in MIDDLEWARE, so that it sees every other layer's answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        if _declared_too_big(request):
            return _too_big()
        return _as_json(self.get_response(request))

    def process_exception(self, request: HttpRequest, exception: Exception):
        if request.path_info.startswith(API_PREFIX) and isinstance(exception, RequestDataTooBig):
            return _too_big()
        return None


def _declared_too_big(request: HttpRequest) -> bool:
    """A body Django would refuse to read (multipart files are streamed, not counted)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None or request.content_type == "multipart/form-data":
        return False
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > limit
    except ValueError:
        return False


def _too_big() -> JsonResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _error(413, _("The request body is larger than %(limit)s bytes.")
                  % {"limit": f"{limit:,}"})


def _as_json(response: HttpResponse) -> HttpResponse:
    content_type = response.get("Content-Type", "")
    if response.status_code < 400 or content_type.startswith(("application/json",
                                                              "application/problem+json")):
        return response
    json_response = _error(response.status_code, _message(response))
    for header in ("Allow", "WWW-Authenticate", "Retry-After"):
        if header in response:
            json_response[header] = response[header]
    return json_response


def _message(response: HttpResponse) -> str:
    status = response.status_code
    if status == 404:
        return _("No such API endpoint or object.")
    if status == 405:
        return _("Method not allowed; use %(methods)s.") % {"methods": response.get("Allow", "")}
    if status == 403:
        return _("Forbidden.")
    if status == 400:
        return _("Bad request.")
    if status >= 500:
        return _("The server failed to answer; try again later.")
    try:
        return HTTPStatus(status).phrase + "."
    except ValueError:
        return _("The request failed.")


def _error(status: int, message: str) -> JsonResponse:
    """An RFC 9457 problem, the API's one error shape (`error` repeats `detail`)."""
    return problem_response(status, message)
