"""One JSON-producing call to an OpenAI-compatible server, with cache, budget and accounting.

The official `openai` SDK does the HTTP, timeouts and retries (with backoff
on 429 and 5xx, honouring Retry-After).  Around it: a cache lookup (a hit
costs nothing and makes no request), a budget reservation under a lock, and
an `ApiUsage` row for every call that happened.  Structured outputs (a strict
JSON schema) are asked for first; a server that does not support them is
asked for plain JSON mode instead, and remembered.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from generator.llm import costs, reply_cache
from generator.errors import DraftingError, LLMNotConfigured

logger = logging.getLogger(__name__)
_NO_SCHEMA_KEY = "llm:no-json-schema:"


@dataclass
class Reply:
    """A parsed JSON answer and where it came from."""

    data: dict
    text: str
    cached: bool


def configured() -> bool:
    return bool(settings.OPENAI_API_KEY)


def require() -> None:
    """Raise `LLMNotConfigured` (saying plainly what to do) when there is no API key."""
    if not configured():
        raise LLMNotConfigured(_(
            "No LLM is configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible "
            "server) to draft from a brief, or write the deck as a Markdown outline."))


def client():
    """The SDK client (its own retries with backoff on 429/5xx and timeouts)."""
    require()
    from openai import OpenAI

    return OpenAI(api_key=settings.OPENAI_API_KEY, base_url=settings.OPENAI_BASE_URL,
                  timeout=settings.OPENAI_TIMEOUT, max_retries=settings.OPENAI_MAX_RETRIES)


def _response_format(name: str, schema: dict | None, structured: bool) -> dict:
    if schema is not None and structured:
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema,
                                                       "strict": True}}
    return {"type": "json_object"}


def _estimate(model: str, messages: list[dict], max_tokens: int) -> Decimal:
    prompt = sum(costs.estimate_tokens(str(m["content"])) for m in messages)
    return costs.cost_jpy(model, prompt=prompt, completion=max_tokens)


def call_json(messages: list[dict], *, name: str, schema: dict | None, purpose: str,
              presentation=None, user=None, max_tokens: int | None = None,
              use_cache: bool = True) -> Reply:
    """Ask for a JSON object; returns it parsed.

    Raises `LLMNotConfigured`, `BudgetExceeded` (before any request) or
    `DraftingError` (the server failed after retries, or answered non-JSON).
    """
    require()
    model = settings.OPENAI_MODEL
    key = reply_cache.key_for(model, messages, schema)
    if use_cache:
        hit = reply_cache.get(key)
        if hit is not None:
            return Reply(data=json.loads(hit), text=hit, cached=True)
    sdk = client()
    max_tokens = max_tokens or settings.OPENAI_MAX_OUTPUT_TOKENS
    reservation = costs.reserve(model, _estimate(model, messages, max_tokens))
    try:
        completion, duration_ms = _create(sdk, model, messages, name, schema, max_tokens)
    except Exception:
        costs.release(reservation)
        raise
    usage = completion.usage
    cached = getattr(getattr(usage, "prompt_tokens_details", None), "cached_tokens", 0) or 0
    costs.settle(reservation, model=model, prompt=usage.prompt_tokens if usage else 0,
                 completion=usage.completion_tokens if usage else 0, cached=cached,
                 duration_ms=duration_ms, purpose=purpose, presentation=presentation, user=user)
    text = _content(completion)
    data = _parse(text)
    if use_cache:
        reply_cache.put(key, model, text)
    return Reply(data=data, text=text, cached=False)


def _create(sdk, model: str, messages: list[dict], name: str, schema: dict | None,
            max_tokens: int):
    import openai

    structured = schema is not None and not cache.get(_NO_SCHEMA_KEY + str(settings.OPENAI_BASE_URL))
    started = time.monotonic()
    try:
        try:
            completion = sdk.chat.completions.create(
                model=model, messages=messages, max_tokens=max_tokens, temperature=0.2,
                response_format=_response_format(name, schema, structured))
        except openai.BadRequestError as exc:
            if not structured or "response_format" not in str(exc).lower() and "json_schema" not in str(exc).lower():
                raise
            # the server has no structured outputs: JSON mode, and remember that
            cache.set(_NO_SCHEMA_KEY + str(settings.OPENAI_BASE_URL), True, 24 * 3600)
            logger.info("the LLM server refused json_schema; using JSON mode")
            completion = sdk.chat.completions.create(
                model=model, messages=messages, max_tokens=max_tokens, temperature=0.2,
                response_format={"type": "json_object"})
    except openai.APITimeoutError:
        raise DraftingError(_("The LLM server did not answer within %(seconds)s seconds "
                              "(after retries).") % {"seconds": settings.OPENAI_TIMEOUT}) from None
    except openai.RateLimitError:
        raise DraftingError(_("The LLM server is rate-limiting us (HTTP 429) and retries did "
                              "not help; try again later.")) from None
    except openai.APIStatusError as exc:
        raise DraftingError(_("The LLM server answered HTTP %(status)s (after retries).")
                            % {"status": exc.status_code}) from None
    except openai.APIConnectionError:
        raise DraftingError(_("Cannot reach the LLM server at %(url)s.")
                            % {"url": settings.OPENAI_BASE_URL or "api.openai.com"}) from None
    return completion, int((time.monotonic() - started) * 1000)


def _content(completion) -> str:
    choice = completion.choices[0] if completion.choices else None
    message = choice.message if choice else None
    refusal = getattr(message, "refusal", None)
    if refusal:
        raise DraftingError(_("The model refused: %(reason)s") % {"reason": refusal})
    if message is None or not message.content:
        raise DraftingError(_("The LLM answered with no content."))
    return message.content


def _parse(text: str) -> dict:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DraftingError(_("The LLM answer is not JSON (%(error)s).") % {"error": exc}) from None
    if not isinstance(data, dict):
        raise DraftingError(_("The LLM answer is not a JSON object."))
    return data
