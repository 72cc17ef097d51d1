"""Health checks: levels, thresholds, the endpoint's status codes, the command's exit codes."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from generator.models import ApiUsage
from operations import health, logtail
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db(transaction=True)  # the probes use their own connections


@pytest.fixture(autouse=True)
def own_data_dir(settings, tmp_path):
    """A DATA_DIR of this test's own: no health snapshot left by another test."""
    return use_local_files(settings, tmp_path / "data")


def test_the_endpoint_reports_every_check(client, staff):
    client.force_login(staff)  # the details are for staff (test_health_snapshot.py)
    response = client.get("/api/health")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "warning"  # no qcluster runs here: queued work would wait
    assert data["checks"]["task_queue"]["status"] == "warning"
    assert data["checks"]["database"]["status"] == "healthy"
    assert {"database", "cache", "storage", "disk_space", "memory", "logs", "api_costs",
            "task_queue"} <= set(data["checks"])
    assert data["checks"]["database"]["asset_count"] == 0
    assert data["duration_ms"] >= 0


def test_with_a_running_cluster_all_is_healthy_and_a_warning_still_answers_200(
        client, settings, qcluster, staff):
    client.force_login(staff)
    healthy = client.get("/api/health")
    assert healthy.status_code == 200 and healthy.json()["status"] == "healthy", healthy.json()
    assert healthy.json()["checks"]["task_queue"]["clusters"] >= 1
    settings.HEALTH_DISK_WARNING_PERCENT = 0.0
    data = client.get("/api/health?fresh=1")  # not the report of a moment ago
    assert data.status_code == 200 and data.json()["status"] == "warning"
    assert data.json()["checks"]["disk_space"]["status"] == "warning"


def test_critical_answers_503(client, settings):
    settings.HEALTH_MEMORY_WARNING_PERCENT = 0.0
    settings.HEALTH_MEMORY_CRITICAL_PERCENT = 0.0
    response = client.get("/api/health")
    assert response.status_code == 503 and response.json()["status"] == "critical"


def test_monthly_cost_levels_come_from_api_usage(settings):
    settings.API_COST_WARNING_JPY, settings.API_COST_LIMIT_JPY = 100.0, 200.0
    ApiUsage.objects.create(model="m", cost_jpy=Decimal("150"))
    assert health.check_api_costs()["status"] == "warning"
    ApiUsage.objects.create(model="m", cost_jpy=Decimal("60"))
    costs = health.check_api_costs()
    assert costs["status"] == "critical" and costs["monthly_cost_jpy"] == 210.0


def test_logs_warn_on_recent_errors_read_from_the_end(tmp_path, settings):
    settings.LOG_DIR = tmp_path
    log = tmp_path / "app.log"
    lines = ["2026-01-01 INFO x ok"] * 5000 + ["2026-01-01 ERROR x boom"] * 11
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert logtail.last_lines(log, 3) == ["2026-01-01 ERROR x boom"] * 3
    result = health.check_logs()
    assert result["files"]["app.log"]["recent_errors"] == 11
    assert result["status"] == "warning"
    assert result["files"]["app_error.log"]["status"] == "missing"


def test_logs_warn_above_the_size_limit(tmp_path, settings):
    settings.LOG_DIR = tmp_path
    settings.HEALTH_LOG_WARNING_MB = 0.001
    (tmp_path / "app.log").write_text("x" * 5000 + "\n", encoding="utf-8")
    assert health.check_logs()["files"]["app.log"]["status"] == "warning"


def test_the_levels_order():
    assert health.overall(["healthy", "warning", "unhealthy"]) == "unhealthy"
    assert health.overall(["unhealthy", "critical"]) == "critical"
    assert [health.exit_code(s) for s in ("healthy", "warning", "unhealthy", "critical")] == [
        0, 2, 1, 1]


def test_the_command_prints_the_summary_saves_a_report_and_exits(settings, capsys, qcluster):
    call_command("healthcheck")
    out = capsys.readouterr().out
    assert "HEALTHY" in out and "[DATABASE]" in out
    reports = list(Path(settings.REPORT_DIR).glob("health_report_*.json"))
    assert reports and json.loads(reports[0].read_text(encoding="utf-8"))["status"] == "healthy"
    settings.HEALTH_DISK_WARNING_PERCENT = 0.0
    with pytest.raises(SystemExit) as warning:
        call_command("healthcheck", "--json")
    assert warning.value.code == 2
    assert json.loads(capsys.readouterr().out)["status"] == "warning"
    settings.HEALTH_DISK_CRITICAL_PERCENT = 0.0
    with pytest.raises(SystemExit) as critical:
        call_command("healthcheck")
    assert critical.value.code == 1


def test_the_summary_is_japanese_for_japanese_operators(settings, capsys):
    from django.utils import translation

    with translation.override("ja"), pytest.raises(SystemExit):  # warning: no cluster here
        call_command("healthcheck")
    out = capsys.readouterr().out
    assert "全体ステータス" in out and "ヘルスレポートを保存しました" in out


def test_no_secret_reaches_the_report(client, settings):
    settings.OPENAI_API_KEY = "sk-health-secret-0123456789"
    body = client.get("/api/health").content.decode()
    assert settings.OPENAI_API_KEY not in body and settings.SECRET_KEY not in body


def test_without_a_cluster_the_queue_warns():
    result = health.check_task_queue()
    assert result["status"] == "warning" and "no qcluster" in result["error"]


def test_tasks_stats_endpoint(client):
    data = client.get("/api/tasks/stats").json()
    assert {"queue_size", "total_tasks", "failures", "workers"} <= set(data)


def test_a_deck_whose_worker_went_silent_is_reported(client, staff):
    from datetime import timedelta

    from django.utils import timezone

    from generator.models import GeneratedPresentation

    silent = timezone.now() - timedelta(minutes=10)
    row = GeneratedPresentation.objects.create(
        title="x", source_kind="spec", status="running", worker="gone-host:1",
        heartbeat_at=silent, started_at=silent)
    GeneratedPresentation.objects.create(title="y", source_kind="spec", status="running",
                                         worker="busy-host:2", heartbeat_at=timezone.now(),
                                         started_at=silent)  # long, but alive
    client.force_login(staff)
    decks = client.get("/api/health").json()["checks"]["decks"]
    assert decks == {"status": "warning", "stuck_running": 1, "ids": [row.pk]}


def test_the_queue_names_its_broker(client, settings):
    expected = "redis" if settings.REDIS_URL else "orm"
    assert client.get("/api/tasks/stats").json()["broker"] == expected


def test_a_cluster_that_stopped_is_not_counted_as_a_worker(qcluster):
    from operations import queue
    from tests.conftest import stop_cluster

    assert queue.stats()["clusters"] == 1
    stop_cluster(qcluster)
    assert queue.stats()["clusters"] == 0  # at once, though its last report lingers
