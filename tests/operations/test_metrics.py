"""Performance samples, trends, the report, the schedules and the start-up checks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from operations import metrics
from operations.models import MetricSample
from operations.schedules import SCHEDULES, ensure_schedules
from tests.conftest import REPO, child_env

pytestmark = pytest.mark.django_db(transaction=True)


def sample(minutes_ago: float = 0, **values) -> MetricSample:
    fields = {"cpu_percent": 10, "memory_percent": 20, "api_response_time": 0.1,
              "database_response_time": 0.01, **values}
    return MetricSample.objects.create(
        timestamp=timezone.now() - timedelta(minutes=minutes_ago), **fields)


def test_a_sample_times_the_real_health_endpoint(live_server, settings):
    settings.HEALTH_URL = f"{live_server.url}/api/health"
    row = metrics.collect()
    assert row.api_status == "healthy" and 0 < row.api_response_time < 10
    assert 0 <= row.cpu_percent <= 100 and row.memory_percent > 0
    assert row.database_response_time > 0 and row.network_bytes_recv >= 0


def test_an_unreachable_endpoint_is_recorded_as_999(settings):
    settings.HEALTH_URL = "http://127.0.0.1:9/api/health"
    row = metrics.collect()
    assert row.api_response_time == metrics.UNREACHABLE and row.api_status == "error"


def test_trends_need_ten_samples_and_use_the_manual_thresholds():
    for i in range(9):
        sample(minutes_ago=i, cpu_percent=95, memory_percent=90)
    assert metrics.report()["trend_analysis"] is None
    sample(cpu_percent=95, memory_percent=90, api_response_time=6, database_response_time=2)
    report = metrics.report()
    kinds = {alert["type"] for alert in report["trend_analysis"]["alerts"]}
    assert kinds == {"cpu_high", "memory_high"}  # averages: only cpu and memory pass
    issues = {r["issue"] for r in report["recommendations"]}
    assert issues == {"CPU usage is high", "Memory usage is high"}


def test_samples_older_than_a_day_are_pruned():
    sample(minutes_ago=25 * 60)
    sample(minutes_ago=5)
    assert metrics.prune() == 1 and MetricSample.objects.count() == 1


def test_perfreport_writes_a_report(settings, capsys):
    settings.HEALTH_URL = "http://127.0.0.1:9/api/health"
    call_command("perfreport")
    assert "cpu_percent" in capsys.readouterr().out
    report = next(Path(settings.REPORT_DIR).glob("performance_report_*.json"))
    assert json.loads(report.read_text(encoding="utf-8"))["current_metrics"]["api_status"] == "error"


def test_perfreport_watch_stops_cleanly_on_sigterm(settings):
    env = child_env(HEALTH_URL="http://127.0.0.1:9/x")
    process = subprocess.Popen([sys.executable, str(REPO / "manage.py"), "perfreport", "--watch",
                                "--interval", "0.2"], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while MetricSample.objects.count() < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "stopped" in out and MetricSample.objects.count() >= 2


def test_schedules_are_applied_once_by_name():
    from django_q.models import Schedule

    ensure_schedules()
    ensure_schedules()
    names = list(Schedule.objects.values_list("name", flat=True))
    assert sorted(names) == sorted(job.name for job in SCHEDULES)
    Schedule.objects.filter(name="metrics-sample").update(func="os.system")
    ensure_schedules()
    assert Schedule.objects.get(name="metrics-sample").func == "operations.tasks.sample_metrics"


def test_preflight_passes_and_names_pending_migrations(capsys):
    call_command("preflight")
    out = capsys.readouterr().out
    assert "Database connection: OK" in out and "expired cache entries" in out
    call_command("migrate", "generator", "0003", verbosity=0)
    try:
        with pytest.raises(CommandError, match="migrations are not applied"):
            call_command("preflight")
    finally:
        call_command("migrate", verbosity=0)


def test_preflight_checks_redis_and_the_shared_files(capsys, settings):
    call_command("preflight")
    out = capsys.readouterr().out
    assert "Shared files: OK" in out
    assert ("Redis: OK" in out) == bool(settings.REDIS_URL)


@pytest.mark.parametrize("env, message", [
    ({"REDIS_URL": "redis://127.0.0.1:9/0"}, "cannot connect to Redis"),
    ({"MEDIA_STORAGE_URL": "s3://bcgslides-files?endpoint_url=http://127.0.0.1:9",
      "AWS_ACCESS_KEY_ID": "AKIDPREFLIGHT", "AWS_SECRET_ACCESS_KEY": "preflight-secret-value"},
     "cannot reach"),
])
def test_preflight_fails_when_a_service_is_unreachable(env, message):
    result = subprocess.run([sys.executable, "manage.py", "preflight"], cwd=REPO,
                            env=child_env(**env), capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and message in result.stderr
    assert "preflight-secret-value" not in result.stdout + result.stderr


def test_maintenance_prunes_old_reports_and_rotated_logs(settings, tmp_path):
    from operations import maintenance

    settings.REPORT_DIR, settings.LOG_DIR = tmp_path / "reports", tmp_path / "logs"
    for folder in (settings.REPORT_DIR, settings.LOG_DIR):
        folder.mkdir()
    old = settings.REPORT_DIR / "health_report_20200101_000000.json"
    new = settings.REPORT_DIR / "health_report_20991231_000000.json"
    rotated, live = settings.LOG_DIR / "app.log.1", settings.LOG_DIR / "app.log"
    for path in (old, new, rotated, live):
        path.write_text("{}")
    past = time.time() - 90 * 86400
    os.utime(old, (past, past))
    os.utime(rotated, (past, past))
    os.utime(live, (past, past))
    assert maintenance.prune_reports() == [old.name]
    assert maintenance.prune_logs() == [rotated.name]
    assert live.exists() and new.exists()
