"""Putting work on the django-q2 queue: which task runs it, under what name, for how long.

A leaf: it imports nothing of the project, so the use cases that decide what runs next
(`generator.decks.lifecycle`) enqueue without importing the task layer that calls them
back (`generator.tasks`).  The dotted task paths are stored data (queued tasks, schedules):
they never change.
"""

from __future__ import annotations

from django.conf import settings
from django_q.tasks import async_task

TASKS = "generator.tasks"
ON_DONE = f"{TASKS}.on_task_done"  # fails a deck whose task died outside our own handling


def _deck_task(func: str, presentation_id: int, name: str) -> str:
    return async_task(f"{TASKS}.{func}", presentation_id, hook=ON_DONE,
                      task_name=f"{name}-{presentation_id}", timeout=settings.Q_CLUSTER["timeout"])


def generation(presentation_id: int) -> str:
    """Queue the rendering of deck row `presentation_id`."""
    return _deck_task("generate_presentation", presentation_id, "deck")


def storyline(presentation_id: int) -> str:
    """Queue the storyline draft of brief row `presentation_id`."""
    return _deck_task("draft_storyline", presentation_id, "storyline")


def previews(presentation_id: int) -> str:
    """Queue the slide pictures and PDF of finished deck `presentation_id`."""
    return _deck_task("render_previews", presentation_id, "previews")


def asset_thumbnails(asset_id: int) -> str:
    """Queue the slide and layout pictures of design asset `asset_id`."""
    return async_task(f"{TASKS}.render_asset_thumbnails", asset_id,
                      task_name=f"asset-thumbnails-{asset_id}",
                      timeout=settings.Q_CLUSTER["timeout"])
