"""Drafting from a brief against a local OpenAI-protocol server, through the real SDK."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from generator.llm import chat, drafting, reply_cache
from generator.errors import BudgetExceeded, DraftingError, LLMNotConfigured
from generator.models import ApiUsage, BudgetReservation
from tests.conftest import FAKE_KEY as KEY
from tests.conftest import REPO, child_env

BRIEF = ("Topic: entering the domestic EV market. Audience: the board. Objective: decide "
         "whether to partner. Facts: the market grows 25% a year to JPY 3.2tn by 2030. "
         "Length: 5 slides.")
STORYLINE = {
    "title": "Entering the domestic EV market", "subtitle": "Board discussion", "language": "en",
    "situation": "The market grows fast", "complication": "We lack scale",
    "resolution": "Partner to enter in 2027",
    "slides": [
        {"kind": "cover", "title": "Entering the domestic EV market", "content": ""},
        {"kind": "executive_summary", "title": "A partnership creates the most value",
         "content": "three points"},
        {"kind": "chart", "title": "The market quadruples by 2030", "content": "market size"},
        {"kind": "next_steps", "title": "Three decisions are needed this quarter",
         "content": "actions"},
    ],
}
DECK = {
    "title": "Entering the domestic EV market", "language": "en", "slides": [
        {"kind": "cover", "title": "Entering the domestic EV market", "subtitle": None},
        {"kind": "executive_summary", "title": "A partnership creates the most value",
         "points": [{"text": "The market grows 25% a year", "sub": []}], "notes": "Lead"},
        {"kind": "chart", "title": "The market quadruples by 2030", "source": "METI",
         "chart": {"type": "column", "categories": ["2024", "2030"],
                   "series": [{"name": "Market", "values": [0.8, 3.2]}]}},
        {"kind": "next_steps", "title": "Three decisions are needed this quarter",
         "actions": [{"action": "Approve the shortlist", "owner": "CEO", "due": "Dec"}]},
    ]}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fake(fake_openai):
    return fake_openai


def test_a_brief_becomes_a_deck_in_two_calls(fake, caplog):
    fake.reply(STORYLINE)
    fake.reply(DECK)
    with caplog.at_level(logging.INFO, logger="generator.llm.costs"):
        spec = drafting.draft_deck(brief=BRIEF)
    assert [s.kind for s in spec.slides] == ["cover", "executive_summary", "chart", "next_steps"]
    assert spec.slides[2].chart.series[0].values == [0.8, 3.2]
    requests = fake.chat_requests()
    assert len(requests) == 2
    assert requests[0].body["response_format"]["type"] == "json_schema"
    assert requests[0].body["response_format"]["json_schema"]["strict"] is True
    headers = {name.lower(): value for name, value in requests[0].headers.items()}
    assert headers["authorization"] == f"Bearer {KEY}"
    usage = list(ApiUsage.objects.order_by("id"))
    assert [u.purpose for u in usage] == ["storyline", "fill"]
    assert all(u.cost_jpy > 0 and u.prompt_tokens > 0 for u in usage)
    lines = [r.getMessage() for r in caplog.records if "OpenAI API usage" in r.getMessage()]
    record = json.loads(lines[0].split("OpenAI API usage", 1)[1])
    assert record["cost_jpy"] == float(usage[0].cost_jpy) and "timestamp" in record
    assert BudgetReservation.objects.count() == 0


def test_a_schema_violation_gets_one_repair(fake):
    broken = json.loads(json.dumps(DECK))
    broken["slides"][2]["chart"]["series"][0]["values"] = [0.8]  # 1 value, 2 categories
    fake.reply(STORYLINE)
    fake.reply(broken)
    fake.reply(DECK)
    spec = drafting.draft_deck(brief=BRIEF)
    assert len(spec.slides) == 4
    repair = fake.chat_requests()[2].body["messages"][-1]["content"]
    assert "slide 3 (chart)" in repair and "1 values for 2 categories" in repair
    assert list(ApiUsage.objects.values_list("purpose", flat=True).order_by("id")) == [
        "storyline", "fill", "repair"]


def test_a_second_violation_is_a_clear_failure(fake):
    broken = json.loads(json.dumps(DECK))
    broken["slides"][2]["chart"]["type"] = "radar"
    fake.reply(STORYLINE)
    fake.reply(broken)
    fake.reply(broken)
    with pytest.raises(DraftingError, match="still does not validate"):
        drafting.draft_deck(brief=BRIEF)
    assert len(fake.chat_requests()) == 3  # never more than three calls


def test_429_then_success(fake):
    fake.error(429, "slow down", headers={"retry-after-ms": "10"})
    fake.reply(STORYLINE)
    storyline = drafting.draft_storyline(BRIEF)
    assert storyline.slides[2].kind == "chart"
    assert len(fake.chat_requests()) == 2
    assert ApiUsage.objects.count() == 1


def test_500_until_give_up(fake):
    for _ in range(3):
        fake.error(500, "boom", headers={"retry-after-ms": "10"})
    with pytest.raises(DraftingError, match="HTTP 500"):
        drafting.draft_storyline(BRIEF)
    assert len(fake.chat_requests()) == 3  # one try and two retries
    assert ApiUsage.objects.count() == 0 and BudgetReservation.objects.count() == 0


def test_a_timeout_fails_clearly(fake, settings):
    settings.OPENAI_TIMEOUT = 0.5
    settings.OPENAI_MAX_RETRIES = 0
    fake.reply(STORYLINE, delay=2.0)
    with pytest.raises(DraftingError, match="did not answer within"):
        drafting.draft_storyline(BRIEF)
    assert BudgetReservation.objects.count() == 0


def test_the_hard_budget_refuses_before_any_request(fake, settings):
    settings.API_COST_LIMIT_JPY = 10.0
    ApiUsage.objects.create(model="gpt-4o-mini", cost_jpy=Decimal("9.99"))
    with pytest.raises(BudgetExceeded) as info:
        drafting.draft_storyline(BRIEF)
    assert "Markdown outline" in str(info.value)
    assert fake.chat_requests() == []


def test_a_cache_hit_makes_no_request_and_costs_nothing(fake):
    fake.reply(STORYLINE)
    first = drafting.draft_storyline(BRIEF)
    second = drafting.draft_storyline("  " + BRIEF.replace(" ", "  ") + "\n")  # same, normalised
    assert first == second
    assert len(fake.chat_requests()) == 1 and ApiUsage.objects.count() == 1
    stats = reply_cache.stats()
    assert (stats["hits"], stats["misses"], stats["entries"]) == (1, 1, 1)
    assert stats["hit_rate_percent"] == 50.0 and stats["size_bytes"] > 100


def test_a_server_without_structured_outputs_gets_json_mode(fake):
    fake.json_schema = False
    fake.reply(STORYLINE)
    drafting.draft_storyline(BRIEF)
    formats = [r.body["response_format"]["type"] for r in fake.chat_requests()]
    assert formats == ["json_schema", "json_object"]
    fake.reply(DECK)
    drafting.fill_storyline(drafting.Storyline.model_validate(STORYLINE), BRIEF)
    assert fake.chat_requests()[-1].body["response_format"]["type"] == "json_object"


def test_a_japanese_brief_asks_for_a_japanese_deck(fake):
    brief = "テーマ：国内EV市場への参入。対象：取締役会。目的：提携の是非を決める。"
    fake.reply(dict(STORYLINE, language="ja"))
    drafting.draft_storyline(brief)
    system = fake.chat_requests()[0].body["messages"][0]["content"]
    assert "Write everything in Japanese" in system
    assert drafting.brief_language(brief) == "ja" and drafting.brief_language(BRIEF) == "en"


def test_no_key_says_so_plainly(settings):
    settings.OPENAI_API_KEY = ""
    with pytest.raises(LLMNotConfigured, match="OPENAI_API_KEY"):
        drafting.draft_deck(brief=BRIEF)


def test_the_key_never_reaches_a_log(fake, caplog, settings):
    fake.error(500, f"echo {KEY}", headers={"retry-after-ms": "1"})
    fake.error(500, "boom", headers={"retry-after-ms": "1"})
    fake.error(500, "boom", headers={"retry-after-ms": "1"})
    logging.getLogger("generator").error("configured key is %s", KEY)
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(DraftingError) as info:
            drafting.draft_storyline(BRIEF)
        logging.getLogger("openai").debug("headers: Authorization: Bearer %s", KEY)
    assert KEY not in str(info.value)
    for handler in logging.getLogger().handlers:
        handler.flush()
    for log in Path(settings.LOG_DIR).glob("*.log"):
        assert KEY not in log.read_text(encoding="utf-8"), log
    # the filter runs on the root handlers; caplog's own handler sees redacted records too
    assert all(KEY not in record.getMessage() for record in caplog.records
               if record.name.startswith("generator"))


def test_the_strict_schema_closes_every_object():
    schema = drafting.strict_schema(drafting.json_schema())

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                assert node["additionalProperties"] is False
                assert set(node["required"]) == set(node["properties"])
            assert "oneOf" not in node and "default" not in node and "maxLength" not in node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)


def test_two_processes_race_for_the_last_of_the_budget(fake, settings):
    """Only one of two simultaneous calls fits; the other is refused, nothing overshoots."""
    fake.default = None
    fake.reply({"ok": 1}, delay=1.0)
    fake.reply({"ok": 2}, delay=1.0)
    limit = 0.15  # one call's estimate (~0.09 JPY at gpt-4o-mini list price) fits, two don't
    env = child_env(OPENAI_API_KEY=KEY, OPENAI_BASE_URL=fake.url, OPENAI_MODEL="gpt-4o-mini",
                    API_COST_LIMIT_JPY=str(limit), OPENAI_MAX_RETRIES="0")
    script = (
        "import sys, django; django.setup()\n"
        "from generator.llm import chat\n"
        "from generator.errors import BudgetExceeded\n"
        "try:\n"
        "    chat.call_json([{'role': 'user', 'content': 'race ' + sys.argv[1]}], name='x',\n"
        "                  schema=None, purpose='race', use_cache=False, max_tokens=1000)\n"
        "    print('ok')\n"
        "except BudgetExceeded:\n"
        "    print('refused')\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(i)], cwd=REPO, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(2)]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        outputs.append(out.strip())
    assert sorted(outputs) == ["ok", "refused"]
    total = sum(u.cost_jpy for u in ApiUsage.objects.all())
    assert ApiUsage.objects.count() == 1 and total <= Decimal(str(limit))
    assert len(fake.chat_requests()) == 1


def test_cache_stats_endpoint_and_cleanup(client, fake):
    from datetime import timedelta

    from django.utils import timezone

    from generator.models import LlmCacheEntry

    fake.reply(STORYLINE)
    drafting.draft_storyline(BRIEF)
    data = client.get("/api/cache/stats").json()
    assert data["entries"] == 1 and data["misses"] == 1 and "hit_rate_percent" in data
    LlmCacheEntry.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert reply_cache.clear_expired() == 1
    assert client.get("/api/cache/stats").json()["entries"] == 0
    assert chat.configured()


def test_the_model_is_never_offered_a_picture_field():
    """A drafted deck has no outline folder, so a picture it named would be refused."""
    import json as json_module

    from generator.llm.drafting import deck_schema
    from generator.decks.revision import slide_schema

    for schema in (deck_schema(), slide_schema()):
        text = json_module.dumps(schema)
        assert '"image"' not in text and "ImageRef" not in text
        assert '"points"' in text  # the rest of the schema is still there
