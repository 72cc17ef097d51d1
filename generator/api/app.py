"""The API's routes (django-ninja): thin callers of the generator's own functions.

Every error answers an RFC 9457 problem (`generator.api.problems`), whoever raised
it: a refused body, a spec that does not validate (with every problem's place),
a missing deck, a rate limit (with `Retry-After`).
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
from urllib.parse import urlencode

from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Header, NinjaAPI, Path, Query, Router, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.parser import Parser

from generator import files
from generator.api import deck_json, idempotency, schemas, tokens
from generator.api.problems import CONTENT_TYPE, Problem, problem_items, problem_response
from generator.api.security import SessionAuth, TokenAuth, TokenRateThrottle, not_logged_in
from generator.decks import access, create, lifecycle
from generator.decks.removal import DeckInProgress, delete_deck
from generator.errors import (GeneratorError, InvalidDeckFile, LLMNotConfigured,
                              SharedFilesError, SpecError, shown_place)
from generator.llm import reply_cache
from generator.material import intake
from generator.models import DesignAsset, GeneratedPresentation
from generator.previews import deck_pictures
from generator.previews.soffice import picture_name
from generator.spec import source_text_problem
from generator.web import downloads
from operations import views as operations_views

logger = logging.getLogger(__name__)

MAX_ID = 2**63 - 1  # what a database id can be; larger ones are simply absent
DeckId = Path(..., ge=1, le=MAX_ID, description="deck id")


class ApiProblem(Exception):
    """Raised by a route to answer a problem: `status`, `detail`, a `kind` slug, extras."""

    def __init__(self, status: int, detail: str, *, kind: str = "", headers=None, **extras):
        super().__init__(detail)
        self.status, self.detail, self.kind = status, detail, kind
        self.headers = headers or {}
        self.extras = extras


def errors(*codes: int) -> dict[int, type[Problem]]:
    """The problem responses a route documents (401 and 429 come with authentication)."""
    return {code: Problem for code in codes}


AUTHENTICATED = (401, 403, 429)


# -- the API object ---------------------------------------------------------------------------
class JsonObjectParser(Parser):
    """JSON objects only, with the first API's messages (wrong type, bad JSON, too deep)."""

    def parse_body(self, request: HttpRequest):
        return deck_json.json_body(request)


class SchemaDocs(Swagger):
    """Swagger UI from the app's own static files, reading /api/schema."""

    def get_openapi_url(self, api, path_params) -> str:
        return reverse("openapi-json")


class DeckApi(NinjaAPI):
    """A NinjaAPI mounted without a URL namespace (the routes keep their old names), whose
    error responses are documented as problem+json."""

    def get_root_path(self, path_params) -> str:
        return "/api/"

    def get_openapi_operation_id(self, operation) -> str:
        """The view's own name ("create_presentation"): what a generated client calls."""
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operation in (op for item in schema["paths"].values() for op in item.values()):
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                media = content.get("application/json", {})
                if int(status) >= 400 and media.get("schema", {}).get("$ref", "").endswith(
                        "/Problem"):
                    response["content"] = {CONTENT_TYPE: media}
        return schema


api = DeckApi(
    title="bcgslides API",
    version="1",
    description=(
        "Create decks from a Markdown outline, a DeckSpec or a brief; follow, download, "
        "delete and list them; list designs; manage your API tokens.  Send "
        "`Authorization: Token <key>` (a key from the Tokens page or POST /api/tokens).  "
        "Every error is an RFC 9457 problem (application/problem+json)."),
    openapi_url="/schema",
    docs=SchemaDocs(),
    docs_url="/docs",
    auth=[TokenAuth(), SessionAuth()],
    throttle=[TokenRateThrottle()],
    parser=JsonObjectParser(),
)


def urls():
    """The routes, to include under "api/" with their own names (no namespace)."""
    return api._get_urls()


# -- one error shape --------------------------------------------------------------------------
def _answer(status: int, detail: str, headers=None, **kwargs) -> HttpResponse:
    response = problem_response(status, detail, **kwargs)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(ApiProblem)
