"""django-q2 task functions: one-line calls into the use cases, by id.

Their dotted paths are stored in queues and schedules: they keep their names.  What is
queued, and when, is decided by `generator.decks.lifecycle` (through the leaf
`generator.queueing`); nothing below `generator.tasks` imports it.
"""

from __future__ import annotations

from generator.decks import briefs, generate, lifecycle
from generator.learning.layout_pictures import ensure_layout_pictures
from generator.models import DesignAsset
from generator.previews import deck_pictures, soffice


def generate_presentation(presentation_id: int) -> int:
    """Generate a queued deck (its pictures are queued when it is done)."""
    return generate.run(presentation_id).pk


def draft_storyline(presentation_id: int) -> int:
    """Draft the storyline of a brief; the row then waits for the user's review."""
    briefs.draft_for(presentation_id)
    return presentation_id


def render_previews(presentation_id: int) -> int:
    deck_pictures.ensure_previews(presentation_id)
    return presentation_id


def render_asset_thumbnails(asset_id: int) -> int:
    asset = DesignAsset.objects.get(pk=asset_id)
    count = len(soffice.ensure_asset_thumbnails(asset))
    ensure_layout_pictures(asset)  # the design page's pictures of its empty layouts
    return count


def on_task_done(task) -> None:
    """Hook: a task that failed outside our own handling (timeout, crash) fails its deck."""
    if task.success:
        return
    presentation_id = (task.args or [None])[0]
    reason = str(task.result or "the task failed").splitlines()[0][:500]
    if presentation_id is not None:
        lifecycle.fail_unfinished(presentation_id, reason)


def recover_stalled_presentations() -> dict:
    """Schedule: decks whose worker died (killed, lost host) are queued again or failed."""
    return lifecycle.recover_stalled().as_dict()
