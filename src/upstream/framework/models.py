"""The framework knowledge base: frameworks, their versions and every item of a version.

Items belong to one ``FrameworkVersion``. Loading a new version of a pack stores a new set of rows
beside the old ones, so anything that references an item (a plan's activity, say) references the
item of one specific version and never changes under it.
"""

from __future__ import annotations

import uuid

from django.db import models

from upstream.core.vocabularies import (
    CONFIDENCE_NAMES,
    FACTOR_KINDS,
    FRAMEWORK_STATUSES,
    HORIZONS,
    choices,
)

CONFIDENCE_CHOICES = choices(CONFIDENCE_NAMES)
STATUS_CHOICES = choices(FRAMEWORK_STATUSES)
HORIZON_CHOICES = choices(HORIZONS)
FACTOR_KIND_CHOICES = choices(FACTOR_KINDS)


class Framework(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title


class FrameworkVersion(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    short_title = models.CharField(max_length=200, blank=True)
    subtitle = models.CharField(max_length=200, blank=True)
    publisher = models.CharField(max_length=200)
    published_on = models.DateField(null=True, blank=True)
    source_url = models.URLField(max_length=1000, blank=True)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES)
    confidence = models.CharField(max_length=20, choices=CONFIDENCE_CHOICES)
    summary = models.TextField()
    notice = models.TextField(blank=True)
    aims = models.JSONField(default=list)
    sources = models.JSONField(default=list)
    translations = models.JSONField(
        default=dict, blank=True, help_text="Title, summary and notice by language code."
    )
    translation_sources = models.JSONField(
        default=dict, blank=True, help_text="Who translated the pack, by language code."
    )
    document = models.JSONField(help_text="The validated pack, as loaded.")
    content_hash = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["framework__slug", "-loaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "version"], name="framework_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.framework.slug}@{self.version}"

    @property
    def label(self) -> str:
        return f"{self.framework.slug}@{self.version}"


class VersionItem(models.Model):
    """Fields every item of a framework version has."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE)
    key = models.SlugField(max_length=80)
    position = models.PositiveIntegerField(default=0)
    confidence = models.CharField(max_length=20, choices=CONFIDENCE_CHOICES)
    sources = models.JSONField(default=list)
    translations = models.JSONField(
        default=dict, blank=True, help_text="The item's text in other languages, by language code."
    )

    class Meta:
        abstract = True
        ordering = ["position"]


def _unique_key(name: str) -> list[models.BaseConstraint]:
    return [models.UniqueConstraint(fields=["version", "key"], name=f"{name}_key_unique")]


class Principle(VersionItem):
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="principles"
    )
    name = models.CharField(max_length=200)
    description = models.TextField()
    practices = models.JSONField(default=list)

    class Meta(VersionItem.Meta):
        constraints = _unique_key("principle")

    def __str__(self) -> str:
        return self.name


class Level(VersionItem):
    """A level of the social-ecological model."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="levels")
    name = models.CharField(max_length=200)
    description = models.TextField()

    class Meta(VersionItem.Meta):
        constraints = _unique_key("level")

    def __str__(self) -> str:
        return self.name


class Tier(VersionItem):
    """A prevention tier: primary, secondary or tertiary."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="tiers")
    name = models.CharField(max_length=200)
    description = models.TextField()

    class Meta(VersionItem.Meta):
        constraints = _unique_key("tier")

    def __str__(self) -> str:
        return self.name


class Strategy(VersionItem):
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="strategies"
    )
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    name = models.CharField(max_length=200)
    aliases = models.JSONField(default=list)
    description = models.TextField()
    sectors = models.JSONField(default=list)
    levels = models.ManyToManyField(Level, related_name="strategies")
    tiers = models.ManyToManyField(Tier, related_name="strategies")

    class Meta(VersionItem.Meta):
        constraints = _unique_key("strategy")
        verbose_name_plural = "strategies"

    def __str__(self) -> str:
        return self.name


class Activity(VersionItem):
    """A potential activity the framework suggests under a strategy."""

    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="activities"
    )
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="activities")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="activities")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="activities")
    name = models.CharField(max_length=200)
    description = models.TextField()
    populations = models.JSONField(default=list)
    evidence = models.TextField(blank=True)

    class Meta(VersionItem.Meta):
        constraints = _unique_key("activity")
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.name


class Outcome(VersionItem):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="outcomes")
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="outcomes")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    horizon = models.CharField(max_length=20, choices=HORIZON_CHOICES)

    class Meta(VersionItem.Meta):
        constraints = _unique_key("outcome")

    def __str__(self) -> str:
        return self.name


class Factor(VersionItem):
    """A risk or protective factor at one social-ecological level."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="factors")
    kind = models.CharField(max_length=20, choices=FACTOR_KIND_CHOICES)
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="factors")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    strategies = models.ManyToManyField(Strategy, related_name="factors", blank=True)

    class Meta(VersionItem.Meta):
        constraints = _unique_key("factor")

    def __str__(self) -> str:
        return self.name


class Definition(VersionItem):
    """A glossary entry."""

    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="definitions"
    )
    term = models.CharField(max_length=200)
    definition = models.TextField()
    see_also = models.JSONField(default=list)

    class Meta(VersionItem.Meta):
        constraints = _unique_key("definition")
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term


class SearchEntry(models.Model):
    """One searchable item of a version. The full-text index over it is backend-specific."""

    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="search_entries"
    )
    language = models.CharField(max_length=10, default="en")
    kind = models.CharField(max_length=20)
    key = models.SlugField(max_length=80)
    title = models.CharField(max_length=300)
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language", "kind", "key"], name="search_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"
