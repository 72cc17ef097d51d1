"""HTML pages: dashboard, new deck (outline or brief), deck detail, designs, usage.

Each view: permission-checked fetch, a form, one domain call, a redirect or a
page.  Another user's deck is a 404, never a 403 (ids are not confirmed).
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from markdown_it import MarkdownIt

from generator import files
from generator.decks import access, briefs, create, lifecycle
from generator.decks.revision import revise_presentation
from generator.errors import GeneratorError, LLMNotConfigured, SharedFilesError
from generator.learning import layout_pictures
from generator.learning.asset_pictures import card_pictures, pictures_of
from generator.learning.learn import delete_asset, learn_upload
from generator.llm import usage
from generator.llm.drafting import ceiling
from generator.models import DesignAsset, GeneratedPresentation
from generator.previews import deck_pictures
from generator.previews.soffice import asset_prefix, picture_name
from generator.web import deck_page, downloads, slide_kinds
from generator.web.design_page import describe
from generator.web.forms import BriefForm, DesignUploadForm, OutlineForm, StorylineForm

Status = GeneratedPresentation.Status
logger = logging.getLogger(__name__)


def _deck_or_404(request, pk: int) -> GeneratedPresentation:
    """The deck to change: its owner's only."""
    try:
        return lifecycle.get_for_owner(request.user, pk)
    except GeneratedPresentation.DoesNotExist:
        raise Http404(_("No such presentation.")) from None


def visible_or_404(request, pk: int) -> GeneratedPresentation:
    """The deck to look at or download: the rule of generator/decks/access.py."""
    try:
        return access.get_visible(request.user, pk)
    except GeneratedPresentation.DoesNotExist:
        raise Http404(_("No such presentation.")) from None


def serve_stored(respond) -> FileResponse | HttpResponse:
    """`respond()`: a file streamed from the shared files; 404 when the stored file is
    gone, 503 while the file store is unavailable."""
    try:
        return respond()
    except FileNotFoundError:
        raise Http404(_("The file is missing.")) from None
    except SharedFilesError as exc:
        logger.error("a stored file could not be read: %s", exc)
        return HttpResponse(_("The file store is not available; try again later."), status=503,
                            content_type="text/plain; charset=utf-8")


def _listed(lister, owner) -> list[str]:
    """`lister(owner)`: stored names to show; none while the file store is unavailable, so
    the page still shows everything else."""
    try:
        return lister(owner)
    except SharedFilesError as exc:
        logger.error("stored files of %s could not be listed: %s", owner, exc)
        return []


