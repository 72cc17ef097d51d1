"""The metrics page: each chart says its real peak and last value with their unit, has a
scale in that unit and the time of day along the bottom, in English and in Japanese; the
list's columns carry their units too.  Real rows, Django's test client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from operations import admin as operations_admin
from operations.metrics import UNREACHABLE
from operations.models import MetricSample

pytestmark = pytest.mark.django_db
URL = "/admin/operations/metricsample/"


@pytest.fixture
def samples():
    """Twelve minutes: memory peaks at 42.5 % and ends at 18.4 %; the health endpoint was
    unreachable once (999 s), which is no peak of 999 000 ms."""
    start = timezone.now() - timedelta(minutes=12)
    memory = [20.0, 30.0, 42.5, 35.0, 25.0, 22.0, 21.0, 20.0, 19.0, 18.9, 18.5, 18.4]
    rows = []
    for i, used in enumerate(memory):
        rows.append(MetricSample.objects.create(
            timestamp=start + timedelta(minutes=i), cpu_percent=5.0 + i, memory_percent=used,
            disk_usage_percent=61.0, database_response_time=0.002 + i / 1000,
            api_response_time=UNREACHABLE if i == 3 else 0.120, queue_size=i % 4))
    return rows


def _figure(page: str, metric: str) -> str:
    match = re.search(rf'<figure[^>]*data-metric="{metric}".*?</figure>', page, re.S)
    assert match, metric
    return match.group(0)


def _summary(figure: str) -> str:
    return re.search(r'class="metric-summary">\((.*?)\)</span>', figure).group(1)


def test_each_chart_says_its_real_peak_and_last_value_with_the_unit(client, staff, samples):
    client.force_login(staff)
    page = client.get(URL).content.decode()
    assert "max 100" not in page
    assert _summary(_figure(page, "memory_percent")) == "peak 42.5%, last 18.4%"
    assert _summary(_figure(page, "cpu_percent")) == "peak 16%, last 16%"
    assert _summary(_figure(page, "database_response_time")) == "peak 13 ms, last 13 ms"
    api = _summary(_figure(page, "api_response_time"))
    assert api == "peak 120 ms, last 120 ms · unreachable once"
    assert _summary(_figure(page, "queue_size")) == "peak 3 tasks, last 3 tasks"


def test_each_chart_has_a_scale_in_its_unit_and_the_time_of_day(client, staff, samples):
    client.force_login(staff)
    page = client.get(URL).content.decode()
    memory = _figure(page, "memory_percent")
    assert re.findall(r'class="y-tick"[^>]*>([^<]+)<', memory) == ["0%", "50%", "100%"]
    database = _figure(page, "database_response_time")
    assert re.findall(r'class="y-tick"[^>]*>([^<]+)<', database) == ["0", "10", "20"]
    assert re.findall(r'class="y-unit"[^>]*>([^<]+)<', database) == ["ms"]
    queue = _figure(page, "queue_size")  # whole tasks only: 0 and 5, no 2.5
    assert re.findall(r'class="y-tick"[^>]*>([^<]+)<', queue) == ["0", "5"]
    assert "y-unit" not in memory
    first, last = (timezone.localtime(samples[i].timestamp) for i in (0, -1))
    times = re.findall(r'class="x-tick"[^>]*>([^<]+)<', memory)
    assert times[0] == f"{first:%H:%M}" and times[-1] == f"{last:%H:%M}" and len(times) == 3
    assert "Time of day" in memory and "<polyline" in memory


def test_the_page_in_japanese(client, staff, samples):
    client.force_login(staff)
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    memory = _figure(page, "memory_percent")
    assert "メモリ使用率" in memory and _summary(memory) == "最大 42.5%、直近 18.4%"
    assert "時刻" in memory
    queue = _figure(page, "queue_size")
    assert _summary(queue) == "最大 3 件、直近 3 件"
    assert re.findall(r'class="y-unit"[^>]*>([^<]+)<', _figure(page, "api_response_time")) == [
        "ミリ秒"]
    for header in ("CPU(%)", "メモリ(%)", "ディスク(%)", "データベースの応答(ミリ秒)"):
        assert header in page
    assert "Cpu percent" not in page and "Memory percent" not in page


def test_the_list_columns_carry_units(client, staff, samples):
    client.force_login(staff)
    page = client.get(URL).content.decode()
    for header in ("CPU (%)", "Memory (%)", "Disk (%)", "Health check response (ms)",
                   "Database response (ms)", "Queued tasks"):
        assert header in page
    assert "unreachable" in page  # the 999 s sample, in words


def test_no_samples_says_how_they_come(client, staff):
    client.force_login(staff)
    page = client.get(URL).content.decode()
    assert "No samples yet" in page and "metric-charts" not in page


@pytest.mark.parametrize("peak, top", [(0.0, 1.0), (0.3, 0.5), (13.0, 20.0), (120.0, 200.0),
                                       (250.0, 250.0), (3.0, 5.0), (1000.0, 1000.0)])
def test_the_scale_is_a_round_number_above_the_peak(peak, top):
    assert operations_admin._nice_top(peak) == pytest.approx(top)


def test_the_health_page_in_japanese(client, staff, monkeypatch):
    report = {"status": "critical", "timestamp": "2026-12-06T09:00:00+09:00", "duration_ms": 8.0,
              "checks": {"disk_space": {"status": "warning", "free_gb": 7.5, "used_percent": 82.1},
                         "task_queue": {"status": "critical", "total_tasks": 4}}}
    monkeypatch.setattr(operations_admin.health, "run_checks", lambda: report)
    client.force_login(staff)
    page = client.get(URL + "health/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "重大" in page and "CRITICAL" not in page and "ディスク容量" in page
    assert "空き: 7.5 GB" in page and "使用率: 82.1%" in page and "タスクの総数: 4" in page
    english = client.get(URL + "health/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Disk space" in english and "free: 7.5 GB" in english
