"""One error shape for the whole API: RFC 9457 problem details.

Every 4xx and 5xx under /api/ answers `application/problem+json` with `type`,
`title`, `status` and `detail`, plus our extras (`problems` with a place and,
for an outline, its line).  `error` repeats `detail`: scripts written against
the first API read that key, and keep working.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from django.http import JsonResponse
from pydantic import BaseModel, ConfigDict, Field

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "urn:bcgslides:problem:"
_LINE = re.compile(r"^line (\d+)")


class ProblemItem(BaseModel):
    """One thing wrong with the input: where, and what."""

    place: str = Field(description="e.g. 'slide 2 (message): title' or 'line 7'")
    message: str
    line: int | None = Field(default=None, description="1-based line of an outline, when known")


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="a URI naming the kind of problem")
    title: str
    status: int
    detail: str
    error: str = Field(description="the same text as `detail` (kept for older scripts)")
    problems: list[ProblemItem] | None = None


def problem_items(pairs) -> list[dict[str, Any]]:
    """`SpecError.problems` (place, message) pairs as `ProblemItem` dicts with a line number."""
    items = []
    for place, message in pairs:
        match = _LINE.match(str(place))
        items.append({"place": str(place), "message": str(message),
                      "line": int(match.group(1)) if match else None})
    return items


def problem_body(status: int, detail: str, *, kind: str = "", title: str = "",
                 **extras: Any) -> dict[str, Any]:
    """The problem document for `status`; `kind` names it (default: the status itself)."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    body = {"type": TYPE_BASE + (kind or str(status)), "title": title or phrase,
            "status": status, "detail": detail, "error": detail}
    body.update({key: value for key, value in extras.items() if value is not None})
    return body


def problem_response(status: int, detail: str, **kwargs: Any) -> JsonResponse:
    """A `JsonResponse` carrying `problem_body(...)` as application/problem+json."""
    return JsonResponse(problem_body(status, detail, **kwargs), status=status,
                        content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})