class LogoutView(auth_views.LogoutView):
    """Log out, then the login page says so (the message outlives the session: the
    messages' cookie carries it)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You are logged out."))
        return response


@login_required
def dashboard(request):
    rows = list(lifecycle.for_owner(request.user)[:30])
    for row in rows:  # a small picture of the first slide tells decks of one title apart
        row.first_picture = deck_page.first_picture(row)
    return render(request, "generator/dashboard.html", {"decks": rows})


def _syntax_guide(request) -> str:
    """The outline syntax guide (our own Markdown file) as HTML, raw HTML disabled."""
    lang = "ja" if request.LANGUAGE_CODE.startswith("ja") else "en"
    guide = settings.BASE_DIR / "examples" / f"outline-syntax.{lang}.md"
    if not guide.is_file():
        return ""
    renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
    return mark_safe(renderer.render(guide.read_text(encoding="utf-8")))  # noqa: S308


def _with_card_pictures(assets) -> list[DesignAsset]:
    """`assets` with `card_picture`: the URL of the picture that shows each (None until
    one is stored; a template without slides shows its cover layout)."""
    assets = list(assets)
    pictures = card_pictures(assets)
    for asset in assets:
        asset.card_picture = pictures.get(asset.pk)
    return assets


def _new_page(request, outline_form, brief_form, parent=None, status=200):
    context = {
        "form": outline_form, "brief_form": brief_form, "parent": parent,
        "guide": _syntax_guide(request), "assets": _with_card_pictures(DesignAsset.objects.all()),
        "llm_enabled": bool(settings.OPENAI_API_KEY),
        "brief_ceiling_jpy": ceiling() if settings.OPENAI_API_KEY else None,
        "problems": getattr(outline_form, "problems", []),
    }
    return render(request, "generator/new.html", context, status=status)


def _chosen_design(request) -> dict:
    """`?asset=ID` (the design page's "Make a deck in this design"): that design preselected;
    an unknown or malformed id is ignored (the built-in design stays chosen)."""
    value = request.GET.get("asset", "")
    wellformed = value.isascii() and value.isdigit() and len(value) <= 18
    asset = DesignAsset.objects.filter(pk=int(value)).first() if wellformed else None
    return {"asset": asset.pk} if asset else {}


@login_required
@require_http_methods(["GET", "POST"])
def deck_new(request):
    if request.method == "GET":
        chosen = _chosen_design(request)
        return _new_page(request, OutlineForm(initial=chosen), BriefForm(initial=chosen))
    form = OutlineForm(request.POST)
    if not form.is_valid():
        return _new_page(request, form, BriefForm(), status=400)
    row = _create_from(form, request.user)
    return redirect("generator-deck", pk=row.pk)


def _create_from(form: OutlineForm, owner, parent=None) -> GeneratedPresentation:
    """The outline form's deck (the form parsed its source already)."""
    data = form.cleaned_data
    return create.from_source(owner=owner, kind=data["source_format"], text=data["source"],
                              spec=data["spec"], asset=data["asset"], parent=parent)


@login_required
@require_POST
def deck_brief(request):
    form = BriefForm(request.POST, request.FILES)
    try:
        create.require_llm()  # asked first: the form would read the source files
    except LLMNotConfigured:
        messages.error(request, _("No LLM is configured (OPENAI_API_KEY is not set). "
                                  "Write an outline instead: it needs no API key."))
        return _new_page(request, OutlineForm(), form, status=400)
    if not form.is_valid():
        return _new_page(request, OutlineForm(), form, status=400)
    row = create.from_brief(owner=request.user, brief=form.brief_text(),
                            asset=form.cleaned_data["asset"],
                            material=getattr(form, "material", None))
    return redirect("generator-deck", pk=row.pk)


@login_required
def deck_detail(request, pk: int):
    row = visible_or_404(request, pk)
    pictures = _listed(deck_pictures.thumbnails, row)
    context = {
        "deck": row,
        "can_edit": row.owner_id == request.user.pk,
        "versions": lifecycle.versions(row),
        "thumbnails": range(1, len(pictures) + 1),
        "previews_on": deck_pictures.available(),
        # the PDF is stored after the pictures: pictures mean a PDF
        "has_pdf": bool(pictures),
        "storyline_json": json.dumps(row.storyline, ensure_ascii=False) if row.storyline else "",
        "slide_kinds": slide_kinds.choices() if row.storyline else [],
        "lint": row.lint_report or {},
        "material": _material_review(row),
        "stage_label": deck_page.stage_label(
            row, pictures_pending=not pictures and deck_pictures.available()),
    }
    return render(request, "generator/detail.html", context)


@login_required
def deck_status(request, pk: int):
    """The deck page's JSON, polled until the deck's pictures and PDF exist."""
    row = visible_or_404(request, pk)
    return JsonResponse(deck_page.follow(row), json_dumps_params={"ensure_ascii": False})


def _material_review(row: GeneratedPresentation) -> dict | None:
    """The source files and numbers found in no source, for a brief deck under review."""
    if row.source_kind != GeneratedPresentation.SourceKind.BRIEF:
        return None
    try:
        return briefs.review_context(row)
    except SharedFilesError as exc:
        logger.error("the material of deck %s could not be read: %s", row.pk, exc)
        return None


@login_required
@require_POST
def deck_revise(request, pk: int):
    """Revise one slide by instruction: one model call, then a new version is rendered."""
    row = _deck_or_404(request, pk)
    try:
        number = int(request.POST.get("slide", ""))
    except ValueError:
        number = 0
    try:
        new = revise_presentation(row, number=number, instruction=request.POST.get(
            "instruction", ""), user=request.user)
    except GeneratorError as exc:
        messages.error(request, str(exc))
        return redirect("generator-deck", pk=pk)
    return redirect("generator-deck", pk=new.pk)


@login_required
@require_POST
def deck_storyline(request, pk: int):
    row = _deck_or_404(request, pk)
    form = StorylineForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return redirect("generator-deck", pk=pk)
    try:
        with transaction.atomic():  # the deck is enqueued on commit (lifecycle.queue_fill)
            briefs.save_storyline(row, form.cleaned_data["storyline"])
    except (GeneratorError, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect("generator-deck", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def deck_edit(request, pk: int):
    """Edit the source of a deck and generate it again as a new version."""
    row = _deck_or_404(request, pk)
    if row.source_kind == GeneratedPresentation.SourceKind.BRIEF:
        initial = {"source_format": "spec",
                   "source": json.dumps(row.spec or {}, ensure_ascii=False, indent=2)}
    else:
        initial = {"source_format": row.source_kind, "source": row.source_text}
    initial["asset"] = row.asset
    if request.method == "GET":
        return _new_page(request, OutlineForm(initial=initial), BriefForm(), parent=row)
    form = OutlineForm(request.POST)
    if not form.is_valid():
        return _new_page(request, form, BriefForm(), parent=row, status=400)
    new = _create_from(form, request.user, parent=row)
    return redirect("generator-deck", pk=new.pk)


@login_required
def deck_download(request, pk: int):
    row = visible_or_404(request, pk)
    if row.status != Status.DONE:
        raise Http404(_("The deck is not ready."))
    return serve_stored(lambda: downloads.deck_file_response(row))


@login_required
def deck_pdf(request, pk: int):
    row = visible_or_404(request, pk)
    return serve_stored(lambda: _pdf_response(row))


def _pdf_response(row: GeneratedPresentation) -> FileResponse:
    name = deck_pictures.pdf(row)
    if name is None:
        raise Http404(_("No PDF for this deck."))
    return downloads.pdf_response(row, name)


@login_required
def deck_thumbnail(request, pk: int, number: int):
    row = visible_or_404(request, pk)
    return _picture(deck_pictures.prefix(row), number)


def _picture(prefix: str, number: int) -> FileResponse | HttpResponse:
    """Slide `number`'s picture, opened by its name (no listing: a page shows dozens)."""
    if number < 1:
        raise Http404(_("No such slide."))
    return serve_stored(lambda: FileResponse(files.open(picture_name(prefix, number)),
                                             content_type="image/png"))


# -- design library ------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def designs(request):
    form = DesignUploadForm()
    status = 200
    if request.method == "POST":
        form = DesignUploadForm(request.POST, request.FILES)
        if form.is_valid():
            asset = _learn_upload(request, form)
            if asset is not None:
                return redirect("generator-design", pk=asset.pk)
        status = 400
    assets = _with_card_pictures(DesignAsset.objects.select_related("uploaded_by"))
    return render(request, "generator/designs.html", {
        "form": form, "assets": assets, "previews_on": deck_pictures.available()}, status=status)


def _learn_upload(request, form) -> DesignAsset | None:
    upload = form.cleaned_data["file"]
    try:
        learned = learn_upload(file=upload, filename=upload.name,
                               category=form.cleaned_data["category"], user=request.user)
    except GeneratorError as exc:
        form.add_error("file", str(exc))
        return None
    return learned.asset  # what was removed or skipped: listed on the design page it opens


@login_required
def design_detail(request, pk: int):
    asset = get_object_or_404(DesignAsset, pk=pk)
    pictures = pictures_of(asset)
    learned = describe(asset)
    for layout in learned["layouts"]:
        layout.picture = pictures.layouts.number_of(layout.name)
    return render(request, "generator/design.html", {
        "asset": asset, "can_delete": _can_delete(request.user, asset), **learned,
        "thumbnails": range(1, pictures.slides + 1), "slides_pending": pictures.slides_pending,
        "layouts_status": pictures.layouts.status, "previews_on": deck_pictures.available(),
    })


@login_required
def design_pictures(request, pk: int):
    """JSON for the design page and library card: which pictures exist yet."""
    return JsonResponse(pictures_of(get_object_or_404(DesignAsset, pk=pk)).as_json())


@login_required
def design_layout_picture(request, pk: int, number: int):
    asset = get_object_or_404(DesignAsset, pk=pk)
    if number < 1:
        raise Http404(_("No such slide."))
    name = layout_pictures.picture_name(asset, number)
    return serve_stored(lambda: FileResponse(files.open(name), content_type="image/png"))


def _can_delete(user, asset: DesignAsset) -> bool:
    return user.is_staff or asset.uploaded_by_id == user.pk


@login_required
def design_thumbnail(request, pk: int, number: int):
    asset = get_object_or_404(DesignAsset, pk=pk)
    return _picture(asset_prefix(asset), number)


@login_required
@require_POST
def design_delete(request, pk: int):
    asset = get_object_or_404(DesignAsset, pk=pk)
    if not _can_delete(request.user, asset):
        raise Http404(_("No such design."))
    delete_asset(asset)
    messages.success(request, _("The design was deleted."))
    return redirect("generator-designs")


# -- usage ---------------------------------------------------------------------------------------
@login_required
def usage_page(request):
    return render(request, "generator/usage.html", usage.month_summary(user=request.user))
