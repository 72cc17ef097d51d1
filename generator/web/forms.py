"""Forms validate and convert only: an outline becomes a DeckSpec, an upload a checked file."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from generator.decks import create
from generator.errors import SpecError, shown_problems
from generator.material import intake, pack
from generator.models import DesignAsset


class AssetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: DesignAsset) -> str:
        return obj.filename


def asset_field() -> AssetChoiceField:
    return AssetChoiceField(
        queryset=DesignAsset.objects.all(), required=False, empty_label=_("Built-in design"),
        label=_("Design"), widget=forms.RadioSelect,
    )


class OutlineForm(forms.Form):
    """A Markdown outline (or a JSON DeckSpec) to render; `clean` gives `cleaned_data['spec']`."""

    FORMAT_CHOICES = [("markdown", _("Markdown outline")), ("spec", _("JSON DeckSpec"))]

    source_format = forms.ChoiceField(choices=FORMAT_CHOICES, initial="markdown",
                                      label=_("Format"))
    source = forms.CharField(widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
                             label=_("Outline"), max_length=settings.MAX_SOURCE_BYTES)
    asset = asset_field()

    def clean(self):
        """The source read and fitted in the chosen design (`create.check`, as the live
        check does, without its time limit): refused here with the live check's words."""
        data = super().clean()
        text = data.get("source", "")
        if not text or self.has_error("asset") or self.has_error("source_format"):
            return data
        try:
            data["spec"] = create.check(data.get("source_format", "markdown"), text,
                                        data.get("asset")).spec
        except SpecError as exc:  # each problem once, placed in the page's language
            self.problems = shown_problems(exc.problems)
            raise forms.ValidationError(str(exc)) from None
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


class BriefForm(forms.Form):
    """A brief for the LLM: the topic plus what a consultant would tell a team, and the
    client's own material (read here, so a refused file is named on the form at once)."""

    topic = forms.CharField(label=_("Topic"), max_length=500)
    audience = forms.CharField(label=_("Audience"), max_length=200, required=False)
    objective = forms.CharField(label=_("Objective"), max_length=500, required=False)
    facts = forms.CharField(label=_("Key facts and data"), required=False, max_length=20000,
                            widget=forms.Textarea(attrs={"rows": 8}))
    length = forms.IntegerField(label=_("Slides"), min_value=3, max_value=40, initial=12)
    language = forms.ChoiceField(label=_("Language"), choices=[("ja", "日本語"),
                                                               ("en", "English")])
    sources = MultipleFileField(
        label=_("Source material"), required=False,
        help_text=_("PDF, Word, PowerPoint, Excel, CSV, Markdown or text files: the deck is "
                    "drafted from them and every number is checked against them."))
    asset = asset_field()

    def clean_sources(self) -> list:
        uploads = self.cleaned_data.get("sources") or []
        for upload in uploads:
            if upload.size > intake.max_file_bytes():
                raise forms.ValidationError(str(intake.refuse(upload.name, intake.too_big())))
        try:
            self.material = pack.build([intake.SourceFile(u.name, u.read()) for u in uploads])
        except intake.SourceRefused as exc:
            raise forms.ValidationError(str(exc)) from None
        return uploads

    def brief_text(self) -> str:
        """The brief as one text (what drafting reads and what the row stores)."""
        data = self.cleaned_data
        parts = [f"Topic: {data['topic']}"]
        for key, label in (("audience", "Audience"), ("objective", "Objective"),
                           ("facts", "Key facts")):
            if data.get(key):
                parts.append(f"{label}: {data[key]}")
        parts.append(f"Length: {data['length']} slides")
        parts.append(f"Language: {data['language']}")
        return "\n".join(parts)


class StorylineForm(forms.Form):
    """The user's edit of a drafted storyline, posted as JSON."""

    storyline = forms.CharField(widget=forms.HiddenInput)

    def clean_storyline(self) -> dict:
        try:
            value = json.loads(self.cleaned_data["storyline"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("The storyline is not valid JSON.")) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_("The storyline is not valid JSON."))
        return value


class DesignUploadForm(forms.Form):
    file = forms.FileField(label=_("PowerPoint file (.pptx, .potx, .pptm or .potm)"))
    category = forms.CharField(label=_("Category"), max_length=100, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB.")
                % {"limit": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload
