"""Decks as the web UI and API see them: queue, version, select per owner.

Views and API endpoints call these; the work itself runs in tasks
(`generator.tasks`) through `generator.decks.generate.run`.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max, Q, QuerySet

from generator.models import DesignAsset, GeneratedPresentation
from generator.spec import DeckSpec

Status = GeneratedPresentation.Status
SourceKind = GeneratedPresentation.SourceKind


def for_owner(user) -> QuerySet[GeneratedPresentation]:
    """The decks `user` owns, newest first (every version)."""
    return GeneratedPresentation.objects.filter(owner=user).select_related("asset")


def get_for_owner(user, pk: int) -> GeneratedPresentation:
    """`user`'s deck `pk`; raises DoesNotExist for anyone else's (the caller answers 404)."""
    return for_owner(user).get(pk=pk)


def _next_version(parent: GeneratedPresentation | None) -> tuple[GeneratedPresentation | None, int]:
    if parent is None:
        return None, 1
    root = parent.parent or parent
    latest = root.versions.aggregate(top=Max("version"))["top"] or root.version
    return root, max(latest, root.version) + 1


def queue_deck(*, owner, spec: DeckSpec, source_kind: str, source_text: str,
               asset: DesignAsset | None = None,
               parent: GeneratedPresentation | None = None) -> GeneratedPresentation:
    """Record a validated deck as queued (a new version of `parent` if given) and enqueue it."""
    from generator.tasks import enqueue_generation

    with transaction.atomic():
        root, version = _next_version(parent)
        row = GeneratedPresentation.objects.create(
            owner=owner, title=spec.title[:500], source_kind=source_kind, source_text=source_text,
            spec=spec.model_dump(mode="json", exclude_defaults=True), asset=asset,
            status=Status.QUEUED, stage="queued", parent=root, version=version,
        )
    transaction.on_commit(lambda: enqueue_generation(row.pk))
    return row


def queue_brief(*, owner, brief: str, asset: DesignAsset | None = None,
                parent: GeneratedPresentation | None = None) -> GeneratedPresentation:
    """Record a brief and enqueue its storyline draft (the user reviews it before the deck)."""
    from generator.tasks import enqueue_storyline

    with transaction.atomic():
        root, version = _next_version(parent)
        row = GeneratedPresentation.objects.create(
            owner=owner, title=brief.splitlines()[0][:200], source_kind=SourceKind.BRIEF,
            source_text=brief, asset=asset, status=Status.QUEUED, stage="queued",
            parent=root, version=version,
        )
    transaction.on_commit(lambda: enqueue_storyline(row.pk))
    return row


def versions(row: GeneratedPresentation) -> QuerySet[GeneratedPresentation]:
    """Every version of the deck `row` belongs to, oldest first."""
    root = row.parent or row
    return GeneratedPresentation.objects.filter(Q(pk=root.pk) | Q(parent=root)).order_by(
        "version")
