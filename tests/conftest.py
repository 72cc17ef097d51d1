"""Shared actors and paths for every test.

Actors follow healthchecks' alice/bob/charlie: `admin` (superuser), `staff`
(staff but not superuser), `alice` (a regular user) and `bob` (another one,
who must never see alice's things).
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Real decks and outlines written by others (licences in MANIFEST.tsv), vendored
# so that a clean checkout tests the same files.
CORPUS = REPO / "tests" / "corpus"


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture
def corpus_pptx() -> list[Path]:
    return sorted((CORPUS / "pptx").glob("*.pptx"))


@pytest.fixture
def corpus_markdown() -> list[Path]:
    return sorted((CORPUS / "markdown").glob("*.md"))


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-123")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "staffer", "staff@example.com", "pw-staff-123", is_staff=True
    )


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.com", "pw-alice-123")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", "bob@example.com", "pw-bob-123")
