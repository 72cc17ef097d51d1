"""The JSON API's reading and writing of one deck: its JSON, the request body, and the
design a body names.

The endpoints themselves (auth, throttling, the OpenAPI document, RFC 9457 errors)
are in `generator.api.app`; creating the deck is `generator.decks.create`.
"""

from __future__ import annotations

import json

from django.urls import reverse
from django.utils.translation import gettext as _

from generator.models import DesignAsset, GeneratedPresentation
from generator.web import deck_page


def presentation_json(request, row: GeneratedPresentation) -> dict:
    """The API's view of one deck."""
    summary = (row.lint_report or {}).get("summary")
    done = row.status == GeneratedPresentation.Status.DONE
    return {
        "id": row.pk,
        "title": row.title,
        "status": row.status,
        # "done" with lint errors is never a plain "Done": the problems are counted here
        "problems": row.lint_error_count if done else None,
        "status_label": deck_page.status_label(row),
        "stage": row.stage,
        "progress": row.progress,
        "version": row.version,
        "slide_count": row.slide_count,
        "lint": {"summary": summary, "issues": (row.lint_report or {}).get("issues", [])[:200]}
        if summary else None,
        "error": row.error or None,
        "asset": row.asset_id,
        "created_at": row.created_at.isoformat(),
        "finished_at": row.finished_at.isoformat() if row.finished_at else None,
        "url": request.build_absolute_uri(reverse("generator-deck", args=[row.pk])),
        "download_url": request.build_absolute_uri(
            reverse("generator-api-download", args=[row.pk])) if done else None,
    }


def json_body(request) -> dict:
    """The request's body: a JSON object, or a `ValueError` that says what is wrong."""
    if request.content_type != "application/json":
        raise ValueError(_("Send JSON (Content-Type: application/json)."))
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(_("The body is not valid JSON: %(error)s") % {"error": exc}) from None
    except RecursionError:
        raise ValueError(_("The body is nested too deeply to read.")) from None
    if not isinstance(data, dict):
        raise ValueError(_("The body must be a JSON object."))
    return data


def design_named(data: dict) -> DesignAsset | None:
    """The design `data["asset"]` names (None for the built-in one); `ValueError` for a
    malformed id, `LookupError` for an unknown one."""
    asset_id = data.get("asset")
    if asset_id in (None, ""):
        return None
    if not isinstance(asset_id, int):
        raise ValueError(_("'asset' must be a design asset id."))
    try:
        return DesignAsset.objects.get(pk=asset_id)
    except DesignAsset.DoesNotExist:
        raise LookupError(_("Design asset %(id)s does not exist.") % {"id": asset_id}) from None