def _api_problem(request, exc: ApiProblem):
    return _answer(exc.status, exc.detail, exc.headers, kind=exc.kind, **exc.extras)


@api.exception_handler(SpecError)
def _spec_error(request, exc: SpecError):
    return _answer(400, str(exc), kind="invalid-spec", problems=problem_items(exc.problems))


def _place(loc) -> str:
    parts = [str(part) for part in loc]
    if parts[:1] == ["body"]:
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    return ".".join(parts) or "body"


def _reason(error: dict) -> str:
    message = str(error.get("msg", ""))
    return message[len("Value error, "):] if message.startswith("Value error, ") else message


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    pairs = [(_place(error.get("loc", ())), _reason(error)) for error in exc.errors]
    detail = "; ".join(f"{place}: {message}" if place != "body" else message
                       for place, message in pairs[:5]) or _("The request is not valid.")
    return _answer(400, detail, kind="invalid-request", problems=problem_items(pairs))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    status, detail, headers, kind = exc.status_code, str(exc), {}, ""
    if isinstance(exc.__cause__, ValueError):  # the parser's own words
        detail = str(exc.__cause__)
    if isinstance(exc, AuthenticationError):
        if detail == "Unauthorized":
            detail = str(not_logged_in())
        headers["WWW-Authenticate"] = 'Token realm="api"'
    if status == 429:
        kind, detail = "rate-limited", _("Too many requests with this token; wait and retry "
                                         "(see Retry-After).")
    return _answer(status, detail, headers, kind=kind)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _answer(404, _("No such API endpoint or object."))


@api.exception_handler(SharedFilesError)
def _files_down(request, exc):
    logger.error("shared files unavailable for %s: %s", request.path, exc)
    return _answer(503, _("The file store is not available; try again later."),
                   {"Retry-After": "30"})


@api.exception_handler(Exception)
def _crash(request, exc):
    logger.exception("API request %s %s failed", request.method, request.path)
    return _answer(500, _("The server failed to answer; try again later."))


# -- decks ------------------------------------------------------------------------------------
decks_router = Router(tags=["decks"])


def _visible(request, pk: int) -> GeneratedPresentation:
    try:
        return access.get_visible(request.user, pk)
    except GeneratedPresentation.DoesNotExist:
        raise ApiProblem(404, _("No such presentation.")) from None


def _page_link(request, offset: int | None) -> str | None:
    if offset is None:
        return None
    query = request.GET.copy()
    query["offset"] = str(offset)
    return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")


@decks_router.get("/presentations", response={200: schemas.DeckList, **errors(400, *AUTHENTICATED)},
                  url_name="generator-api-presentations", summary="List your decks")
def list_presentations(
    request,
    status: schemas.Status | None = Query(None, description="only decks in this state"),
    q: str | None = Query(None, max_length=200, description="words in the title"),
    asset: int | None = Query(None, ge=1, le=MAX_ID, description="only decks in this design"),
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    if q and source_text_problem(q):
        raise ApiProblem(400, _("'q' holds a control character."), kind="invalid-request")
    rows = lifecycle.for_owner(request.user)
    if status:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(title__icontains=q)
    if asset:
        rows = rows.filter(asset_id=asset)
    count = rows.count()
    page = list(rows[offset:offset + limit])
    return {
        "count": count,
        "next": _page_link(request, offset + limit if offset + limit < count else None),
        "previous": _page_link(request, max(offset - limit, 0) if offset else None),
        "results": [deck_json.presentation_json(request, row) for row in page],
    }


@decks_router.post(
    "/presentations",
    response={202: schemas.DeckOut, 200: schemas.DeckOut, **errors(400, 404, 409, 413, 422,
                                                                   *AUTHENTICATED)},
    summary="Create a deck from an outline, a spec or a brief",
    description="Queued at once (202); follow `url` or GET /api/presentations/{id} until "
                "`status` is done, then download.  With an `Idempotency-Key` header a retry "
                "returns the same deck (200); the same key with another body is a 422.")
def create_presentation(
    request,
    payload: schemas.CreateDeck,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", min_length=1,
                                         max_length=idempotency.MAX_KEY_LENGTH),
):
    data = deck_json.json_body(request)
    claim = idempotency.claim(request.user, idempotency_key, data) if idempotency_key else None
    if claim is not None:
        replay = _replay(request, claim)
        if replay is not None:
            return replay
    try:
        row = _create(request, payload, data)
    except BaseException:
        if claim is not None:
            idempotency.release(claim)
        raise
    if claim is not None:
        idempotency.record(claim, row.pk)
    return Status(202, deck_json.presentation_json(request, row))


