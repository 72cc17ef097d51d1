"""/api/health from a snapshot: one refresh at a time, statuses only for the public,
details and ?fresh=1 for staff, and a liveness answer that runs no check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.test import Client

from bcgslides.filestore import local_storage
from tests.sharedfiles import use_bucket, use_local_files

pytestmark = pytest.mark.django_db(transaction=True)  # the probes use their own connections

DETAILS = ("asset_count", "presentation_count", "size_mb", "monthly_cost_jpy", "daily_cost_jpy",
           "queue_size", "total_tasks", "free_gb", "total_gb", "error")


# -- fixtures ---------------------------------------------------------------------------------
MAX_AGE = 5.0


@pytest.fixture(autouse=True)
def own_data_dir(settings, tmp_path):
    """A DATA_DIR (and so a snapshot) of this test's own; reports served up to MAX_AGE."""
    settings.HEALTH_SNAPSHOT_SECONDS = MAX_AGE
    return use_local_files(settings, tmp_path / "data")


@pytest.fixture
def hold_lock(settings):
    """Starts another process holding this host's refresh lock, as a refresh in progress
    would; the process's `release()` lets go."""
    processes = []

    def hold():
        lock = Path(settings.DATA_DIR) / "cache" / "health_snapshot.lock"
        lock.parent.mkdir(parents=True, exist_ok=True)
        script = ("import fcntl, sys\n"
                  f"handle = open({str(lock)!r}, 'a+b')\n"
                  "fcntl.flock(handle, fcntl.LOCK_EX)\n"
                  "print('locked', flush=True)\n"
                  "sys.stdin.read()\n")
        process = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "locked"
        process.release = lambda: _release(process)
        processes.append(process)
        return process

    yield hold
    for process in processes:
        _release(process)


def _release(process) -> None:
    if process.poll() is None:
        process.stdin.close()
        process.wait(timeout=10)
    process.stdout.close()


