"""Wrong passwords on the login page and the admin login: django-axes locks the user name
and address out after LOGIN_FAILURE_LIMIT failures, answers a translated 429 page, and
every failure reaches the app log without the password."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.http import HttpRequest

pytestmark = pytest.mark.django_db

LOGIN_PAGES = ["/accounts/login/", "/admin/login/"]
WRONG = "not-the-password-Zq81"


def attempt(client, url, username, password, address="10.0.0.1"):
    return client.post(url, {"username": username, "password": password, "next": "/"},
                       REMOTE_ADDR=address)


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_fifty_wrong_passwords_are_stopped_after_five(client, admin, url, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    statuses = [attempt(client, url, "root", WRONG).status_code for _ in range(50)]
    assert statuses[:4] == [200] * 4  # the form again, with its error
    assert set(statuses[4:]) == {429}, statuses  # the fifth failure locks
    # the right password no longer helps while the lock holds
    locked = attempt(client, url, "root", "pw-root-123")
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    page = locked.content.decode()
    assert "Too many failed logins" in page and "15 minutes" in page
    assert locked["Retry-After"] == str(15 * 60)


def test_the_lock_is_per_user_name_and_address(client, alice, bob):
    for _ in range(5):
        attempt(client, "/accounts/login/", "alice", WRONG)
    assert attempt(client, "/accounts/login/", "alice", "pw-alice-123").status_code == 429
    # another user from the same address, and alice from another address, still log in
    assert attempt(client, "/accounts/login/", "bob", "pw-bob-123").status_code == 302
    client.logout()
    response = attempt(client, "/accounts/login/", "alice", "pw-alice-123", address="10.0.0.2")
    assert response.status_code == 302


def test_the_lock_ends_after_the_cool_off(client, alice):
    for _ in range(5):
        attempt(client, "/accounts/login/", "alice", WRONG)
    assert attempt(client, "/accounts/login/", "alice", "pw-alice-123").status_code == 429
    # as if 16 minutes had passed since the last failure
    earlier = AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    AccessAttempt.objects.update(attempt_time=earlier)
    assert attempt(client, "/accounts/login/", "alice", "pw-alice-123").status_code == 302


def test_a_success_clears_earlier_failures(client, alice):
    for _ in range(4):
        attempt(client, "/accounts/login/", "alice", WRONG)
    assert attempt(client, "/accounts/login/", "alice", "pw-alice-123").status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "/accounts/login/", "alice", WRONG).status_code == 200
    assert attempt(client, "/accounts/login/", "alice", "pw-alice-123").status_code == 302


def test_failures_reach_the_app_log_without_the_password(client, alice, settings):
    for _ in range(6):
        attempt(client, "/admin/login/", "alice", WRONG, address="10.9.8.7")
    log = (settings.LOG_DIR / "app.log").read_text(encoding="utf-8")
    failures = [line for line in log.splitlines() if "login failure" in line]
    assert failures and all("alice" in line and "10.9.8.7" in line for line in failures)
    assert "Locking out" in log
    assert WRONG not in log
    assert WRONG not in str(AccessAttempt.objects.values_list("post_data", flat=True)[0])


def test_behind_a_trusted_proxy_each_client_has_its_own_lock(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "127.0.0.1"

    def through_proxy(password, client_address, claimed=""):
        forwarded = ", ".join(filter(None, [claimed, client_address]))
        return client.post("/accounts/login/", {"username": "alice", "password": password},
                           REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded)

    for _ in range(5):  # an attacker who also claims to be someone else
        through_proxy(WRONG, "203.0.113.5", claimed="198.51.100.7")
    assert through_proxy("pw-alice-123", "203.0.113.5").status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
    # alice, from her own address through the same proxy, is not locked out
    assert through_proxy("pw-alice-123", "198.51.100.7").status_code == 302


def test_without_trusted_proxies_a_forwarded_header_is_ignored(client, alice, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    for number in range(5):  # a new claimed address each time: still one lock
        client.post("/accounts/login/", {"username": "alice", "password": WRONG},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    assert attempt(client, "/accounts/login/", "alice", "pw-alice-123").status_code == 429


def test_a_user_name_cannot_forge_a_log_line(client, settings):
    attempt(client, "/accounts/login/", "eve\n2026-01-01 00:00:00 INFO forged line", WRONG)
    log = (settings.LOG_DIR / "app.log").read_text(encoding="utf-8")
    assert "login failure" in log
    assert not any(line.startswith("2026-01-01") for line in log.splitlines())


def test_the_lockout_page_follows_the_browser_language(client, alice):
    for _ in range(5):
        attempt(client, "/accounts/login/", "alice", WRONG)
    response = client.post("/accounts/login/", {"username": "alice", "password": WRONG},
                           REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 429
    assert '<html lang="ja">' in response.content.decode()


def test_test_clients_log_in_with_axes_on(client, alice, settings):
    """force_login, and login with a request, work for every other test module."""
    assert settings.AXES_ENABLED is not False
    client.force_login(alice)
    assert client.get("/").status_code == 200
    client.logout()
    assert client.login(request=HttpRequest(), username="alice", password="pw-alice-123")
    assert client.get("/").status_code == 200
