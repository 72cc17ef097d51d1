"""The generator's tables.  Names follow the operations manual's queries.

Models hold data and row-local truths; everything spanning rows, files or the
network lives in the domain modules (`generate`, `learn`, `costs`, ...).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from generator import files


class DesignAsset(models.Model):
    """An uploaded .pptx whose house design is learned; the file is the base template."""

    filename = models.CharField(_("original file name"), max_length=255)
    category = models.CharField(_("category"), max_length=100, blank=True, default="")
    stored_name = models.CharField(_("stored name"), max_length=100, unique=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size_bytes = models.BigIntegerField(_("size (bytes)"), default=0)
    slide_count = models.PositiveIntegerField(_("slides"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    learned_at = models.DateTimeField(_("learned"), null=True, blank=True)

    class Meta:
        db_table = "design_assets"
        ordering = ["-created_at"]
        verbose_name = _("design asset")
        verbose_name_plural = _("design assets")

    def __str__(self) -> str:
        return f"{self.filename} (#{self.pk})"

    @property
    def storage_name(self) -> str:
        """The template's name in the shared files (generator.files): design_assets/<hex>.pptx."""
        return f"{files.ASSETS}/{self.stored_name}"

    @property
    def path(self):
        """A local path of the stored file (the generated name, never the user's): the file
        itself on local storage, a cached download from a bucket; missing if it is gone."""
        return files.local_path(self.storage_name)


# a learned pattern's kind in words (the code stays in the table, the API and the backups)
PATTERN_TYPE_LABELS = {
    "theme_colors": _("theme colours"), "theme_fonts": _("theme fonts"),
    "slide_size": _("slide size"), "layout": _("layout"), "grid": _("grid"),
    "slide": _("sample slide"), "typography": _("typography"),
}


class DesignPattern(models.Model):
    """One learned fact about a design: theme colours, a layout, typography, ...

    Column order matters: the manual's backup query reads `dp.*` positionally
    (id, asset_id, pattern_type, pattern_name, pattern_data, quality_score, ...).
    """

    asset = models.ForeignKey(DesignAsset, on_delete=models.CASCADE, related_name="patterns",
                              verbose_name=_("design"))
    pattern_type = models.CharField(_("pattern type"), max_length=50, db_index=True)
    pattern_name = models.CharField(_("pattern name"), max_length=200)
    pattern_data = models.JSONField(_("pattern data"), default=dict)
    quality_score = models.FloatField(
        _("quality score"), default=0.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "design_patterns"
        ordering = ["asset_id", "pattern_type", "pattern_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quality_score__gte=0.0) & models.Q(quality_score__lte=1.0),
                name="design_pattern_quality_0_1",
            )
        ]
        verbose_name = _("design pattern")
        verbose_name_plural = _("design patterns")

    def __str__(self) -> str:
        return f"{self.type_label}: {self.pattern_name}"

    @property
    def type_label(self) -> str:
        return str(PATTERN_TYPE_LABELS.get(self.pattern_type, self.pattern_type))


