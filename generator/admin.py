"""Admin for the generator's tables: triage first (status, errors, lint)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ApiUsage, DesignAsset, DesignPattern, GeneratedPresentation


class DesignPatternInline(admin.TabularInline):
    model = DesignPattern
    extra = 0
    fields = ("pattern_type", "pattern_name", "quality_score")
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(DesignAsset)
class DesignAssetAdmin(admin.ModelAdmin):
    list_display = ("id", "filename", "category", "slide_count", "size_bytes", "created_at")
    list_filter = ("category",)
    search_fields = ("filename", "category", "sha256")
    readonly_fields = ("stored_name", "sha256", "size_bytes", "slide_count", "created_at",
                       "learned_at")
    inlines = [DesignPatternInline]


@admin.register(DesignPattern)
class DesignPatternAdmin(admin.ModelAdmin):
    list_display = ("id", "asset", "pattern_type", "pattern_name", "quality_score")
    list_filter = ("pattern_type",)
    search_fields = ("pattern_name", "asset__filename")
    list_select_related = ("asset",)


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
                    "lint_error_count", "cost_jpy", "created_at")
    list_filter = ("status", "source_kind", LintFilter)
    search_fields = ("title", "owner__username", "error")
    list_select_related = ("owner", "asset")
    readonly_fields = ("created_at", "updated_at", "started_at", "finished_at")
    date_hierarchy = "created_at"


@admin.register(ApiUsage)
class ApiUsageAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "model", "purpose", "prompt_tokens", "completion_tokens",
                    "cached_tokens", "cost_jpy", "duration_ms", "presentation")
    list_filter = ("model", "purpose")
    date_hierarchy = "created_at"
    list_select_related = ("presentation",)
