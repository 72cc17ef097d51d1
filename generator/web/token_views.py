"""A user's own access: "My API tokens" (list, create, revoke) and their password.

A new key is shown once, in the answer to the POST that made it (never stored, never
put in the session or a redirect).  Another user's token is a 404, like their decks.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from generator.api import tokens


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name (what the token is for)"), required=False,
                           max_length=tokens.MAX_NAME_LENGTH)


def _page(request, form, *, new_key: str = "", status: int = 200):
    rows = [(token, tokens.state(token)) for token in tokens.for_user(request.user)]
    response = render(request, "generator/tokens.html",
                      {"form": form, "rows": rows, "new_key": new_key}, status=status)
    response["Cache-Control"] = "no-store"  # the page may hold a key
    return response


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    if request.method == "GET":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        _token, key = tokens.create(user=request.user, name=form.cleaned_data["name"])
    except ValueError as exc:
        form.add_error("name", str(exc))
        return _page(request, form, status=400)
    return _page(request, TokenForm(), new_key=key)


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    mine = tokens.for_user(request.user).filter(pk=pk)
    if not mine.exists():
        raise Http404(_("No such token."))
    if tokens.revoke(mine):
        messages.success(request, _("The token was revoked: it no longer works."))
    return redirect("generator-tokens")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (the session stays logged in); the tokens made under the
    old password end by themselves (generator/api/tokens.py), which the message says."""

    template_name = "generator/password_change.html"
    success_url = reverse_lazy("generator-tokens")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed. API tokens made before "
                                         "it no longer work: create new ones here."))
        return response
