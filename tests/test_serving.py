"""Production serving: gunicorn with the shipped config, whitenoise, TLS-proxy settings,
Django's deployment checks — through a real server on loopback."""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO, child_env

pytestmark = pytest.mark.django_db(transaction=True)


def production_env(**extra: str) -> dict[str, str]:
    return child_env(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(60),
                     ALLOWED_HOSTS="127.0.0.1,slides.example.com", **extra)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path):
    """Start gunicorn with gunicorn.conf.py (2 workers) on a free port; yields its port."""
    started = []

    def start(**env: str) -> int:
        port = free_port()
        env = {"STATIC_ROOT": str(tmp_path / "static"), **env}
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                       cwd=REPO, env=production_env(**env), check=True, timeout=120)
        log = open(tmp_path / "gunicorn.log", "ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "bcgslides.wsgi"],
            cwd=REPO, env=production_env(BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2", **env),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        started.append((process, log))
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port
            except OSError:
                assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)

    yield start
    for process, log in started:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def get(port: int, path: str, **headers: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_the_deployment_checks_pass_in_production_settings():
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy",
                             "--fail-level", "WARNING"], cwd=REPO, capture_output=True,
                            text=True, env=production_env(HTTPS="true"), timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_gunicorn_serves_the_app_and_compressed_static_files(gunicorn):
    port = gunicorn()
    health = get(port, "/api/health")
    assert health.status in (200, 503)
    assert {"status", "checks"} <= set(json.loads(health.body))
    css = get(port, "/static/generator/app.css", **{"Accept-Encoding": "gzip"})
    assert css.status == 200 and css.getheader("Content-Encoding") == "gzip"
    assert "max-age" in (css.getheader("Cache-Control") or "")
    assert get(port, "/", Host="evil.example.com").status == 400  # ALLOWED_HOSTS holds
    login = get(port, "/accounts/login/")
    assert login.status == 200 and login.getheader("X-Frame-Options") == "DENY"


def test_behind_a_tls_proxy_cookies_are_secure_and_plain_http_is_redirected(gunicorn):
    port = gunicorn(HTTPS="true")
    plain = get(port, "/accounts/login/")
    assert plain.status == 301 and plain.getheader("Location").startswith("https://")
    assert get(port, "/api/health").status in (200, 503)  # the balancer's probes stay plain
    assert get(port, "/api/health/live").status == 200
    proxied = get(port, "/accounts/login/", **{"X-Forwarded-Proto": "https"})
    assert proxied.status == 200
    cookie = proxied.getheader("Set-Cookie") or ""
    assert "csrftoken=" in cookie and "Secure" in cookie