def _blocked_store(settings, tmp_path) -> Path:
    """The shared files in a "folder" that is a file: every write fails."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x", encoding="utf-8")
    settings.STORAGES = {**settings.STORAGES, "default": local_storage(blocked)}
    return blocked


def _age_snapshot(settings, seconds: float) -> None:
    """Make the saved report `seconds` old, as if its checks ran that long ago."""
    path = Path(settings.DATA_DIR) / "cache" / "health_snapshot.json"
    report = json.loads(path.read_text(encoding="utf-8"))
    report["checked_at"] -= seconds
    path.write_text(json.dumps(report), encoding="utf-8")


# -- the snapshot -----------------------------------------------------------------------------
def test_requests_within_the_snapshot_age_run_no_check(client, settings,
                                                        django_assert_num_queries):
    first = client.get("/api/health")
    assert first.status_code == 200 and first.json()["status"] == "warning"  # no cluster here
    assert (Path(settings.DATA_DIR) / "cache" / "health_snapshot.json").is_file()
    settings.HEALTH_MEMORY_WARNING_PERCENT = settings.HEALTH_MEMORY_CRITICAL_PERCENT = 0.0
    with django_assert_num_queries(0):  # the checks count rows and sum the spend
        again = client.get("/api/health")
    assert again.status_code == 200, "a critical level was checked again, not served"
    assert again.json()["timestamp"] == first.json()["timestamp"]
    assert again.json()["age_seconds"] >= 0


def test_a_stale_snapshot_is_refreshed_by_the_next_request(client, settings):
    first = client.get("/api/health").json()
    settings.HEALTH_MEMORY_WARNING_PERCENT = settings.HEALTH_MEMORY_CRITICAL_PERCENT = 0.0
    _age_snapshot(settings, MAX_AGE + 1)
    response = client.get("/api/health")
    assert response.status_code == 503 and response.json()["status"] == "critical"
    assert response.json()["timestamp"] != first["timestamp"]
    assert response.json()["age_seconds"] < 1


def test_a_snapshot_from_the_future_is_stale(client, settings):
    """After the clock is set back, the report made before is not served for hours."""
    first = client.get("/api/health").json()
    _age_snapshot(settings, -3600)
    assert client.get("/api/health").json()["timestamp"] != first["timestamp"]


@pytest.mark.parametrize("age", [MAX_AGE + 5, 600])  # however old: the refresh just began
def test_while_another_process_refreshes_the_previous_report_is_served(client, settings,
                                                                       hold_lock, age):
    first = client.get("/api/health").json()
    _age_snapshot(settings, age)
    holder = hold_lock()
    settings.HEALTH_MEMORY_WARNING_PERCENT = settings.HEALTH_MEMORY_CRITICAL_PERCENT = 0.0
    served = client.get("/api/health")
    assert served.status_code == 200 and served.json()["timestamp"] == first["timestamp"]
    assert served.json()["age_seconds"] > MAX_AGE
    holder.release()
    refreshed = client.get("/api/health")
    assert refreshed.status_code == 503 and refreshed.json()["timestamp"] != first["timestamp"]


def test_a_refresh_that_never_finishes_is_reported_unhealthy(client, settings, hold_lock):
    from operations.health_snapshot import HUNG_AFTER_SECONDS

    client.get("/api/health")
    _age_snapshot(settings, HUNG_AFTER_SECONDS + 60)
    hold_lock()
    began = time.time() - HUNG_AFTER_SECONDS - 30  # the holder took the lock this long ago
    os.utime(Path(settings.DATA_DIR) / "cache" / "health_snapshot.lock", (began, began))
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json()["checks"]["snapshot"] == {"status": "unhealthy"}


def test_the_first_request_waits_for_a_refresh_in_progress(settings, hold_lock):
    holder = hold_lock()
    answers = []
    def ask():
        from django.db import connections

        try:
            answers.append(Client().get("/api/health"))
        finally:
            connections.close_all()  # this thread's own (PostgreSQL) connections

    waiting = threading.Thread(target=ask)
    waiting.start()
    time.sleep(1)
    assert not answers, "answered with no report while another process was checking"
    Client().get("/api/health/live")  # liveness does not wait
    holder.release()
    waiting.join(timeout=30)
    assert answers and answers[0].status_code == 200


def test_concurrent_requests_on_a_stale_snapshot_refresh_it_once(settings):
    Client().get("/api/health")
    _age_snapshot(settings, MAX_AGE + 1)
    old = json.loads((Path(settings.DATA_DIR) / "cache" / "health_snapshot.json").read_text())
    stamps, start = [], threading.Barrier(8)

    def ask():
        from django.db import connections

        start.wait()
        try:
            stamps.append(Client().get("/api/health").json()["timestamp"])
        finally:
            connections.close_all()  # this thread's own (PostgreSQL) connections

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(stamps) == 8
    new = set(stamps) - {old["timestamp"]}
    assert len(new) == 1, f"{len(new)} refreshes ran at once"
    assert stamps.count(old["timestamp"]) >= 1  # served while the one refresh ran


def test_a_snapshot_that_cannot_be_saved_is_still_served_by_its_process(client, settings,
                                                                        caplog):
    cache = Path(settings.DATA_DIR) / "cache"
    cache.mkdir(parents=True)
    (cache / "health_snapshot.json").mkdir()  # os.replace cannot put a file there
    first = client.get("/api/health")
    assert first.status_code == 200 and first.json()["status"] == "warning"
    for _ in range(5):
        assert client.get("/api/health").json()["timestamp"] == first.json()["timestamp"]
    unreadable = [r for r in caplog.records if "could not be read" in r.getMessage()]
    assert len(unreadable) == 1  # said once, not on every request
    assert str(cache) not in caplog.text.split("could not be read")[1].splitlines()[0]


# -- who sees what ----------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["anonymous", "alice"])
def test_the_public_sees_statuses_only(client, who, request, settings):
    from generator.models import ApiUsage

    ApiUsage.objects.create(model="m", cost_jpy="1234.5")
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    data = client.get("/api/health").json()
    assert set(data) == {"status", "timestamp", "age_seconds", "checks"}
    assert all(set(entry) == {"status"} for entry in data["checks"].values()), data
    body = json.dumps(data)
    assert "1234" not in body and "asset_count" not in body


def test_staff_see_the_details_and_may_ask_for_a_fresh_run(client, staff, settings):
    from generator.models import ApiUsage

    ApiUsage.objects.create(model="m", cost_jpy="1234.5")
    client.get("/api/health")
    client.force_login(staff)
    data = client.get("/api/health").json()
    assert data["checks"]["database"]["asset_count"] == 0
    assert data["checks"]["api_costs"]["monthly_cost_jpy"] == 1234.5
    settings.HEALTH_MEMORY_WARNING_PERCENT = settings.HEALTH_MEMORY_CRITICAL_PERCENT = 0.0
    assert client.get("/api/health").status_code == 200  # the snapshot of a moment ago
    fresh = client.get("/api/health?fresh=1")
    assert fresh.status_code == 503 and fresh.json()["timestamp"] != data["timestamp"]
    assert fresh.json()["age_seconds"] == 0


@pytest.mark.parametrize("who", ["anonymous", "alice"])
def test_only_staff_can_make_the_checks_run(client, who, request, settings):
    first = client.get("/api/health").json()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    again = client.get("/api/health?fresh=1")
    assert again.status_code == 200 and again.json()["timestamp"] == first["timestamp"]


def test_a_failing_local_store_names_no_path(client, staff, settings, tmp_path):
    blocked = _blocked_store(settings, tmp_path)
    public = client.get("/api/health")
    assert public.status_code == 503
    assert public.json()["checks"]["storage"] == {"status": "unhealthy"}
    client.force_login(staff)
    storage = client.get("/api/health").json()["checks"]["storage"]
    assert storage["status"] == "unhealthy"
    assert storage["error"].startswith("the shared files cannot be written"), storage
    for body in (public.content.decode(), json.dumps(storage)):
        assert str(tmp_path) not in body and "not-a-folder" not in body


def test_an_unreachable_bucket_names_no_endpoint_or_bucket(client, staff, settings, tmp_path):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    use_bucket(settings, tmp_path / "web",
               f"s3://private-bucket-name?endpoint_url=http://127.0.0.1:{port}",
               access_key="AKIAHEALTHTEST", secret_key="health-secret-key-value")
    client.force_login(staff)
    response = client.get("/api/health")
    assert response.status_code == 503
    storage = response.json()["checks"]["storage"]
    assert storage["error"].startswith("the shared files cannot be written"), storage
    body = response.content.decode()
    for secret in ("127.0.0.1", str(port), "private-bucket-name", "AKIAHEALTHTEST",
                   "health-secret-key-value"):
        assert secret not in body


def test_the_command_and_the_report_name_no_path_either(settings, capsys, tmp_path):
    from django.core.management import call_command

    blocked = _blocked_store(settings, tmp_path)
    with pytest.raises(SystemExit) as unhealthy:
        call_command("healthcheck", "--json")
    assert unhealthy.value.code == 1
    assert str(blocked) not in capsys.readouterr().out


# -- liveness ---------------------------------------------------------------------------------
def test_liveness_answers_without_any_check(client, settings, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/api/health/live")
    assert response.status_code == 200 and response.json() == {"status": "alive"}
    assert not (Path(settings.DATA_DIR) / "cache" / "health_snapshot.json").exists()
    assert client.head("/api/health/live").status_code == 200
    assert client.post("/api/health/live").status_code == 405


def test_liveness_answers_while_the_checks_fail(client, settings):
    settings.HEALTH_MEMORY_WARNING_PERCENT = settings.HEALTH_MEMORY_CRITICAL_PERCENT = 0.0
    assert client.get("/api/health").status_code == 503
    assert client.get("/api/health/live").status_code == 200


def test_the_health_answer_costs_a_fraction_of_the_checks(client, staff):
    """Served from the snapshot, a request costs a small part of running the checks (the
    two timed in turns, so a busy machine slows both; bench/health_load.py compares it
    with the liveness view under load)."""
    def median_ms(url: str, times: int) -> float:
        spent = []
        for _ in range(times):
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            spent.append((time.perf_counter() - started) * 1000)
        return sorted(spent)[times // 2]

    client.force_login(staff)
    client.get("/api/health")
    fresh, served = [], []
    for _ in range(5):
        fresh.append(median_ms("/api/health?fresh=1", 1))
        served.append(median_ms("/api/health", 15))
    fresh_ms, served_ms = sorted(fresh)[2], sorted(served)[2]
    assert served_ms * 4 < fresh_ms, f"served {served_ms:.2f} ms, checks {fresh_ms:.2f} ms"
