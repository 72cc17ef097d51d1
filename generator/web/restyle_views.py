"""The "Restyle a deck" pages: upload a deck, choose a design, see before and after.

Thin callers of `generator.decks.create` (and `restyle` for the pictures): the upload goes
through the same safe intake as design learning; the result is a normal queued deck.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from generator import files
from generator.decks import create, restyle
from generator.errors import InvalidDeckFile
from generator.models import DesignAsset
from generator.previews import deck_pictures
from generator.previews.soffice import picture_name
from generator.web import downloads
from generator.web.forms import asset_field
from generator.web.views import serve_stored, visible_or_404


class RestyleForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("PowerPoint deck (.pptx)"))
    asset = asset_field()


def _page(request, form, status=200):
    return render(request, "generator/restyle.html", {
        "form": form, "assets": DesignAsset.objects.order_by("-created_at"),
        "selected": form["asset"].value() and int(form["asset"].value()),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def restyle_new(request):
    if request.method == "GET":
        return _page(request, RestyleForm())
    form = RestyleForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        done = create.from_pptx(upload, owner=request.user, filename=upload.name,
                                asset=form.cleaned_data["asset"], before=True)
    except InvalidDeckFile as exc:
        form.add_error("file", str(exc))
        return _page(request, form, status=400)
    request.session[f"restyle-report-{done.row.pk}"] = done.report
    return redirect("generator-restyle-compare", pk=done.row.pk)


@login_required
def restyle_compare(request, pk: int):
    row = visible_or_404(request, pk)
    before = restyle.before_pictures(row)
    after = deck_pictures.thumbnails(row) if row.status == row.Status.DONE else []
    pairs = [(n, n <= len(before), n <= len(after))
             for n in range(1, max(len(before), len(after)) + 1)]
    return render(request, "generator/restyle_compare.html", {
        "deck": row, "pairs": pairs, "report": request.session.get(f"restyle-report-{pk}", []),
        "previews_on": deck_pictures.available(),
    })


@login_required
def restyle_before_picture(request, pk: int, number: int):
    row = visible_or_404(request, pk)
    if number < 1:
        raise Http404(_("No such slide."))
    return serve_stored(lambda: FileResponse(
        files.open(picture_name(restyle.before_prefix(row), number)), content_type="image/png"))


@login_required
def deck_outline_download(request, pk: int):
    row = visible_or_404(request, pk)
    try:
        return downloads.outline_response(row)
    except LookupError:
        raise Http404(_("The deck has no outline yet.")) from None
