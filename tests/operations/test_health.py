"""Health checks: levels, thresholds, the endpoint's status codes, the command's exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
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
    _whatever_the_machine(settings)
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


def _whatever_the_machine(settings) -> None:
    """Disk and memory levels no machine reaches: the healthy case must not depend on how
    full the test machine's disk or memory is (the level tests set their own)."""
    settings.HEALTH_DISK_WARNING_PERCENT = settings.HEALTH_DISK_CRITICAL_PERCENT = 100.0
    settings.HEALTH_MEMORY_WARNING_PERCENT = settings.HEALTH_MEMORY_CRITICAL_PERCENT = 100.0


def test_the_command_prints_the_summary_saves_a_report_and_exits(settings, capsys, qcluster):
    _whatever_the_machine(settings)
    try:
        call_command("healthcheck")
    except SystemExit as exit_:
        pytest.fail(f"healthcheck exited {exit_.code}:\n{capsys.readouterr().out}")
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


# -- a full disk --------------------------------------------------------------------------------
# Real filesystems mounted in a mount namespace of the test's own (`unshare`): the mount
# vanishes with the process, whatever happens to the test.  As root, a tmpfs or a loop
# device; otherwise a user namespace, where a tmpfs is allowed but a loop device is not.
def _run_in_own_mount(script: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    namespace = ["unshare", "--mount", "--propagation", "private"]
    if os.geteuid() != 0:
        namespace[1:1] = ["--user", "--map-root-user"]
    result = subprocess.run([*namespace, "sh", "-ec", script], env=env, capture_output=True,
                            text=True, timeout=300)
    assert "mount:" not in result.stderr, f"could not mount a filesystem here: {result.stderr}"
    return result


def test_on_a_full_disk_the_command_prints_the_summary_says_the_report_is_lost_and_exits_1(
        tmp_path):
    from tests.conftest import REPO, child_env

    mount, out = tmp_path / "disk", tmp_path / "out"
    mount.mkdir()
    out.mkdir()
    env = child_env(DATA_DIR=str(mount / "data"), LOG_DIR=str(mount / "logs"),
                    REPORT_DIR=str(mount / "reports"), SECRET_KEY="full-disk-test-" + "k" * 40,
                    MNT=str(mount), OUT=str(out), PY=sys.executable)
    _run_in_own_mount(f"""
        mount -t tmpfs -o size=256k tmpfs "$MNT"
        mkdir "$MNT/data" "$MNT/logs" "$MNT/reports"
        dd if=/dev/zero of="$MNT/fill" bs=4k 2>/dev/null || true
        cd {REPO}
        rc=0; "$PY" manage.py healthcheck >"$OUT/stdout" 2>"$OUT/stderr" || rc=$?
        echo $rc >"$OUT/rc"
        rc=0; "$PY" manage.py healthcheck --json >"$OUT/json" 2>"$OUT/json-stderr" || rc=$?
        echo $rc >"$OUT/json-rc"
        df -k "$MNT" >"$OUT/df"
        ls -A "$MNT/reports" >"$OUT/reports"
    """, env)
    stdout, stderr = (out / "stdout").read_text(), (out / "stderr").read_text()
    assert (out / "rc").read_text().strip() == "1", stdout + stderr
    assert " 100% " in (out / "df").read_text()  # the disk really was full
    assert "Overall status: CRITICAL" in stdout and "[DISK_SPACE]" in stdout
    assert "[STORAGE]" in stdout and "No space left on device" in stdout
    assert "The health report could not be saved (OSError: No space left on device)." in stderr
    assert "Health report saved" not in stdout
    assert (out / "reports").read_text() == ""  # nothing half-written
    assert (out / "json-rc").read_text().strip() == "1"
    assert json.loads((out / "json").read_text())["status"] == "critical"  # stdout stays JSON
    assert "could not be saved" in (out / "json-stderr").read_text()
    assert str(mount) not in stdout  # (the log lines on stderr may say where, for us)
    assert "Traceback" not in stdout and "Logging error" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("The health report could not be saved")


def test_the_disk_check_counts_the_space_reserved_for_root_as_used(tmp_path):
    """The manual's used / total reads an ext4 disk with no space left but its 50 %
    reserve as half full: the check uses the free space an ordinary user has."""
    from tests.conftest import REPO, child_env

    image, mount, out = tmp_path / "disk.img", Path(tempfile.mkdtemp(dir="/tmp")), tmp_path / "out"
    out.mkdir()
    mount.chmod(0o755)  # under /tmp, not root's own 0700 tmp_path: an ordinary user fills it
    try:
        with image.open("wb") as handle:
            handle.truncate(16 * 1024 * 1024)
        subprocess.run(["mkfs.ext4", "-q", "-F", "-m", "50", str(image)], check=True,
                       capture_output=True)
        env = child_env(DATA_DIR=str(mount / "data"), REPORT_DIR=str(out / "reports"),
                        LOG_DIR=str(out / "logs"), SECRET_KEY="reserve-test-" + "k" * 40,
                        IMG=str(image), MNT=str(mount), OUT=str(out), PY=sys.executable)
        _run_in_own_mount(f"""
            mount -o loop "$IMG" "$MNT"
            chmod 777 "$MNT"
            setpriv --reuid=65534 --regid=65534 --clear-groups \
                dd if=/dev/zero of="$MNT/fill" bs=4k 2>/dev/null || true
            mkdir "$MNT/data"
            cd {REPO}
            "$PY" manage.py healthcheck --json >"$OUT/json" 2>"$OUT/stderr" || true
            "$PY" -c 'import os, sys; s = os.statvfs(sys.argv[1]); \
                print(s.f_blocks, s.f_bfree, s.f_bavail)' "$MNT" >"$OUT/statvfs"
        """, env)
        blocks, bfree, bavail = map(int, (out / "statvfs").read_text().split())
        assert bavail / blocks < 0.01 and (blocks - bfree) / blocks < 0.6, (blocks, bfree, bavail)
        disk = json.loads((out / "json").read_text())["checks"]["disk_space"]
        assert disk["status"] == "critical" and disk["used_percent"] > 99, disk
    finally:
        mount.rmdir()


def test_the_disk_figure_is_the_space_left_to_the_app(settings):
    """On whatever disk the tests run: used / (used + available), as df's Use% counts."""
    disk = health.check_disk()
    stats = os.statvfs(settings.DATA_DIR)
    used = stats.f_blocks - stats.f_bfree
    expected = used / (used + stats.f_bavail) * 100
    assert abs(disk["used_percent"] - expected) < 0.5, (disk, expected)
