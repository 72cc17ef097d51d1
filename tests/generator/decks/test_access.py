"""One rule for every per-deck URL: the deck page, the .pptx (page and API), the PDF, the
slide pictures and the API status answer the owner and users holding the view
permission (superusers included); anyone else, staff included, gets 404 everywhere."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission

from generator import tasks

from generator.api import tokens
from generator.models import GeneratedPresentation

pytestmark = pytest.mark.django_db

SPEC = {"title": "Access", "slides": [
    {"kind": "message", "title": "Only the owner and auditors see this", "points": ["a"]}]}


def deck_urls(pk: int) -> list[str]:
    return [f"/decks/{pk}/", f"/decks/{pk}/download/", f"/decks/{pk}/pdf/",
            f"/decks/{pk}/slides/1.png", f"/api/presentations/{pk}",
            f"/api/presentations/{pk}/download"]


@pytest.fixture
def auditor(django_user_model):
    """Staff granted only the view permission on presentations in the admin."""
    user = django_user_model.objects.create_user("auditor", "a@example.com", "pw-audit-123",
                                                 is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_generatedpresentation"))
    return user


@pytest.fixture
def rendered_deck(alice):
    """alice's deck with its .pptx, PDF and slide pictures (real LibreOffice)."""
    row = GeneratedPresentation.objects.create(owner=alice, source_kind="spec", spec=SPEC,
                                               source_text=json.dumps(SPEC), title="Access")
    tasks.generate_presentation(row.pk)
    tasks.render_previews(row.pk)
    row.refresh_from_db()
    assert row.status == GeneratedPresentation.Status.DONE
    return row


def statuses(client, urls) -> dict[str, int]:
    answers = {}
    for url in urls:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)  # consuming it closes the file
        answers[url] = response.status_code
    return answers


@pytest.mark.slow
def test_every_deck_url_follows_the_same_rule(client, rendered_deck, alice, bob, staff, admin,
                                              auditor):
    urls = deck_urls(rendered_deck.pk)
    for user, expected in [(alice, 200), (admin, 200), (auditor, 200), (bob, 404), (staff, 404)]:
        client.force_login(user)
        assert statuses(client, urls) == dict.fromkeys(urls, expected), user.username
        client.logout()


@pytest.mark.slow
def test_tokens_follow_the_same_rule(client, rendered_deck, bob, staff, auditor):
    api = deck_urls(rendered_deck.pk)[-2:]
    for user, expected in [(auditor, 200), (bob, 404), (staff, 404)]:
        key = tokens.create(user=user)[1]
        for url in api:
            response = client.get(url, HTTP_AUTHORIZATION=f"Token {key}")
            assert response.status_code == expected, (user.username, url)
            if response.streaming:
                b"".join(response.streaming_content)


@pytest.mark.slow
def test_only_the_owner_changes_a_deck(client, rendered_deck, alice, admin):
    pk = rendered_deck.pk
    client.force_login(admin)
    page = client.get(f"/decks/{pk}/").content.decode()
    assert f"/decks/{pk}/download/" in page and f"/decks/{pk}/edit/" not in page
    assert client.get(f"/decks/{pk}/edit/").status_code == 404
    assert client.post(f"/decks/{pk}/storyline/", {"storyline": "{}"}).status_code == 404
    client.force_login(alice)
    assert f"/decks/{pk}/edit/" in client.get(f"/decks/{pk}/").content.decode()


def test_a_deactivated_auditor_sees_nothing(client, alice, auditor):
    row = GeneratedPresentation.objects.create(owner=alice, source_kind="spec", spec=SPEC,
                                               source_text=json.dumps(SPEC), title="Access")
    from generator.decks import access

    assert access.visible_decks(auditor).filter(pk=row.pk).exists()
    auditor.is_active = False
    assert not access.visible_decks(auditor).filter(pk=row.pk).exists()
