"""The JSON API: create, follow and download decks.

Session auth (with CSRF, for the pages' own scripts) or `Authorization: Token
<key>` (for scripts; no CSRF, since no cookie is involved).  Errors are JSON
with a 4xx status and a `error` message (plus `problems` for validation).
"""

from __future__ import annotations

import functools
import json
import logging

from django.conf import settings
from django.http import FileResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import access, clientip, decks, files, tokens
from .errors import SharedFilesError, SpecError
from .forms import parse_source
from .models import DesignAsset, GeneratedPresentation
from .spec import load_spec

logger = logging.getLogger(__name__)


def error(status: int, message: str, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def _csrf_failure(request) -> JsonResponse | None:
    check = CsrfViewMiddleware(lambda req: None)
    response = check.process_view(request, None, (), {})
    return error(403, _("CSRF check failed; reload the page.")) if response else None


def api_view(methods: list[str]):
    """Authenticate (token or session+CSRF), restrict methods, answer errors as JSON."""

    def decorate(view):
        @csrf_exempt
        @require_http_methods(methods)
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            header = request.headers.get("Authorization", "")
            if header.startswith("Token "):
                user = tokens.authenticate(header[len("Token "):].strip(),
                                           client=clientip.address(request))
                if user is None:
                    return error(401, _("Invalid API token."))
                request.user = user
            elif not request.user.is_authenticated:
                return error(401, _("Log in or send an API token."))
            elif request.method not in ("GET", "HEAD") and (failure := _csrf_failure(request)):
                return failure
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _status_label(row: GeneratedPresentation) -> str:
    from django.utils.translation import ngettext

    if row.status == GeneratedPresentation.Status.DONE and row.lint_error_count:
        return ngettext("Done — %(count)d problem", "Done — %(count)d problems",
                        row.lint_error_count) % {"count": row.lint_error_count}
    return str(row.get_status_display())


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
        "status_label": _status_label(row),
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


@api_view(["GET", "POST"])
def presentations(request):
    if request.method == "GET":
        rows = decks.for_owner(request.user)[:100]
        return JsonResponse({"results": [presentation_json(request, row) for row in rows]},
                            json_dumps_params={"ensure_ascii": False})
    return _create(request)


def _create(request):
    try:
        data = _body(request)
        asset = _asset(data)
    except ValueError as exc:
        return error(400, str(exc))
    except LookupError as exc:
        return error(404, str(exc))
    given = [key for key in ("outline", "spec", "brief") if data.get(key)]
    if len(given) != 1:
        return error(400, _("Give exactly one of 'outline', 'spec' or 'brief'."))
    try:
        row = _queue(request.user, given[0], data[given[0]], asset)
    except SpecError as exc:
        problems = [{"place": place, "message": message} for place, message in exc.problems]
        return error(400, str(exc), problems=problems)
    except ValueError as exc:
        return error(400, str(exc))
    return JsonResponse(presentation_json(request, row), status=202,
                        json_dumps_params={"ensure_ascii": False})


def _queue(user, kind: str, value, asset):
    if kind == "brief":
        if not isinstance(value, str) or len(value) > 20000:
            raise ValueError(_("'brief' must be text of at most 20,000 characters."))
        if not settings.OPENAI_API_KEY:
            raise ValueError(_("No LLM is configured (OPENAI_API_KEY is not set); send an "
                               "outline or a spec instead."))
        return decks.queue_brief(owner=user, brief=value, asset=asset)
    if kind == "outline":
        if not isinstance(value, str) or len(value.encode("utf-8")) > settings.MAX_SOURCE_BYTES:
            raise ValueError(_("'outline' must be Markdown text within the size limit."))
        spec = parse_source("markdown", value)
        return decks.queue_deck(owner=user, spec=spec, source_kind="markdown", source_text=value,
                                asset=asset)
    spec = load_spec(value)
    text = json.dumps(value, ensure_ascii=False)
    return decks.queue_deck(owner=user, spec=spec, source_kind="spec", source_text=text,
                            asset=asset)


@api_view(["GET"])
def presentation(request, pk: int):
    try:
        row = access.get_visible(request.user, pk)
    except GeneratedPresentation.DoesNotExist:
        return error(404, _("No such presentation."))
    return JsonResponse(presentation_json(request, row), json_dumps_params={"ensure_ascii": False})


@api_view(["GET"])
def download(request, pk: int):
    try:
        row = access.get_visible(request.user, pk)
    except GeneratedPresentation.DoesNotExist:
        return error(404, _("No such presentation."))
    if row.status != GeneratedPresentation.Status.DONE:
        return error(409, _("The deck is not ready (status: %(status)s).") % {"status": row.status})
    try:
        return deck_file_response(row)
    except FileNotFoundError:
        return error(404, _("The deck's file is missing."))
    except SharedFilesError as exc:
        logger.error("deck %s could not be read: %s", pk, exc)
        return error(503, _("The file store is not available; try again later."))


def deck_file_response(row: GeneratedPresentation) -> FileResponse:
    """The .pptx, streamed from the shared files as an attachment named after the title and
    version (`download_names`).  Raises `FileNotFoundError` or `SharedFilesError`."""
    from .download_names import attachment_header, deck_file_name

    response = FileResponse(files.open(row.file),
                            content_type="application/vnd.openxmlformats-officedocument."
                                         "presentationml.presentation")
    response["Content-Disposition"] = attachment_header(
        deck_file_name(row.title, row.version, "pptx"))
    return response


@api_view(["POST"])
def validate_outline(request):
    """The editor's live check: problems by line before the user submits."""
    try:
        data = _body(request)
    except ValueError as exc:
        return error(400, str(exc))
    text = data.get("source", "")
    if not isinstance(text, str):
        return error(400, _("'source' must be text."))
    try:
        spec = parse_source(data.get("format", "markdown"), text)
    except SpecError as exc:
        problems = [{"place": place, "message": message} for place, message in exc.problems]
        return JsonResponse({"ok": False, "error": str(exc), "problems": problems},
                            json_dumps_params={"ensure_ascii": False})
    kinds = [slide.kind for slide in spec.slides]
    return JsonResponse({"ok": True, "slides": len(kinds), "kinds": kinds, "title": spec.title},
                        json_dumps_params={"ensure_ascii": False})


@require_http_methods(["GET"])
def cache_stats(request):
    """LLM cache statistics (hit rate, entries, size): an operations endpoint like /api/health.

    Open like the health endpoint, since the monitor polls it; it holds counts only.
    """
    from . import llm_cache

    return JsonResponse(llm_cache.stats())
