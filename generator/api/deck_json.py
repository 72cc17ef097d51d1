"""What the JSON API, the pages and the MCP server share about one deck: its JSON, the
request body, queueing a deck from any input, and its file as a download.

The endpoints themselves (auth, throttling, the OpenAPI document, RFC 9457 errors)
are in `generator.api`.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from generator.web import deck_page

from generator.decks import lifecycle

from generator import files
from generator.sources import spec_from_source
from generator.models import DesignAsset, GeneratedPresentation
from generator.spec import load_spec


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


def _body(request) -> dict:
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


def _asset(data: dict) -> DesignAsset | None:
    asset_id = data.get("asset")
    if asset_id in (None, ""):
        return None
    if not isinstance(asset_id, int):
        raise ValueError(_("'asset' must be a design asset id."))
    try:
        return DesignAsset.objects.get(pk=asset_id)
    except DesignAsset.DoesNotExist:
        raise LookupError(_("Design asset %(id)s does not exist.") % {"id": asset_id}) from None


def _queue(user, kind: str, value, asset):
    if kind == "brief":
        if not isinstance(value, str) or len(value) > 20000:
            raise ValueError(_("'brief' must be text of at most 20,000 characters."))
        if not settings.OPENAI_API_KEY:
            raise ValueError(_("No LLM is configured (OPENAI_API_KEY is not set); send an "
                               "outline or a spec instead."))
        return lifecycle.queue_brief(owner=user, brief=value, asset=asset)
    if kind == "outline":
        if not isinstance(value, str) or len(value.encode("utf-8")) > settings.MAX_SOURCE_BYTES:
            raise ValueError(_("'outline' must be Markdown text within the size limit."))
        spec = spec_from_source("markdown", value)
        return lifecycle.queue_deck(owner=user, spec=spec, source_kind="markdown", source_text=value,
                                asset=asset)
    spec = load_spec(value)
    text = json.dumps(value, ensure_ascii=False)
    return lifecycle.queue_deck(owner=user, spec=spec, source_kind="spec", source_text=text,
                            asset=asset)


def deck_file_response(row: GeneratedPresentation) -> FileResponse:
    """The .pptx, streamed from the shared files as an attachment named after the title and
    version (`download_names`).  Raises `FileNotFoundError` or `SharedFilesError`."""
    from generator.web.download_names import attachment_header, deck_file_name

    response = FileResponse(files.open(row.file),
                            content_type="application/vnd.openxmlformats-officedocument."
                                         "presentationml.presentation")
    response["Content-Disposition"] = attachment_header(
        deck_file_name(row.title, row.version, "pptx"))
    return response
