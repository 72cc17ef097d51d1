"""What the deck page shows while it follows a deck: its status in words, the stage (never
the status said again), and its pictures and PDF once they exist.

`follow` is the JSON the page polls (`views.deck_status`); the template reads the same
`stage_label`, so the page and its updates never disagree.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from generator.previews import deck_pictures
from generator.decks.lifecycle import Stage
from generator.errors import SharedFilesError
from generator.models import GeneratedPresentation

Status = GeneratedPresentation.Status

# stages a worker reports (generate.py, briefs.py) in the words of the page; stages that only
# repeat the status ("queued", "done", "failed", "review") are not said a second time
STAGES = {
    Stage.START: _("Starting"),
    Stage.PARSE: _("Reading the outline"),
    Stage.DRAFT: _("Drafting"),
    Stage.STORYLINE: _("Drafting the storyline"),
    Stage.RENDER: _("Building the slides"),
    Stage.LINT: _("Checking the slides"),
}


def status_label(row: GeneratedPresentation) -> str:
    """The badge: the status, or "Done — N problems" for a finished deck with lint errors."""
    if row.status == Status.DONE and row.lint_error_count:
        return ngettext("Done — %(count)d problem", "Done — %(count)d problems",
                        row.lint_error_count) % {"count": row.lint_error_count}
    return str(row.get_status_display())


def stage_label(row: GeneratedPresentation, *, pictures_pending: bool = False) -> str:
    """The stage beside the badge, in the user's language; empty when it would repeat it."""
    if row.status == Status.DONE:
        return str(_("Rendering the pictures")) if pictures_pending else ""
    if row.status in (Status.QUEUED, Status.RUNNING):
        label = STAGES.get(row.stage)
        return str(label) if label else ""
    return ""


def pictures(row: GeneratedPresentation) -> tuple[list[str], str | None]:
    """The page links of the deck's slide pictures and its PDF (none until both exist, or
    while the file store is unavailable)."""
    if row.status != Status.DONE:
        return [], None
    try:
        count = len(deck_pictures.thumbnails(row))
    except SharedFilesError:
        return [], None
    if not count:  # the PDF is stored last: pictures listed mean the PDF is there
        return [], None
    return ([reverse("generator-thumbnail", args=[row.pk, n]) for n in range(1, count + 1)],
            reverse("generator-pdf", args=[row.pk]))


def first_picture(row: GeneratedPresentation) -> str | None:
    """The page link of the deck's first slide picture, for the dashboard; None until its
    pictures exist (the PDF is stored last: one existence check, no listing) or while the
    file store is unavailable."""
    if row.status != Status.DONE:
        return None
    try:
        complete = deck_pictures.pdf(row) is not None
    except SharedFilesError:
        return None
    return reverse("generator-thumbnail", args=[row.pk, 1]) if complete else None


def follow(row: GeneratedPresentation) -> dict:
    """The deck page's JSON: everything it updates without a reload."""
    slides, pdf = pictures(row)
    pending = row.status == Status.DONE and not slides and deck_pictures.available()
    report = row.lint_report or {}
    return {
        "status": row.status,
        "status_label": status_label(row),
        "problems": row.lint_error_count if row.status == Status.DONE else None,
        "stage": row.stage,
        "stage_label": stage_label(row, pictures_pending=pending),
        "progress": row.progress,
        "pictures": slides,
        "pdf_url": pdf,
        "pictures_pending": pending,
        # the pictures are linted once rendered: the page keeps following until then
        "pictures_checked": bool((report.get("summary") or {}).get("rendered")),
        # beside a slide opened large (lightbox.js)
        "issues": slide_issues(row),
    }


def slide_issues(row: GeneratedPresentation) -> list[dict]:
    """The deck's lint problems as a slide opened large shows them (the template reads the
    same fields from the lint report)."""
    issues = (row.lint_report or {}).get("issues") or []
    return [{key: issue.get(key) for key in ("slide", "severity", "rule", "message")}
            for issue in issues[:500]]
