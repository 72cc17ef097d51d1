"""Admin for the generator's tables: triage first (status, errors, lint)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from generator.api import tokens
from generator.errors import SharedFilesError
from generator.learning import learn
from generator.models import (PATTERN_TYPE_LABELS, ApiToken, ApiUsage, DesignAsset, DesignPattern,
                              GeneratedPresentation)
from generator.previews import soffice
from generator.web.design_page import COLOR_NAMES


@admin.display(description=_("pattern type"), ordering="pattern_type")
def pattern_kind(pattern):
    return pattern.type_label


class PatternTypeFilter(admin.SimpleListFilter):
    """The kinds of learned pattern, in words."""

    title = _("pattern type")
    parameter_name = "pattern_type"

    def lookups(self, request, model_admin):
        return list(PATTERN_TYPE_LABELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(pattern_type=self.value()) if self.value() else queryset


class DesignPatternInline(admin.TabularInline):
    model = DesignPattern
    extra = 0
    fields = (pattern_kind, "pattern_name", "quality_score")
    readonly_fields = fields
    can_delete = False
    show_change_link = True


def _swatches(colors: dict) -> str:
    cells = "".join(
        format_html('<span title="{} #{}" style="display:inline-block;width:18px;height:18px;'
                    'background:#{};border:1px solid #0003;margin-right:2px"></span>',
                    COLOR_NAMES.get(name, name), value, value)
        for name, value in colors.items() if isinstance(value, str) and len(value) == 6)
    return mark_safe(cells)  # noqa: S308 (built with format_html from hex values)


@admin.register(DesignAsset)
class DesignAssetAdmin(admin.ModelAdmin):
    list_display = ("id", "filename", "category", "slide_count", "colours", "quality",
                    "created_at")
    list_filter = ("category",)
    search_fields = ("filename", "category", "sha256")
    readonly_fields = ("stored_name", "sha256", "size_bytes", "slide_count", "created_at",
                       "learned_at", "thumbnails")
    inlines = [DesignPatternInline]
    actions = ["relearn", "render_thumbnails"]

    @admin.display(description=_("colours"))
    def colours(self, asset):
        pattern = asset.patterns.filter(pattern_type="theme_colors").first()
        return _swatches(pattern.pattern_data) if pattern else "–"

    @admin.display(description=_("quality"))
    def quality(self, asset):
        scores = list(asset.patterns.values_list("quality_score", flat=True))
        return f"{sum(scores) / len(scores):.2f}" if scores else "–"

    @admin.display(description=_("slide pictures"))
    def thumbnails(self, asset):
        try:
            pictures = soffice.asset_thumbnails(asset)
        except SharedFilesError as exc:
            return _("The file store is not available (%(error)s).") % {"error": exc}
        if not pictures:
            return _("Not rendered yet (use the action).") if soffice.available() else _(
                "LibreOffice is not installed: no slide pictures.")
        return mark_safe("".join(format_html(  # noqa: S308
            '<img src="{}" style="width:200px;margin:2px;border:1px solid #ccc">',
            reverse("generator-design-thumbnail", args=[asset.pk, n]))
            for n in range(1, len(pictures) + 1)))

    def delete_model(self, request, asset):
        learn.delete_asset(asset)  # the row, and its template and pictures in the shared files

    def delete_queryset(self, request, queryset):
        for asset in queryset:
            learn.delete_asset(asset)

    @admin.action(description=_("Learn the selected designs again"))
    def relearn(self, request, queryset):
        for asset in queryset:
            learn.relearn(asset)
        self.message_user(request, _("%(n)d designs learned again.") % {"n": queryset.count()})

    @admin.action(description=_("Render slide pictures"))
    def render_thumbnails(self, request, queryset):
        rendered = sum(1 for asset in queryset if soffice.ensure_asset_thumbnails(asset))
        self.message_user(request, _("Slide pictures for %(n)d designs.") % {"n": rendered})


@admin.register(DesignPattern)
class DesignPatternAdmin(admin.ModelAdmin):
    list_display = ("id", "asset", pattern_kind, "pattern_name", "quality_score", "preview")
    list_filter = (PatternTypeFilter,)
    search_fields = ("pattern_name", "asset__filename")
    list_select_related = ("asset",)

    @admin.display(description=_("preview"))
    def preview(self, pattern):
        if pattern.pattern_type == "theme_colors":
            return _swatches(pattern.pattern_data)
        return ""


class LintFilter(admin.SimpleListFilter):
    title = _("lint")
    parameter_name = "lint"

    def lookups(self, request, model_admin):
        return [("errors", _("with lint errors")), ("clean", _("lint clean"))]

    def queryset(self, request, queryset):
        if self.value() == "errors":
            return queryset.filter(lint_report__summary__errors__gt=0)
        if self.value() == "clean":
            return queryset.filter(lint_report__summary__errors=0)
        return queryset


@admin.register(GeneratedPresentation)
class GeneratedPresentationAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "owner", "source_kind", "status", "progress", "slide_count",
                    "lint_errors", "cost_jpy", "created_at")
    list_filter = ("status", "source_kind", LintFilter)
    search_fields = ("title", "owner__username", "error")
    list_select_related = ("owner", "asset")
    readonly_fields = ("created_at", "updated_at", "started_at", "finished_at", "job", "worker",
                       "heartbeat_at", "attempts")
    date_hierarchy = "created_at"

    @admin.display(description=_("lint errors"))
    def lint_errors(self, row):
        return row.lint_error_count


@admin.register(ApiUsage)
class ApiUsageAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "model", "purpose", "prompt_tokens", "completion_tokens",
                    "cached_tokens", "cost_jpy", "duration_ms", "presentation")
    list_filter = ("model", "purpose")
    date_hierarchy = "created_at"
    list_select_related = ("presentation",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made where the key can be shown once (the "API tokens" page, the
    `apitoken` command); here they are listed, revoked or deleted."""

    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "state")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("prefix", "name", "user__username")
    list_select_related = ("user",)
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at", "state")
    readonly_fields = ("user", "prefix", "created_at", "last_used_at", "revoked_at", "state")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("state"))
    def state(self, token):
        return tokens.state(token)

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        count = tokens.revoke(queryset)
        self.message_user(request, _("%(n)d tokens revoked.") % {"n": count})