def _replay(request, claim: idempotency.Claim):
    if claim.conflict == "other-body":
        raise ApiProblem(422, _("This Idempotency-Key was used with another request body."),
                         kind="idempotency-key-reused")
    if claim.conflict == "in-progress":
        raise ApiProblem(409, _("A request with this Idempotency-Key is still being answered; "
                                "retry in a moment."), kind="idempotency-in-progress",
                         headers={"Retry-After": "1"})
    try:
        row = access.get_visible(request.user, claim.deck_id)
    except GeneratedPresentation.DoesNotExist:  # deleted since: the key starts afresh
        idempotency.release(claim)
        return None
    response = HttpResponse(status=200, content_type=api.renderer.media_type)
    response["Idempotent-Replayed"] = "true"
    return api.create_response(request, deck_json.presentation_json(request, row), status=200,
                               temporal_response=response)


def _create(request, payload: schemas.CreateDeck, data: dict) -> GeneratedPresentation:
    """The body's one input, handed to the create service; its refusals as problems."""
    try:
        asset = deck_json.design_named(data)
    except LookupError as exc:
        raise ApiProblem(404, str(exc), kind="no-such-design") from None
    kind = payload.sources()[0]
    if payload.pptx:
        source = io.BytesIO(_decoded(payload.pptx.content_base64))
        try:
            return create.from_pptx(source, owner=request.user, filename=payload.pptx.name,
                                    asset=asset).row
        except InvalidDeckFile as exc:
            raise ApiProblem(400, str(exc), kind="invalid-pptx") from None
    try:
        return create.create(owner=request.user, kind=kind, value=data[kind], asset=asset,
                             files=_source_files(payload))
    except SpecError as exc:
        raise ApiProblem(400, str(exc), kind=f"invalid-{kind}",
                         problems=problem_items(exc.problems)) from None
    except (GeneratorError, ValueError) as exc:
        if payload.source_files:  # a brief with its material: refused naming the file
            raise ApiProblem(400, str(exc), kind="invalid-source") from None
        if isinstance(exc, (ValueError, LLMNotConfigured)):
            raise ApiProblem(400, str(exc), kind="invalid-request") from None
        raise


def _decoded(content_base64: str) -> bytes:
    try:
        return base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ApiProblem(400, _("'content_base64' is not valid base64"),
                         kind="invalid-pptx") from None


def _source_files(payload: schemas.CreateDeck) -> list[tuple[str, bytes]]:
    """A brief's source files, decoded; one that is not base64 is refused by its name."""
    decoded = []
    for source in payload.source_files or []:
        try:
            decoded.append((source.name, base64.b64decode(source.content_base64, validate=True)))
        except (binascii.Error, ValueError):
            raise intake.refuse(source.name, _("'content_base64' is not valid base64")) from None
    return decoded


@decks_router.get("/presentations/{pk}", response={200: schemas.DeckOut,
                                                   **errors(400, 404, *AUTHENTICATED)},
                  url_name="generator-api-presentation", summary="Follow a deck")
def get_presentation(request, pk: int = DeckId):
    return deck_json.presentation_json(request, _visible(request, pk))


@decks_router.delete("/presentations/{pk}", response={200: schemas.DeletedOut,
                                                      **errors(400, 404, 409, *AUTHENTICATED)},
                     summary="Delete a deck, its later versions, files and pictures")
def delete_presentation(request, pk: int = DeckId):
    row = _visible(request, pk)
    if row.owner_id != request.user.pk:
        raise ApiProblem(403, _("Only the deck's owner can delete it."))
    try:
        removed = delete_deck(row)
    except DeckInProgress as exc:
        raise ApiProblem(409, str(exc), kind="deck-busy", headers={"Retry-After": "10"}) from None
    return {"deleted": removed}


