"""django-q2 task functions: one-line calls into the domain modules, by id."""

from __future__ import annotations

import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def generate_presentation(presentation_id: int) -> int:
    """Generate a queued deck, then queue its deck_pictures."""
    from generator.decks import generate

    row = generate.run(presentation_id)
    if row.status == row.Status.DONE:
        enqueue_previews(row.pk)
    return row.pk


def draft_storyline(presentation_id: int) -> int:
    """Draft the storyline of a brief; the row then waits for the user's review."""
    from generator.decks import briefs

    briefs.draft_for(presentation_id)
    return presentation_id


def render_previews(presentation_id: int) -> int:
    from generator.previews import deck_pictures

    deck_pictures.ensure_previews(presentation_id)
    return presentation_id


def render_asset_thumbnails(asset_id: int) -> int:
    from generator.learning.layout_pictures import ensure_layout_pictures
    from generator.models import DesignAsset
    from generator.previews.soffice import ensure_asset_thumbnails

    asset = DesignAsset.objects.get(pk=asset_id)
    count = len(ensure_asset_thumbnails(asset))
    ensure_layout_pictures(asset)  # the design page's pictures of its empty layouts
    return count


def enqueue_asset_thumbnails(asset_id: int) -> str | None:
    from django_q.tasks import async_task

    from generator.previews.soffice import available

    if not available():
        return None
    return async_task("generator.tasks.render_asset_thumbnails", asset_id,
                      task_name=f"asset-thumbnails-{asset_id}",
                      timeout=settings.Q_CLUSTER["timeout"])


def on_task_done(task) -> None:
    """Hook: a task that failed outside our own handling (timeout, crash) fails its deck."""
    if task.success:
        return
    from generator.decks import generate

    presentation_id = (task.args or [None])[0]
    reason = str(task.result or "the task failed").splitlines()[0][:500]
    if presentation_id is not None:
        generate.record_failure_if_unfinished(presentation_id, reason)


def recover_stalled_presentations() -> dict:
    """Schedule: decks whose worker died (killed, lost host) are queued again or failed."""
    from generator.decks import liveness

    return liveness.recover_stalled().as_dict()


def _enqueue(func: str, presentation_id: int, name: str) -> str:
    from django_q.tasks import async_task

    return async_task(f"generator.tasks.{func}", presentation_id, hook="generator.tasks.on_task_done",
                      task_name=f"{name}-{presentation_id}", timeout=settings.Q_CLUSTER["timeout"])


def enqueue_generation(presentation_id: int) -> str:
    return _enqueue("generate_presentation", presentation_id, "deck")


def enqueue_storyline(presentation_id: int) -> str:
    return _enqueue("draft_storyline", presentation_id, "storyline")


def enqueue_job(job: str, presentation_id: int) -> str:
    """Queue the task that runs `job` ('deck' or 'storyline') for a row."""
    from generator.models import GeneratedPresentation

    if job == GeneratedPresentation.Job.STORYLINE:
        return enqueue_storyline(presentation_id)
    return enqueue_generation(presentation_id)


def enqueue_previews(presentation_id: int) -> str | None:
    from generator.previews import deck_pictures

    if not deck_pictures.available():
        return None
    return _enqueue("render_previews", presentation_id, "previews")
