"""An MCP server (the official `mcp` SDK) so that an AI assistant can make decks.

Tools: list designs, check an outline, create a deck from an outline or a brief
in a chosen design, follow it, read its lint report, get its download link and
its slide pictures.  Resources: the outline syntax guide (English, Japanese) and
the DeckSpec JSON schema.  Every tool acts as one user, named by an API token:
`manage.py mcp` (stdio) reads it from BCGSLIDES_API_TOKEN once; over streamable
HTTP each request sends `Authorization: Token <key>` (or Bearer), checked by
the same `tokens.authenticate` as the JSON API.  A refused outline comes back as
a tool error with the same places (lines) as the editor and the API.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import json
import logging
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections
from django.urls import reverse
from mcp.server.mcpserver import Image, MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from generator import files
from generator.api import tokens
from generator.api.problems import CONTENT_TYPE, problem_body
from generator.api.security import wait_before_next
from generator.decks import access, create
from generator.errors import GeneratorError, SpecError
from generator.models import DesignAsset, GeneratedPresentation
from generator.previews import deck_pictures
from generator.previews.soffice import picture_name
from generator.spec import DeckSpec, check_source_text

logger = logging.getLogger(__name__)
GUIDES = Path(settings.BASE_DIR) / "examples"
MAX_PICTURES = 10

current_user_id: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "bcgslides_mcp_user", default=None)
base_url: contextvars.ContextVar[str] = contextvars.ContextVar(
    "bcgslides_mcp_base_url", default="http://127.0.0.1:8000")


def user_for_token(key: str):
    """The user of an API key, or None: the JSON API's own check."""
    return tokens.authenticate(key or "", client="mcp")


def _user():
    from django.contrib.auth import get_user_model

    user_id = current_user_id.get()
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        raise ToolError("Not authenticated: give an API token (BCGSLIDES_API_TOKEN or the "
                        "Authorization header).")
    return user


def _django(tool):
    """Run a tool's ORM work on fresh connections, and turn our refusals into tool errors."""

    @functools.wraps(tool)
    def wrapper(*args, **kwargs):
        close_old_connections()
        try:
            return tool(*args, **kwargs)
        except SpecError as exc:
            places = "; ".join(f"{place}: {message}" for place, message in exc.problems[:20])
            raise ToolError(f"{exc}" if not places else f"The outline is not valid: {places}")
        except (GeneratorError, ValueError, LookupError) as exc:
            raise ToolError(str(exc)) from None
        finally:
            close_old_connections()

    return wrapper


def _link(name: str, *args) -> str:
    return base_url.get().rstrip("/") + reverse(name, args=args)


def _deck(row: GeneratedPresentation) -> dict:
    done = row.status == GeneratedPresentation.Status.DONE
    summary = (row.lint_report or {}).get("summary")
    return {"id": row.pk, "title": row.title, "status": row.status, "stage": row.stage,
            "progress": row.progress, "version": row.version, "slide_count": row.slide_count,
            "design": row.asset_id, "error": row.error or None,
            "lint_errors": row.lint_error_count if done else None, "lint_summary": summary,
            "page": _link("generator-deck", row.pk),
            "download_url": _link("generator-api-download", row.pk) if done else None}


def _visible(deck_id: int) -> GeneratedPresentation:
    try:
        return access.get_visible(_user(), deck_id)
    except GeneratedPresentation.DoesNotExist:
        raise ToolError(f"No deck {deck_id} (or not yours).") from None


# -- tools ------------------------------------------------------------------------------------
@_django
def list_designs() -> list[dict]:
    """The designs a deck can use: pass `id` as `design` to create_deck (omit it for the
    built-in design)."""
    _user()
    return [{"id": a.pk, "name": a.filename, "category": a.category,
             "slide_count": a.slide_count, "learned": a.learned_at is not None}
            for a in DesignAsset.objects.order_by("-created_at")[:200]]


@_django
def check_outline(outline: str) -> dict:
    """Check a Markdown outline as the editor does, without making anything: the slides it
    gives, or every problem with its line.  Read the outline syntax guide resource first."""
    _user()
    spec = create.check("markdown", outline, seconds=create.LIVE_CHECK_SECONDS).spec
    return {"ok": True, "title": spec.title, "slides": [s.kind for s in spec.slides]}


@_django
def create_deck(outline: str = "", brief: str = "", design: int | None = None) -> dict:
    """Create a deck from a Markdown outline (or, when an LLM is configured, a brief) in a
    design (an id from list_designs; omit for the built-in one).  The deck is queued: call
    follow_deck until its status is done."""
    user = _user()
    given = [kind for kind, value in (("outline", outline), ("brief", brief)) if value]
    if len(given) != 1:
        raise ToolError("Give exactly one of 'outline' or 'brief'.")
    asset = None
    if design is not None:
        asset = DesignAsset.objects.filter(pk=design).first()
        if asset is None:
            raise ToolError(f"No design {design}; see list_designs.")
    kind = given[0]
    check_source_text(outline or brief)  # a NUL would reach the database in a brief
    return _deck(create.create(owner=user, kind=kind, value=outline or brief, asset=asset))


@_django
def follow_deck(deck_id: int) -> dict:
    """A deck's status, progress and lint summary; `download_url` once it is done."""
    return _deck(_visible(deck_id))