class GeneratedPresentation(models.Model):
    """One generated deck (one version of it), from source to file and lint report."""

    class SourceKind(models.TextChoices):
        MARKDOWN = "markdown", _("Markdown outline")
        SPEC = "spec", _("JSON DeckSpec")
        BRIEF = "brief", _("Brief")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        REVIEW = "review", _("Storyline ready for review")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Job(models.TextChoices):
        DECK = "deck", _("Deck")
        STORYLINE = "storyline", _("Storyline")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="presentations", verbose_name=_("owner"),
    )
    title = models.CharField(_("title"), max_length=500, blank=True, default="")
    source_kind = models.CharField(_("source"), max_length=20, choices=SourceKind.choices)
    source_text = models.TextField(_("source text"), blank=True, default="")
    spec = models.JSONField(_("deck specification"), null=True, blank=True)
    storyline = models.JSONField(_("storyline"), null=True, blank=True)
    asset = models.ForeignKey(
        DesignAsset, null=True, blank=True, on_delete=models.SET_NULL, related_name="presentations",
        verbose_name=_("design"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0,
                                                validators=[MaxValueValidator(100)])
    stage = models.CharField(_("stage"), max_length=100, blank=True, default="")
    file = models.CharField(_("file"), max_length=500, blank=True, default="")
    slide_count = models.PositiveIntegerField(_("slides"), default=0)
    lint_report = models.JSONField(_("lint report"), null=True, blank=True)
    cost_jpy = models.DecimalField(_("cost (JPY)"), max_digits=12, decimal_places=4,
                                   default=Decimal("0"))
    error = models.TextField(_("error"), blank=True, default="")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="versions",
        verbose_name=_("first version"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Liveness of the worker running it (generator.decks.liveness): which job, who, since when
    # it last showed a sign of life, and how many times a worker has claimed it.
    job = models.CharField(_("job"), max_length=20, choices=Job.choices, blank=True, default="")
    worker = models.CharField(_("worker"), max_length=200, blank=True, default="")
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        db_table = "generated_presentations"
        ordering = ["-created_at"]
        verbose_name = _("generated presentation")
        verbose_name_plural = _("generated presentations")

    def __str__(self) -> str:
        return f"{self.title or _('(untitled)')} v{self.version}"

    @property
    def lint_error_count(self) -> int:
        return int((self.lint_report or {}).get("summary", {}).get("errors", 0))


class ApiUsage(models.Model):
    """One OpenAI call: tokens, its cost in JPY, and what it was for."""

    model = models.CharField(_("model"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=50, blank=True, default="")
    prompt_tokens = models.PositiveIntegerField(_("input tokens"), default=0)
    completion_tokens = models.PositiveIntegerField(_("output tokens"), default=0)
    cached_tokens = models.PositiveIntegerField(_("cached tokens"), default=0)
    total_tokens = models.PositiveIntegerField(_("total tokens"), default=0)
    cost_jpy = models.DecimalField(_("cost (JPY)"), max_digits=12, decimal_places=4,
                                   default=Decimal("0"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    presentation = models.ForeignKey(
        GeneratedPresentation, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="api_usage", verbose_name=_("deck"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        db_table = "api_usage"
        ordering = ["-created_at"]
        verbose_name = _("API usage")
        verbose_name_plural = _("API usage")

    def __str__(self) -> str:
        return f"{self.model} {self.total_tokens} tok ¥{self.cost_jpy}"


class ApiToken(models.Model):
    """A token for scripts calling the JSON API; only its SHA-256 is stored.

    It answers while it is not revoked, its user is active and the user's password
    hash is still the one it was made under (`password_digest`): a password change,
    by any path, ends every token made before it (generator/api/tokens.py).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100, blank=True, default="")
    prefix = models.CharField(_("prefix"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    password_digest = models.CharField(max_length=64, default="", editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        db_table = "api_tokens"
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class BudgetReservation(models.Model):
    """An OpenAI call's estimated cost, held against the monthly budget until it settles.

    Reserving under a lock and settling after the call keeps concurrent workers
    from overshooting the hard limit by more than one call.
    """

    model = models.CharField(max_length=100)
    amount_jpy = models.DecimalField(max_digits=12, decimal_places=4)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # host:pid of the process that made the call: a worker known dead releases its holds
    worker = models.CharField(max_length=200, blank=True, default="", db_index=True)

    class Meta:
        db_table = "budget_reservations"


class BudgetLock(models.Model):
    """A single row locked (SELECT ... FOR UPDATE) while reserving on PostgreSQL."""

    name = models.CharField(max_length=50, unique=True)

    class Meta:
        db_table = "budget_lock"


class LlmCacheEntry(models.Model):
    """Index of the LLM responses held in Django's cache (for stats and expiry)."""

    key = models.CharField(max_length=100, unique=True)
    model = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "llm_cache_entries"


class LlmCacheCounter(models.Model):
    """Persistent hit/miss counters, shared by every process."""

    name = models.CharField(max_length=20, unique=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        db_table = "llm_cache_counters"
