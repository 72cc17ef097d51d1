"""API tokens end when revoked (page, command, admin), when the password changes by any
path, and when the user is deactivated; Django's own re-hash at login does not end them."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import CommandError, call_command

from generator.api import tokens
from generator.models import ApiToken

pytestmark = pytest.mark.django_db


def auth(key):
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def works(client, key) -> bool:
    """Whether `key` opens the API; anything but 200 or 401 is a failure of the test."""
    status = client.get("/api/presentations", **auth(key)).status_code
    assert status in (200, 401), status
    return status == 200


@pytest.fixture
def alice_key(alice):
    return tokens.create(user=alice, name="ci")[1]


# -- the page -------------------------------------------------------------------------------
def test_the_page_needs_login(client):
    response = client.get("/accounts/tokens/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_user_creates_a_token_and_sees_its_key_once(client, alice):
    client.force_login(alice)
    response = client.post("/accounts/tokens/", {"name": "nightly report"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    key = response.context["new_key"]
    assert key.startswith("bcg_") and key in response.content.decode()
    assert works(client, key)
    page = client.get("/accounts/tokens/").content.decode()
    assert key not in page  # never again
    token = ApiToken.objects.get(user=alice)
    assert f"{token.prefix}…" in page and "nightly report" in page and "active" in page
    assert "Authorization: Token &lt;key&gt;" in page


def test_a_user_revokes_a_token_and_it_answers_401_at_once(client, alice, alice_key):
    assert works(client, alice_key)
    client.force_login(alice)
    token = ApiToken.objects.get(user=alice)
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == "/accounts/tokens/"
    client.logout()
    assert not works(client, alice_key)
    client.force_login(alice)
    page = client.get("/accounts/tokens/").content.decode()
    assert "revoked" in page and f"/accounts/tokens/{token.pk}/revoke/" not in page


def test_another_users_token_cannot_be_revoked_or_seen(client, alice, bob, alice_key):
    token = ApiToken.objects.get(user=alice)
    client.force_login(bob)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert client.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    assert token.prefix not in client.get("/accounts/tokens/").content.decode()
    client.logout()
    assert works(client, alice_key)


def test_a_too_long_name_is_refused_and_nothing_is_stored(client, alice):
    client.force_login(alice)
    response = client.post("/accounts/tokens/", {"name": "x" * 101})
    assert response.status_code == 400 and not response.context["new_key"]
    assert not ApiToken.objects.exists()


# -- password changes and deactivation ----------------------------------------------------
def test_set_password_ends_the_users_tokens_only(client, alice, bob, alice_key):
    bob_key = tokens.create(user=bob)[1]
    alice.set_password("a-new-password-456")
    alice.save()
    assert not works(client, alice_key)
    assert works(client, bob_key)
    fresh = tokens.create(user=alice)[1]  # made under the new password: works
    assert works(client, fresh)


def test_a_user_changing_their_password_ends_their_tokens_and_stays_logged_in(client, alice,
                                                                              alice_key):
    assert client.get("/accounts/password/").status_code == 302  # login first
    client.force_login(alice)
    wrong = client.post("/accounts/password/", {"old_password": "nope", "new_password1": "x",
                                                "new_password2": "y"})
    assert wrong.status_code == 200 and works(client, alice_key)  # refused: nothing changed
    response = client.post("/accounts/password/", {
        "old_password": "pw-alice-123", "new_password1": "a-new-password-456",
        "new_password2": "a-new-password-456"}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/tokens/"
    assert "no longer work" in response.content.decode()
    assert "ended: the password changed" in response.content.decode()
    assert client.get("/").status_code == 200  # the session survives its own change
    assert not works(client, alice_key)


def test_a_password_changed_in_the_admin_ends_tokens(client, admin, alice, alice_key):
    client.force_login(admin)
    response = client.post(f"/admin/auth/user/{alice.pk}/password/", {
        "password1": "a-new-password-456", "password2": "a-new-password-456",
        "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:500]
    client.logout()
    assert not works(client, alice_key)


def test_a_raw_update_of_the_hash_ends_tokens(client, alice, alice_key, django_user_model):
    from django.contrib.auth.hashers import make_password

    django_user_model.objects.filter(pk=alice.pk).update(password=make_password("other-pw-789"))
    assert not works(client, alice_key)


def test_an_unusable_password_ends_tokens(client, alice, alice_key):
    alice.set_unusable_password()
    alice.save()
    assert not works(client, alice_key)


def test_deactivation_ends_tokens(client, alice, alice_key):
    alice.is_active = False
    alice.save()
    assert not works(client, alice_key)
    with pytest.raises(ValueError, match="inactive"):
        tokens.create(user=alice)


def test_djangos_rehash_at_login_keeps_tokens(client, alice, settings):
    """After a Django upgrade raises the hasher's cost, the next login re-hashes the same
    password; that is no password change and must not end every script's token."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    weak = PBKDF2PasswordHasher().encode("pw-alice-123", "somesalt1234", iterations=1000)
    alice.password = weak
    alice.save()
    key = tokens.create(user=alice)[1]
    response = client.post("/accounts/login/", {"username": "alice", "password": "pw-alice-123"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.password != weak  # Django re-hashed it...
    client.logout()
    assert works(client, key)  # ...and the token still answers
    alice.set_password("a-new-password-456")  # a real change still ends it
    alice.save()
    assert not works(client, key)


def test_refusals_are_logged_with_a_reason_but_never_the_key(client, alice, alice_key, settings):
    tokens.revoke(tokens.for_user(alice))
    assert not works(client, alice_key)
    assert not works(client, "bcg_not-a-real-key")
    log = (settings.LOG_DIR / "app.log").read_text(encoding="utf-8")
    assert "revoked" in log and "unknown key" in log and "127.0.0.1" in log
    assert alice_key not in log and "bcg_not-a-real-key" not in log


# -- the command -----------------------------------------------------------------------------
def test_the_command_lists_and_revokes_by_prefix(client, alice, alice_key, capsys):
    other = tokens.create(user=alice, name="backup")[1]
    call_command("apitoken", "alice", "--list")
    listing = capsys.readouterr().out
    assert alice_key[:12] in listing and other[:12] in listing and "active" in listing
    assert alice_key not in listing
    call_command("apitoken", "alice", "--revoke", alice_key[:12])
    assert "revoked" in capsys.readouterr().out
    assert not works(client, alice_key) and works(client, other)
    call_command("apitoken", "alice", "--list")
    assert "revoked" in capsys.readouterr().out
    call_command("apitoken", "alice", "--revoke-all")
    assert not works(client, other)


@pytest.mark.parametrize("prefix, message", [
    ("bcg_zzzzzzzz", "no token starting with"), ("bc", "at least the first 4")])
def test_the_command_refuses_a_prefix_that_names_no_token(alice, alice_key, prefix, message):
    with pytest.raises(CommandError, match=message):
        call_command("apitoken", "alice", "--revoke", prefix)
    assert ApiToken.objects.get().revoked_at is None


def test_the_command_refuses_an_ambiguous_prefix(alice, alice_key):
    tokens.create(user=alice)
    with pytest.raises(CommandError, match="Several tokens"):
        call_command("apitoken", "alice", "--revoke", "bcg_")
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


def test_the_command_cannot_revoke_another_users_token(alice, bob, alice_key):
    with pytest.raises(CommandError, match="no token"):
        call_command("apitoken", "bob", "--revoke", alice_key[:12])


def test_the_command_refuses_an_unknown_or_inactive_user(alice):
    with pytest.raises(CommandError, match="No user"):
        call_command("apitoken", "nobody")
    alice.is_active = False
    alice.save()
    with pytest.raises(CommandError, match="inactive"):
        call_command("apitoken", "alice")
    assert not ApiToken.objects.exists()


# -- the admin -------------------------------------------------------------------------------
def test_the_admin_revokes_with_an_action_and_deletes(client, admin, alice, alice_key):
    other = tokens.create(user=alice, name="second")[1]
    token, second = ApiToken.objects.get(name="ci"), ApiToken.objects.get(name="second")
    client.force_login(admin)
    assert client.get("/admin/generator/apitoken/").status_code == 200
    assert client.get("/admin/generator/apitoken/add/").status_code == 403  # keys shown once
    response = client.post("/admin/generator/apitoken/", {
        "action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    response = client.post(f"/admin/generator/apitoken/{second.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not ApiToken.objects.filter(pk=second.pk).exists()
    client.logout()
    assert not works(client, alice_key) and not works(client, other)


def test_staff_without_permission_cannot_reach_the_token_admin(client, staff, alice_key):
    client.force_login(staff)
    assert client.get("/admin/generator/apitoken/").status_code == 403


# -- migration 0006 ------------------------------------------------------------------------
def test_the_migration_anchors_existing_tokens_with_the_same_digest(client, alice, alice_key):
    from django.apps import apps

    ApiToken.objects.update(password_digest="")  # as a token made before 0006
    assert not works(client, alice_key)
    migration = importlib.import_module("generator.migrations.0006_api_token_revocation")
    migration.anchor_existing_tokens(apps, None)
    assert works(client, alice_key)
