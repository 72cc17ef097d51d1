"""Tokens and JPY per deck drafted from source material of 10, 50 and 200 pages,
against sending the whole material.

Run:  .venv/bin/python bench/material_cost.py
Each size is a generated PDF report (40 lines a page, every page its own topic
and figures) plus the brief.  Both patterns run through the real drafting code
(storyline + fill: two calls) and the real openai SDK against the local
OpenAI-protocol server (tests/fakeopenai.py).  Token counts are the server's
accounting: UTF-8 bytes / 4 of the real requests (schema included) and replies
(no tokenizer download is possible here; tiktoken is not used).  JPY at the
default model's list price (gpt-4o-mini) and USD_JPY_RATE.

"ours": passages chosen by BM25 relevance to the brief (storyline) and to the
brief + storyline (fill), within MATERIAL_STORYLINE_TOKENS / MATERIAL_FILL_TOKENS.
"whole": the same calls with every passage sent (budgets unlimited), which is
what a tool that pastes the document into the prompt does.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
_tmp = tempfile.mkdtemp(prefix="bcgslides-bench-")
os.environ.update(DJANGO_SETTINGS_MODULE="bcgslides.settings", DATA_DIR=f"{_tmp}/data",
                  OPENAI_API_KEY="sk-bench-not-a-real-key", OPENAI_MODEL="gpt-4o-mini")

BRIEF = ("Topic: should we enter battery recycling and charging? Audience: the board. "
         "Objective: decide where to invest first. Length: 12 slides. Language: en")
SIZES = (10, 50, 200)
CONTEXT_WINDOW = 128_000  # gpt-4o-mini


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from generator.material import pack
    from generator.material.intake import SourceFile
    from tests.fakeopenai import FakeOpenAI
    from tests.generator.material import makefiles
    from tests.generator.material.decks import DECK, STORYLINE

    settings.MATERIAL_MAX_PAGES = 1000
    server = FakeOpenAI().start()
    settings.OPENAI_BASE_URL = server.url
    print(f"model {settings.OPENAI_MODEL} at list price, USD/JPY {settings.USD_JPY_RATE}; "
          f"tokens = the local server's bytes/4 accounting")
    print(f"{'pages':>5} {'read s':>7} {'passages':>8} | {'ours tokens':>11} {'¥ ours':>8} | "
          f"{'whole tokens':>12} {'¥ whole':>8} | {'ratio':>5}  largest prompt (whole)")
    try:
        for pages in SIZES:
            report = makefiles.long_report_pdf(pages)
            started = time.perf_counter()
            material = pack.build([SourceFile("report.pdf", report)])
            read_s = time.perf_counter() - started
            ours = _draft(server, material, STORYLINE, DECK, settings, whole=False)
            whole = _draft(server, material, STORYLINE, DECK, settings, whole=True)
            over = " (over the 128k context)" if whole["largest"] > CONTEXT_WINDOW else ""
            print(f"{pages:>5} {read_s:>7.2f} {len(material.passages):>8} | "
                  f"{ours['tokens']:>11,} {ours['jpy']:>8.3f} | {whole['tokens']:>12,} "
                  f"{whole['jpy']:>8.3f} | {whole['tokens'] / ours['tokens']:>5.1f}  "
                  f"{whole['largest']:,}{over}")
            assert ours["calls"] == whole["calls"] == 2
    finally:
        server.stop()


def _draft(server, material, storyline, deck, settings, *, whole: bool) -> dict:
    from generator.llm import drafting
    from generator.models import ApiUsage

    budgets = (10**9, 10**9) if whole else (6000, 8000)
    settings.MATERIAL_STORYLINE_TOKENS, settings.MATERIAL_FILL_TOKENS = budgets
    ApiUsage.objects.all().delete()
    from django.core.cache import cache

    cache.clear()
    from generator.models import LlmCacheEntry

    LlmCacheEntry.objects.all().delete()
    server.reply(storyline)
    server.reply(deck)
    drafting.draft_deck(brief=BRIEF, material=material)
    rows = list(ApiUsage.objects.all())
    return {"calls": len(rows), "tokens": sum(r.total_tokens for r in rows),
            "jpy": sum((r.cost_jpy for r in rows), Decimal("0")),
            "largest": max(r.prompt_tokens for r in rows)}


if __name__ == "__main__":
    main()
