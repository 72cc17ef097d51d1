"""The brief path for the web UI: brief -> storyline (reviewed by the user) -> deck.

The LLM work is `generator.llm.drafting`; the row's state changes in `lifecycle`: a brief
row is queued, its storyline drafted by a task (status `review`), edited by the user, then
filled and rendered like any other deck (`generate.run`).
"""

from __future__ import annotations


from django.db import transaction

from generator.decks import lifecycle
from generator.decks.lifecycle import Stage
from generator.errors import GeneratorError
from generator.llm import drafting
from generator.material import pack, review
from generator.models import GeneratedPresentation

Status = GeneratedPresentation.Status


def draft_for(presentation_id: int) -> GeneratedPresentation:
    """Draft the storyline of a queued brief row and leave it for review (or failed)."""
    def work(row: GeneratedPresentation, progress: lifecycle.Progress) -> drafting.Storyline:
        progress(Stage.STORYLINE, 10)
        return drafting.draft_storyline(row.source_text, presentation=row, user=row.owner)

    return lifecycle.run_claimed(presentation_id, work, job=GeneratedPresentation.Job.STORYLINE)


def save_storyline(row: GeneratedPresentation, storyline_data: dict) -> GeneratedPresentation:
    """Validate and store the user's edited storyline and queue the deck for filling.

    Raises `DraftingError` (from the drafting module's validation) on a bad storyline.
    """
    if row.status != Status.REVIEW:
        raise GeneratorError("this deck is not waiting for a storyline review")
    storyline = drafting.Storyline.model_validate(storyline_data)
    return lifecycle.queue_fill(row, storyline.model_dump(mode="json"))


def queue(*, owner, brief: str, asset=None, material=None) -> GeneratedPresentation:
    """Record a brief (with its material, read already) and enqueue its storyline draft."""
    with transaction.atomic():  # the storyline task is enqueued on commit: material first
        row = lifecycle.queue_brief(owner=owner, brief=brief, asset=asset)
        if material:
            pack.store(row.pk, material)
    return row


def review_context(row: GeneratedPresentation) -> dict | None:
    """What the storyline review page shows about the material: the files, the numbers found
    in no source (per slide), and the estimate of the fill; None without material."""
    material = pack.load(row.pk)
    if not material:
        return None
    context = {"documents": material.documents, "flags": [], "estimate": None}
    if row.storyline:
        flags = review.storyline_flags(row.storyline, material, row.source_text)
        titles = [s.get("title", "") for s in row.storyline.get("slides", [])]
        context["flags"] = [{"slide": n, "title": titles[n - 1] if n else "", "numbers": found}
                            for n, found in sorted(flags.items())]
        storyline = drafting.Storyline.model_validate(row.storyline)
        context["estimate"] = drafting.estimate(row.source_text, material)
        context["cited"] = sorted({i for s in storyline.slides for i in s.sources})
    if row.spec:
        flags = review.deck_flags(row.spec, material, row.source_text)
        titles = [s.get("title", "") for s in row.spec.get("slides", [])]
        context["deck_flags"] = [{"slide": n, "title": titles[n - 1], "numbers": found}
                                 for n, found in sorted(flags.items())]
    return context
