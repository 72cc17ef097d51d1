"""Worker liveness: claims, heartbeats, and decks whose worker died queued again or failed."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.db import connection
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.signing import SignedPackage

from generator.decks import generate, lifecycle, liveness
from generator.models import BudgetReservation, GeneratedPresentation
from generator.worker_identity import identity
from operations.schedules import ensure_schedules
from tests.conftest import REPO, child_env
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db(transaction=True)
Status = GeneratedPresentation.Status

SPEC = {"title": "Market entry", "slides": [
    {"kind": "cover", "title": "Market entry"},
    {"kind": "message", "title": "We should enter through a partnership",
     "points": ["Fastest to scale", "Least capital at risk"]},
]}


def queued(**fields) -> GeneratedPresentation:
    defaults = {"source_kind": "spec", "source_text": json.dumps(SPEC), "title": "Market entry"}
    return GeneratedPresentation.objects.create(**{**defaults, **fields})


def running(worker: str, *, silent_for: timedelta = timedelta(0), **fields):
    beat = timezone.now() - silent_for
    return queued(status=Status.RUNNING, worker=worker, heartbeat_at=beat, started_at=beat,
                  attempts=fields.pop("attempts", 1), job=fields.pop("job", "deck"), **fields)


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def queued_funcs() -> list[tuple[str, list]]:
    """The tasks waiting in the broker (either broker), as (function, args)."""
    broker = get_broker()
    found = []
    while True:
        tasks = broker.dequeue()
        if not tasks:
            return found
        for ack_id, payload in tasks:
            task = SignedPackage.loads(payload)
            found.append((task["func"], list(task["args"])))
            broker.acknowledge(ack_id)


def test_a_claim_records_the_worker_the_job_and_the_attempt():
    row = queued()
    assert lifecycle.claim(row.pk, job="storyline") is True
    row.refresh_from_db()
    assert row.status == Status.RUNNING and row.worker == identity()
    assert row.job == "storyline" and row.attempts == 1 and row.heartbeat_at is not None
    assert lifecycle.claim(row.pk) is False
    GeneratedPresentation.objects.filter(pk=row.pk).update(status=Status.QUEUED)
    assert lifecycle.claim(row.pk, job="storyline") is True  # the same job again: attempt 2
    assert GeneratedPresentation.objects.get(pk=row.pk).attempts == 2
    GeneratedPresentation.objects.filter(pk=row.pk).update(status=Status.QUEUED)
    assert lifecycle.claim(row.pk, job="deck") is True  # the next job starts at 1
    assert GeneratedPresentation.objects.get(pk=row.pk).attempts == 1


def test_the_heartbeat_beats_while_the_work_runs_and_stops_after():
    row = running(identity(), silent_for=timedelta(minutes=5))
    before = row.heartbeat_at
    with liveness.heartbeat(row.pk, row.worker, interval=0.1):
        time.sleep(0.6)
    row.refresh_from_db()
    assert row.heartbeat_at > before + timedelta(minutes=4)
    last = row.heartbeat_at
    time.sleep(0.4)
    row.refresh_from_db()
    assert row.heartbeat_at == last


def test_a_deck_whose_worker_went_silent_is_queued_again(empty_queue):
    row = running("another-host:4242", silent_for=timedelta(minutes=3))
    recovery = lifecycle.recover_stalled()
    row.refresh_from_db()
    assert recovery.requeued == [row.pk] and recovery.failed == []
    assert (row.status, row.worker, row.progress, row.attempts) == (Status.QUEUED, "", 0, 1)
    assert queued_funcs() == [("generator.tasks.generate_presentation", [row.pk])]


def test_a_storyline_is_queued_again_as_a_storyline(empty_queue):
    row = running("another-host:4242", silent_for=timedelta(minutes=3), job="storyline",
                  source_kind="brief")
    lifecycle.recover_stalled()
    assert queued_funcs() == [("generator.tasks.draft_storyline", [row.pk])]


def test_a_worker_that_died_on_this_host_loses_its_deck_at_once(empty_queue):
    import socket

    worker = f"{socket.gethostname()}:{dead_pid()}"
    row = running(worker)  # its last beat is fresh
    BudgetReservation.objects.create(model="gpt-4o-mini", amount_jpy=1, worker=worker)
    kept = BudgetReservation.objects.create(model="gpt-4o-mini", amount_jpy=1,
                                            worker="another-host:1")
    assert lifecycle.recover_stalled().requeued == [row.pk]
    assert list(BudgetReservation.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_killed_worker_not_yet_reaped_counts_as_dead(empty_queue):
    import socket

    import psutil

    process = subprocess.Popen([sys.executable, "-c", "pass"])  # never waited for: a zombie
    deadline = time.monotonic() + 10
    while psutil.Process(process.pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    row = running(f"{socket.gethostname()}:{process.pid}")
    assert lifecycle.recover_stalled().requeued == [row.pk]
    process.wait()


def test_a_pid_reused_by_a_newer_process_counts_as_dead(empty_queue):
    import psutil

    born = datetime.fromtimestamp(psutil.Process().create_time(), tz=dt_timezone.utc)
    row = running(identity())  # this very process...
    GeneratedPresentation.objects.filter(pk=row.pk).update(  # ...claimed it before it existed
        started_at=born - timedelta(hours=1))
    assert lifecycle.recover_stalled().requeued == [row.pk]


def test_a_live_worker_keeps_its_deck(empty_queue):
    here = running(identity(), silent_for=timedelta(seconds=5))
    elsewhere = running("another-host:4242", silent_for=timedelta(seconds=5))
    assert lifecycle.recover_stalled().as_dict() == {"requeued": [], "failed": []}
    assert set(GeneratedPresentation.objects.values_list("status", flat=True)) == {Status.RUNNING}
    assert queued_funcs() == [] and here.pk != elsewhere.pk


def test_after_the_last_attempt_the_deck_fails_with_the_reason(settings, empty_queue):
    settings.DECK_MAX_ATTEMPTS = 2
    row = running("another-host:4242", silent_for=timedelta(minutes=3), attempts=2)
    assert lifecycle.recover_stalled().failed == [row.pk]
    row.refresh_from_db()
    assert row.status == Status.FAILED and row.finished_at is not None
    assert "worker stopped before finishing" in row.error and "2 time" in row.error
    assert queued_funcs() == []


def test_rows_without_a_heartbeat_from_before_liveness_are_recovered(empty_queue):
    old = timezone.now() - timedelta(hours=2)
    row = queued(status=Status.RUNNING, started_at=old)  # left by a version without heartbeats
    assert lifecycle.recover_stalled().requeued == [row.pk]


def test_a_worker_that_lost_its_deck_drops_its_late_result(settings, tmp_path, empty_queue):
    decks = use_local_files(settings, tmp_path / "data") / "presentations"
    text = "".join(f"# Point {i} moves the business forward\n\n- evidence {i}\n\n"
                   for i in range(150))
    row = queued(source_kind="markdown", source_text=text)
    taken_over = threading.Event()

    def presume_dead_while_rendering():
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                current = GeneratedPresentation.objects.get(pk=row.pk)
                if current.stage == "render":
                    GeneratedPresentation.objects.filter(pk=row.pk).update(
                        heartbeat_at=timezone.now() - timedelta(hours=1))
                    if lifecycle.recover_stalled().requeued == [row.pk]:
                        taken_over.set()
                    return
                time.sleep(0.01)
        finally:
            connection.close()

    sweeper = threading.Thread(target=presume_dead_while_rendering)
    sweeper.start()
    result = generate.run(row.pk)
    sweeper.join()
    assert taken_over.is_set(), "the deck finished before the sweeper saw it rendering"
    assert result.status == Status.QUEUED and result.file == ""
    assert list(decks.glob("*")) == []  # the dropped result left no file
    result = generate.run(row.pk)  # the task queued again, on a live worker
    assert result.status == Status.DONE and result.attempts == 2
    assert [p.name for p in decks.glob("*")] == [result.file.rsplit("/", 1)[-1]]


def test_recovery_is_scheduled_every_minute_and_the_old_job_is_retired():
    from django_q.models import Schedule

    Schedule.objects.create(name="decks-fail-stale", func="generator.tasks.x",
                            schedule_type="I", minutes=5)
    ensure_schedules()
    assert not Schedule.objects.filter(name="decks-fail-stale").exists()
    job = Schedule.objects.get(name="decks-recover-stalled")
    assert (job.func, job.schedule_type, job.minutes) == (
        "generator.tasks.recover_stalled_presentations", "I", 1)


@pytest.mark.parametrize("env, message", [
    ({"DECK_HEARTBEAT_SECONDS": "30", "DECK_STALL_SECONDS": "60"}, "three heartbeats"),
    ({"DECK_MAX_ATTEMPTS": "0"}, "DECK_MAX_ATTEMPTS must be 1 or more"),
    ({"DECK_STALL_SECONDS": "soon"}, "DECK_STALL_SECONDS must be a number"),
])
def test_liveness_settings_that_make_no_sense_stop_the_start(env, message):
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=REPO,
                            env=child_env(**env), capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and message in result.stderr