@decks_router.get(
    "/presentations/{pk}/download", response={200: None, **errors(400, 404, 409, 503,
                                                                  *AUTHENTICATED)},
    url_name="generator-api-download", summary="Download the .pptx",
    openapi_extra={"responses": {"200": {"description": "the deck", "content": {
        downloads.PPTX: {"schema": {"type": "string", "format": "binary"}}}}}})
def download_presentation(request, pk: int = DeckId):
    row = _visible(request, pk)
    if row.status != GeneratedPresentation.Status.DONE:
        raise ApiProblem(409, _("The deck is not ready (status: %(status)s).")
                         % {"status": row.status}, kind="not-ready")
    try:
        return downloads.deck_file_response(row)
    except FileNotFoundError:
        raise ApiProblem(404, _("The deck's file is missing.")) from None


@decks_router.get(
    "/presentations/{pk}/outline", response={200: None, **errors(400, 404, 409,
                                                                 *AUTHENTICATED)},
    url_name="generator-api-outline", summary="Download the Markdown outline",
    description="The outline that generates the deck again (also for a restyled deck), to "
                "edit it as text.",
    openapi_extra={"responses": {"200": {"description": "the outline", "content": {
        "text/markdown": {"schema": {"type": "string"}}}}}})
def download_outline(request, pk: int = DeckId):
    row = _visible(request, pk)
    try:
        return downloads.outline_response(row)
    except LookupError:
        raise ApiProblem(409, _("The deck has no outline yet (status: %(status)s).")
                         % {"status": row.status}, kind="not-ready") from None


@decks_router.get("/presentations/{pk}/slides", response={200: schemas.SlidePictures,
                                                          **errors(400, 404, *AUTHENTICATED)},
                  summary="Links to the deck's slide pictures (once rendered)")
def slide_pictures(request, pk: int = DeckId):
    row = _visible(request, pk)
    count = len(deck_pictures.thumbnails(row))
    return {"id": row.pk,
            "slides": [request.build_absolute_uri(reverse("generator-api-slide",
                                                          args=[row.pk, n]))
                       for n in range(1, count + 1)],
            "pdf": None}


@decks_router.get(
    "/presentations/{pk}/slides/{number}.png",
    response={200: None, **errors(400, 404, 503, *AUTHENTICATED)},
    url_name="generator-api-slide", summary="One slide's picture (PNG)",
    openapi_extra={"responses": {"200": {"description": "the picture", "content": {
        "image/png": {"schema": {"type": "string", "format": "binary"}}}}}})
def slide_picture(request, pk: int = DeckId, number: int = Path(..., ge=1, le=10_000)):
    row = _visible(request, pk)
    try:
        return FileResponse(files.open(picture_name(deck_pictures.prefix(row), number)),
                            content_type="image/png")
    except FileNotFoundError:
        raise ApiProblem(404, _("No such slide picture (yet).")) from None


# -- outline check ----------------------------------------------------------------------------
outline_router = Router(tags=["outline"])


@outline_router.post("/outline/validate", response={200: schemas.ValidateOut,
                                                    **errors(400, 404, *AUTHENTICATED)},
                     url_name="generator-api-validate",
                     summary="Check an outline or spec: problems by line, nothing stored")
def validate_outline(request, payload: schemas.ValidateIn):
    """What the deck's submit refuses, refused here with the same words: the text read
    and fitted in the design (`create.check`), within a live check's time."""
    try:
        asset = deck_json.design_named({"asset": payload.asset})
    except LookupError as exc:
        raise ApiProblem(404, str(exc), kind="no-such-design") from None
    try:
        checked = create.check(payload.format, payload.source, asset,
                               seconds=create.LIVE_CHECK_SECONDS)
    except SpecError as exc:  # each problem's place in the request's language, its line kept
        problems = [{**item, "place": shown_place(item["place"])}
                    for item in problem_items(exc.problems)]
        return {"ok": False, "error": str(exc), "problems": problems}
    spec, count = checked.spec, len(checked.spec.slides)
    kinds = [slide.kind for slide in spec.slides]
    if checked.complete:
        message = ngettext("✓ %(count)d slide", "✓ %(count)d slides", count) % {"count": count}
    else:
        message = _("✓ %(count)d slides; the first %(fitted)d fitted so far (the rest are "
                    "fitted when you generate)") % {"count": count, "fitted": checked.fitted}
    return {"ok": True, "slides": count, "kinds": kinds, "title": spec.title,
            "fitted": checked.fitted, "message": message}