@_django
def lint_deck(deck_id: int) -> dict:
    """The deck's lint report: text that does not fit, shapes off the slide, small fonts,
    contrast and overlaps, each with its slide."""
    row = _visible(deck_id)
    report = row.lint_report or {}
    return {"id": row.pk, "status": row.status, "summary": report.get("summary"),
            "issues": report.get("issues", [])[:200]}


@_django
def get_download_link(deck_id: int) -> dict:
    """The .pptx link of a finished deck; fetch it with `Authorization: Token <key>`."""
    row = _visible(deck_id)
    if row.status != GeneratedPresentation.Status.DONE:
        raise ToolError(f"Deck {deck_id} is not ready (status: {row.status}).")
    return {"id": row.pk, "download_url": _link("generator-api-download", row.pk),
            "header": "Authorization: Token <your key>"}


@_django
def get_slide_pictures(deck_id: int, first: int = 1, count: int = 3) -> list:
    """Pictures (PNG) of the deck's slides as rendered, `count` of them from slide `first`
    (at most 10 at once); empty until the pictures are rendered."""
    row = _visible(deck_id)
    if first < 1 or not 1 <= count <= MAX_PICTURES:
        raise ToolError(f"'first' starts at 1 and 'count' is 1..{MAX_PICTURES}.")
    available = len(deck_pictures.thumbnails(row))
    pictures = []
    for number in range(first, min(first + count, available + 1)):
        with files.open(picture_name(deck_pictures.prefix(row), number)) as handle:
            pictures.append(Image(data=handle.read(), format="png"))
    return pictures or [f"No pictures yet for deck {deck_id} (rendered after the deck)."]


TOOLS = (list_designs, check_outline, create_deck, follow_deck, lint_deck, get_download_link,
         get_slide_pictures)


def build() -> MCPServer:
    """The server with its tools and resources (transport-independent)."""
    server = MCPServer(name="bcgslides", instructions=(
        "Make consulting-style PowerPoint decks. Read the outline syntax guide, write an "
        "outline, check_outline it, create_deck (optionally in a design from list_designs), "
        "follow_deck until done, then lint_deck, get_slide_pictures and get_download_link."))
    for tool in TOOLS:
        server.tool()(tool)

    @server.resource("bcgslides://guides/outline-syntax.en.md", mime_type="text/markdown",
                     description="How to write an outline (English)")
    def outline_guide_en() -> str:
        return (GUIDES / "outline-syntax.en.md").read_text(encoding="utf-8")

    @server.resource("bcgslides://guides/outline-syntax.ja.md", mime_type="text/markdown",
                     description="アウトラインの書き方（日本語）")
    def outline_guide_ja() -> str:
        return (GUIDES / "outline-syntax.ja.md").read_text(encoding="utf-8")

    @server.resource("bcgslides://schema/deckspec.json", mime_type="application/schema+json",
                     description="The DeckSpec JSON schema (what an outline becomes)")
    def deckspec_schema() -> str:
        return json.dumps(DeckSpec.model_json_schema(), ensure_ascii=False, indent=1)

    return server


# -- streamable HTTP behind the API's token check ---------------------------------------------
class TokenGate:
    """ASGI middleware: every request needs a valid API token; the tools then act as its user."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        from asgiref.sync import sync_to_async

        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        header = headers.get("authorization", "")
        key = next((header[len(s):].strip() for s in ("Token ", "Bearer ")
                    if header.startswith(s)), "")
        user = await sync_to_async(_authenticate_closing)(key) if key else None
        if user is None:
            return await _refuse(send, 401, "Send a valid API token: Authorization: Token <key>.")
        wait = await sync_to_async(_rate_limited)(key)
        if wait is not None:
            return await _refuse(send, 429, "Too many requests with this token; wait and retry "
                                            "(see Retry-After).", {b"retry-after": str(wait)})
        host = headers.get("host", "127.0.0.1")
        user_token = current_user_id.set(user.pk)
        url_token = base_url.set(f"{scope.get('scheme', 'http')}://{host}")
        try:
            await self.app(scope, receive, send)
        finally:
            current_user_id.reset(user_token)
            base_url.reset(url_token)


def _authenticate_closing(key: str):
    close_old_connections()
    try:
        return user_for_token(key)
    finally:
        close_old_connections()


def _rate_limited(key: str) -> int | None:
    """The JSON API's per-token budget (API_RATE_LIMIT), shared through Django's cache."""
    return wait_before_next(hashlib.sha256(key.encode("utf-8")).hexdigest())


async def _refuse(send, status: int, detail: str, extra: dict | None = None) -> None:
    body = json.dumps(problem_body(status, detail)).encode("utf-8")
    headers = {b"content-type": CONTENT_TYPE, b"content-length": str(len(body))}
    if status == 401:
        headers[b"www-authenticate"] = 'Token realm="mcp"'
    headers.update(extra or {})
    await send({"type": "http.response.start", "status": status,
                "headers": [(name, value.encode("latin-1")) for name, value in headers.items()]})
    await send({"type": "http.response.body", "body": body})


def http_app(server: MCPServer | None = None, *, host: str = "127.0.0.1"):
    """The streamable HTTP app at /mcp (stateless, JSON answers), behind `TokenGate`."""
    server = server or build()
    return TokenGate(server.streamable_http_app(streamable_http_path="/mcp", stateless_http=True,
                                                json_response=True, host=host))
