"""Several real `qcluster` processes on one database and broker (as on several hosts):
every deck generated once, the OpenAI budget never overshot, a killed worker's deck
queued again or failed, never left running."""

from __future__ import annotations

import json
import os
import signal
import time
from decimal import Decimal
from pathlib import Path

import psutil
import pytest
from django.db.models import Sum
from pptx import Presentation

from generator.decks import lifecycle
from generator.models import ApiUsage, BudgetReservation, GeneratedPresentation
from tests.conftest import FAKE_KEY, REPO, start_cluster, stop_cluster, wait_for_clusters
from tests.generator.llm.test_drafting import DECK, STORYLINE

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
Status = GeneratedPresentation.Status
EXAMPLES = REPO / "examples"
SOURCES = [
    ("outline", (EXAMPLES / "every-kind.en.md").read_text(encoding="utf-8")),
    ("outline", (EXAMPLES / "every-kind.ja.md").read_text(encoding="utf-8")),
    ("outline", (REPO / "tests/corpus/markdown/ja-ev-entry.md").read_text(encoding="utf-8")),
    ("spec", json.loads((EXAMPLES / "every-kind.json").read_text(encoding="utf-8"))),
]


@pytest.fixture
def clusters(tmp_path, fake_openai):
    """Start `n` one-worker clusters that draft against the local OpenAI-protocol server."""
    started = []

    def start(n: int, **env: str) -> list:
        env = {"Q_WORKERS": "1", "PREVIEWS_ENABLED": "false", "OPENAI_API_KEY": FAKE_KEY,
               "OPENAI_BASE_URL": fake_openai.url, "OPENAI_MODEL": "gpt-4o-mini",
               "OPENAI_MAX_RETRIES": "0", **env}
        for number in range(n):
            started.append(start_cluster(tmp_path / f"qcluster-{number}.log", **env))
        wait_for_clusters(n)
        return started

    yield start
    for process in started:
        stop_cluster(process)


def post(client, payload: dict) -> int:
    response = client.post("/api/presentations", payload, content_type="application/json")
    assert response.status_code == 202, response.content
    return response.json()["id"]


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)


def settled(ids: list[int], statuses=(Status.DONE, Status.FAILED, Status.REVIEW)) -> bool:
    return GeneratedPresentation.objects.filter(pk__in=ids, status__in=statuses).count() == len(ids)


@pytest.fixture
def new_decks():
    """The deck files written since the test began (other tests share DATA_DIR)."""
    from django.conf import settings

    folder = Path(settings.DATA_DIR, "presentations")
    before = set(folder.glob("*.pptx"))
    return lambda: sorted(set(folder.glob("*.pptx")) - before)


def approve_storylines(client, ids: list[int]) -> None:
    """What a user does on each deck page: keep the drafted storyline and go on."""
    for pk in ids:
        row = GeneratedPresentation.objects.get(pk=pk)
        response = client.post(f"/decks/{pk}/storyline/",
                               {"storyline": json.dumps(row.storyline)})
        assert response.status_code == 302


def test_four_workers_generate_fifty_decks_each_once_within_the_budget(
        client, alice, clusters, fake_openai, settings, new_decks):
    settings.API_COST_LIMIT_JPY = 50.0
    fake_openai.answer_schema("storyline", STORYLINE)
    fake_openai.answer_schema("deck", DECK)
    clusters(4, API_COST_LIMIT_JPY="50")
    client.force_login(alice)
    briefs = [post(client, {"brief": f"Brief {n}: should we enter the EV market?"})
              for n in range(6)]
    decks = [post(client, {kind: source}) for n in range(44)
             for kind, source in [SOURCES[n % len(SOURCES)]]]
    wait_until(lambda: settled(briefs), 120, "the storylines")
    assert set(GeneratedPresentation.objects.filter(pk__in=briefs)
               .values_list("status", flat=True)) == {Status.REVIEW}
    approve_storylines(client, briefs)
    everything = decks + briefs
    wait_until(lambda: settled(everything, (Status.DONE, Status.FAILED)), 300, "50 decks")

    rows = list(GeneratedPresentation.objects.filter(pk__in=everything))
    assert [(r.pk, r.error) for r in rows if r.status != Status.DONE] == []
    assert {r.attempts for r in rows} == {1}  # none claimed twice
    files = new_decks()
    # one file each, none twice (rows name their file relative to DATA_DIR)
    assert [p.name for p in files] == sorted(Path(r.file).name for r in rows)
    assert all(len(Presentation(str(path)).slides) > 0 for path in files)
    assert len({r.worker for r in rows}) >= 3  # the work was spread over the clusters
    spent = ApiUsage.objects.aggregate(total=Sum("cost_jpy"))["total"]
    assert ApiUsage.objects.count() == 12 and spent <= Decimal("50")
    assert BudgetReservation.objects.count() == 0  # every hold settled