# -- designs ----------------------------------------------------------------------------------
designs_router = Router(tags=["designs"])


@designs_router.get("/designs", response={200: schemas.DesignList, **errors(*AUTHENTICATED)},
                    summary="The designs a deck can use")
def list_designs(request):
    assets = DesignAsset.objects.annotate(pattern_count=Count("patterns")).order_by("-created_at")
    return {"default": _("the built-in design (omit 'asset')"),
            "results": [{"id": a.pk, "filename": a.filename, "category": a.category,
                         "slide_count": a.slide_count, "patterns": a.pattern_count,
                         "learned_at": a.learned_at, "created_at": a.created_at}
                        for a in assets]}


# -- tokens -----------------------------------------------------------------------------------
tokens_router = Router(tags=["tokens"])


def _token_json(token) -> dict:
    reason = tokens.refusal(token)
    return {"id": token.pk, "name": token.name, "prefix": token.prefix,
            "state": tokens.state(token), "active": not reason,
            "created_at": token.created_at, "last_used_at": token.last_used_at,
            "revoked_at": token.revoked_at}


@tokens_router.get("/tokens", response={200: schemas.TokenList, **errors(*AUTHENTICATED)},
                   summary="Your API tokens (revoked ones too)")
def list_tokens(request):
    return {"results": [_token_json(token) for token in tokens.for_user(request.user)[:200]]}


@tokens_router.post("/tokens", response={201: schemas.TokenCreated,
                                         **errors(400, *AUTHENTICATED)},
                    summary="Create a token (its key is shown once)")
def create_token(request, payload: schemas.TokenIn):
    try:
        token, key = tokens.create(user=request.user, name=payload.name)
    except ValueError as exc:
        raise ApiProblem(400, str(exc)) from None
    return Status(201, {**_token_json(token), "key": key})


@tokens_router.delete("/tokens/{token_id}", response={200: schemas.TokenOut,
                                                      **errors(400, 404, *AUTHENTICATED)},
                      summary="Revoke one of your tokens")
def revoke_token(request, token_id: int = Path(..., ge=1, le=MAX_ID)):
    mine = tokens.for_user(request.user).filter(pk=token_id)
    if not mine.exists():
        raise ApiProblem(404, _("No such token."))
    tokens.revoke(mine)
    return _token_json(mine.get())


# -- operations (open, like /api/health: the monitor polls them) ------------------------------
operations_router = Router(tags=["operations"], auth=None, throttle=[])


@operations_router.get("/cache/stats", response={200: schemas.CacheStats},
                       url_name="generator-cache-stats", summary="LLM cache statistics")
def cache_stats(request):
    return reply_cache.stats()


@operations_router.get("/health", response={200: schemas.OpenObject, 503: schemas.OpenObject},
                       url_name="api-schema-health",
                       summary="Every health check (200 healthy or warning, 503 otherwise)")
def health(request):
    """Served by `operations.views.health_view` (routed first); listed here for the document."""
    return operations_views.health_view(request)


@operations_router.get("/health/live", response={200: schemas.OpenObject,
                                                 503: schemas.OpenObject},
                       url_name="api-schema-health-live", summary="Liveness of this process")
def health_live(request):
    return operations_views.liveness_view(request)


@operations_router.get("/tasks/stats", response={200: schemas.OpenObject},
                       url_name="api-schema-tasks-stats", summary="Task queue statistics")
def tasks_stats(request):
    return operations_views.tasks_stats(request)


for router in (decks_router, outline_router, designs_router, tokens_router, operations_router):
    api.add_router("/", router)
