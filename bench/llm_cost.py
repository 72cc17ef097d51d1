"""Calls, tokens and JPY to draft a 15-slide deck from a one-paragraph brief.

Run:  .venv/bin/python bench/llm_cost.py
Both patterns run through the real drafting code path and the real openai SDK
against the local OpenAI-protocol server (tests/fakeopenai.py), which reports
token usage from the real request and reply sizes (4 bytes a token; real
tokenisers give fewer tokens for English, about as many for Japanese).  Costs
use the default model's list price (gpt-4o-mini: USD 0.15 in / 0.60 out per
1M tokens) and USD_JPY_RATE.

Ours: storyline + fill (+ at most one repair) = 2-3 calls.
Peer pattern (SlideDeck AI / Presenton style): an outline call, then one call
per slide carrying the brief and the outline.  Target: <= 3 calls per deck.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
_tmp = tempfile.mkdtemp(prefix="bcgslides-bench-")
os.environ.update(DJANGO_SETTINGS_MODULE="bcgslides.settings", DATA_DIR=f"{_tmp}/data",
                  OPENAI_API_KEY="sk-bench-not-a-real-key", OPENAI_MODEL="gpt-4o-mini")

BRIEF = ("Topic: should we enter the domestic EV market, and how? Audience: the board. "
         "Objective: a decision on a partnership by the end of the quarter. Facts: the market "
         "grows 25% a year to JPY 3.2tn by 2030; our battery-control technology leads in the "
         "mid-price segment; a partner would halve the capital at risk; three makers hold 70% "
         "of the market. Length: 15 slides.")


def _deck15() -> dict:
    import deck30

    slides = [s for s in deck30.slides() if s["kind"] != "section"][:15]
    return {"title": "Entering the domestic EV market", "language": "en", "slides": slides}


def _storyline(deck: dict) -> dict:
    return {"title": deck["title"], "subtitle": "Board discussion", "language": "en",
            "situation": "The market grows 25% a year", "complication": "We lack scale",
            "resolution": "Enter with a partner in 2027",
            "slides": [{"kind": s["kind"], "title": s["title"],
                        "content": "data and points as in the brief"} for s in deck["slides"]]}


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.conf import settings

    from generator.llm import drafting, chat
    from generator.models import ApiUsage
    from tests.fakeopenai import FakeOpenAI

    deck = _deck15()
    storyline = _storyline(deck)
    server = FakeOpenAI().start()
    settings.OPENAI_BASE_URL = server.url
    try:
        server.reply(storyline)
        server.reply(deck)
        spec = drafting.draft_deck(brief=BRIEF)
        ours = _usage(ApiUsage.objects.all(), len(server.chat_requests()))
        ApiUsage.objects.all().delete()
        before = len(server.chat_requests())
        server.reply(storyline)
        chat.call_json(drafting.storyline_messages(BRIEF + " (peer)"), name="outline", schema=None,
                      purpose="peer-outline", use_cache=False)
        for slide in deck["slides"]:
            server.reply({"slide": slide})
            prompt = (f"Brief: {BRIEF}\nOutline: {json.dumps(storyline, ensure_ascii=False)}\n"
                      f"Write slide '{slide['title']}' as JSON.")
            chat.call_json([{"role": "system", "content": "You write one slide as JSON."},
                           {"role": "user", "content": prompt}], name="slide", schema=None,
                          purpose="peer-slide", use_cache=False)
        peer = _usage(ApiUsage.objects.all(), len(server.chat_requests()) - before)
    finally:
        server.stop()
    print(f"deck: {len(spec.slides)} slides from a one-paragraph brief; model "
          f"{settings.OPENAI_MODEL} at list price, USD/JPY {settings.USD_JPY_RATE}")
    _print("ours (storyline + fill)", ours)
    _print("peer (outline + 1 call/slide)", peer)
    print(f"ratio ours/peer: calls {ours['calls'] / peer['calls']:.2f}, tokens "
          f"{ours['tokens'] / peer['tokens']:.2f}, JPY {ours['jpy'] / peer['jpy']:.2f}")
    print(f"target: <= 3 calls per deck -> {'met' if ours['calls'] <= 3 else 'NOT met'}")


def _usage(rows, calls: int) -> dict:
    prompt = sum(r.prompt_tokens for r in rows)
    completion = sum(r.completion_tokens for r in rows)
    jpy = sum((r.cost_jpy for r in rows), Decimal("0"))
    return {"calls": calls, "prompt": prompt, "completion": completion,
            "tokens": prompt + completion, "jpy": jpy}


def _print(label: str, usage: dict) -> None:
    print(f"{label:<32} calls {usage['calls']:>3}  prompt {usage['prompt']:>7,}  completion "
          f"{usage['completion']:>6,}  total {usage['tokens']:>7,} tokens  ¥{usage['jpy']:.3f}")


if __name__ == "__main__":
    main()