def test_four_workers_racing_for_a_small_budget_never_overshoot_it(
        client, alice, clusters, fake_openai, settings):
    fake_openai.answer_schema("storyline", STORYLINE)
    # A storyline call reserves ~0.37 JPY (its output cap) and costs ~0.03 once settled:
    # at most six of the twelve fit however the calls interleave, and the first always does.
    limit = 0.55
    settings.API_COST_LIMIT_JPY = 1000.0  # the API accepts the briefs; the workers refuse
    clusters(4, API_COST_LIMIT_JPY=str(limit))
    client.force_login(alice)
    briefs = [post(client, {"brief": f"Brief {n}: should we enter the EV market?"})
              for n in range(12)]
    wait_until(lambda: settled(briefs), 180, "12 storylines")
    rows = list(GeneratedPresentation.objects.filter(pk__in=briefs))
    drafted = [r for r in rows if r.status == Status.REVIEW]
    refused = [r for r in rows if r.status == Status.FAILED]
    assert drafted and refused and len(drafted) + len(refused) == 12
    assert all("hard limit" in r.error for r in refused)
    spent = ApiUsage.objects.aggregate(total=Sum("cost_jpy"))["total"]
    assert spent <= Decimal(str(limit)) and ApiUsage.objects.count() == len(drafted)
    assert BudgetReservation.objects.count() == 0


def _kill_its_worker(pk: int, fake, calls: int) -> str:
    """SIGKILL the worker running deck `pk` once its OpenAI call number `calls` is in flight."""
    wait_until(lambda: len(fake.chat_requests()) >= calls, 60, "the deck's OpenAI call")
    worker = GeneratedPresentation.objects.get(pk=pk).worker
    pid = int(worker.rsplit(":", 1)[1])
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: _gone(pid), 10, "the killed worker to die")
    return worker


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _approved_brief(client, alice) -> int:
    """A brief whose drafted storyline waits for review; the user approves it."""
    row = GeneratedPresentation.objects.create(
        owner=alice, title="EV", source_kind="brief", source_text="Should we enter the EV market?",
        storyline=STORYLINE, status=Status.REVIEW, stage="review")
    approve_storylines(client, [row.pk])
    return row.pk


def test_a_worker_killed_mid_deck_loses_it_to_another_and_it_finishes_once(
        client, alice, clusters, fake_openai, new_decks):
    fake_openai.reply(DECK, delay=30)  # the first attempt hangs in its OpenAI call...
    fake_openai.answer_schema("deck", DECK)  # ...the retry is answered at once
    clusters(1)
    client.force_login(alice)
    pk = _approved_brief(client, alice)
    dead = _kill_its_worker(pk, fake_openai, 1)  # SIGKILL: no hook runs, the row stays "running"
    assert GeneratedPresentation.objects.get(pk=pk).status == Status.RUNNING
    assert BudgetReservation.objects.filter(worker=dead).count() == 1
    recovery = lifecycle.recover_stalled()  # what the every-minute schedule runs
    assert recovery.requeued == [pk]
    assert BudgetReservation.objects.filter(worker=dead).count() == 0  # its hold released
    wait_until(lambda: settled([pk], (Status.DONE, Status.FAILED)), 90, "the retried deck")
    row = GeneratedPresentation.objects.get(pk=pk)
    assert (row.status, row.attempts, row.error) == (Status.DONE, 2, "")
    assert row.worker != dead and [p.name for p in new_decks()] == [Path(row.file).name]
    assert ApiUsage.objects.filter(presentation=row).count() == 1  # the killed call cost nothing


def test_a_deck_whose_worker_is_killed_every_time_ends_failed_with_the_reason(
        client, alice, clusters, fake_openai, settings, new_decks):
    settings.DECK_MAX_ATTEMPTS = 2
    fake_openai.reply(DECK, delay=30)
    fake_openai.reply(DECK, delay=30)
    clusters(1, DECK_MAX_ATTEMPTS="2")
    client.force_login(alice)
    pk = _approved_brief(client, alice)
    _kill_its_worker(pk, fake_openai, 1)
    assert lifecycle.recover_stalled().requeued == [pk]
    _kill_its_worker(pk, fake_openai, 2)
    assert lifecycle.recover_stalled().failed == [pk]
    row = GeneratedPresentation.objects.get(pk=pk)
    assert row.status == Status.FAILED and row.attempts == 2
    assert "worker stopped before finishing" in row.error
    time.sleep(1)
    assert GeneratedPresentation.objects.get(pk=pk).status == Status.FAILED  # for good
    assert new_decks() == []
