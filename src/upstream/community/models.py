"""Community analytics: geographies, indicators, observations and vulnerability indices.

Everything here is public reference data for now (no organization key): census geographies,
published indicators and the indices computed from them. A coalition's private indicators and
indices will need an ``organization`` key when tenancy lands.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from upstream.core.vocabularies import GEOGRAPHY_KINDS, INDICATOR_DIRECTIONS, RANKINGS, choices

KIND_CHOICES = choices(GEOGRAPHY_KINDS)
DIRECTION_CHOICES = choices(INDICATOR_DIRECTIONS)
RANKING_CHOICES = choices(RANKINGS)
SCOPE_CHOICES = RANKING_CHOICES


class GeographySet(models.Model):
    """One vintage of boundaries: its geographies join with data of the same vintage only."""

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    vintage = models.PositiveIntegerField(help_text="Year of the boundaries.")
    source = models.TextField(help_text="Where the codes, names and shapes come from.")
    shapes = models.CharField(
        max_length=200, blank=True, help_text="Static path of the county TopoJSON for maps."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-vintage", "key"]

    def __str__(self) -> str:
        return self.name


class Geography(models.Model):
    geography_set = models.ForeignKey(
        GeographySet, on_delete=models.CASCADE, related_name="geographies"
    )
    fips = models.CharField(max_length=11)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    state_fips = models.CharField(max_length=2)

    class Meta:
        ordering = ["fips"]
        constraints = [
            models.UniqueConstraint(
                fields=["geography_set", "fips"], name="community_geography_unique_fips"
            )
        ]
        indexes = [models.Index(fields=["geography_set", "kind", "state_fips"])]
        verbose_name_plural = "geographies"

    def __str__(self) -> str:
        return f"{self.name} ({self.fips})"


class IndicatorDefinition(models.Model):
    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=60, blank=True)
    direction = models.CharField(max_length=10, choices=DIRECTION_CHOICES, default="higher")
    theme = models.CharField(max_length=120, blank=True)
    source = models.TextField(blank=True)
    year = models.PositiveIntegerField(null=True, blank=True)
    description = models.TextField(blank=True)
    synthetic = models.BooleanField(
        default=False, help_text="Invented values for the demo; never real data."
    )

    class Meta:
        ordering = ["theme", "key"]

    def __str__(self) -> str:
        return self.name


class Observation(models.Model):
    geography = models.ForeignKey(Geography, on_delete=models.CASCADE, related_name="observations")
    indicator = models.ForeignKey(
        IndicatorDefinition, on_delete=models.CASCADE, related_name="observations"
    )
    year = models.PositiveIntegerField()
    value = models.FloatField()
    moe = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["geography", "indicator", "year"], name="community_observation_unique"
            )
        ]
        indexes = [models.Index(fields=["indicator", "year"])]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.geography_id} {self.year}: {self.value}"


class IndexDefinition(models.Model):
    """An index: indicators grouped into themes, ranked with the SVI method.

    ``themes`` is ``[{"key", "name", "variables": [{"indicator", "weight", "direction"}]}]``.
    ``provenance`` records which organization defined it (never a person: this is public
    reference data), when, and every input with its source, so the results can be recomputed
    from the definition alone.
    """

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    geography_set = models.ForeignKey(
        GeographySet, on_delete=models.PROTECT, related_name="indices"
    )
    kind = models.CharField(max_length=10, choices=KIND_CHOICES, default="county")
    year = models.PositiveIntegerField()
    themes = models.JSONField()
    population_indicator = models.CharField(
        max_length=80,
        blank=True,
        help_text="Indicator whose zero or missing value leaves a geography out of the ranking.",
    )
    ranking = models.CharField(max_length=10, choices=RANKING_CHOICES, default="national")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="The member who defined it: never shown; the audit log names them.",
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_indices",
        help_text="The organization that defined it (none: defined from the command line).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    provenance = models.JSONField(default=dict)
    engine_version = models.CharField(max_length=60, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name

    @property
    def indicator_keys(self) -> list[str]:
        return [v["indicator"] for t in self.themes for v in t["variables"]]

    @property
    def synthetic(self) -> bool:
        return bool(self.provenance.get("synthetic"))


class IndexResult(models.Model):
    """One geography's result for one ranking scope (national, or within its state)."""

    index = models.ForeignKey(IndexDefinition, on_delete=models.CASCADE, related_name="results")
    geography = models.ForeignKey(Geography, on_delete=models.CASCADE, related_name="index_results")
    scope = models.CharField(max_length=10, choices=SCOPE_CHOICES)
    score = models.FloatField(null=True, help_text="Sum of theme scores (SPL_THEMES).")
    percentile = models.FloatField(null=True, help_text="Percentile rank (RPL_THEMES).")
    flag_total = models.IntegerField(null=True)
    themes = models.JSONField(default=dict)
    variables = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["index", "geography", "scope"], name="community_index_result_unique"
            )
        ]
        indexes = [models.Index(fields=["index", "scope", "percentile"])]

    def __str__(self) -> str:
        return f"{self.index_id}@{self.geography_id} {self.scope}: {self.percentile}"


class Upload(models.Model):
    """A CSV a member uploaded in the browser, kept in the database until its background import
    ends (any app server's worker can read it; no local file is the source of truth). When the
    import ends, either way, the bytes are cleared and only the outcome stays."""

    class Kind(models.TextChoices):
        SVI = "svi", "CDC/ATSDR SVI CSV"
        INDICATORS = "indicators", "Indicator CSV (fips, indicator, year, value[, moe])"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be imported"
        IMPORTED = "imported", "Imported"
        REFUSED = "refused", "Refused, nothing written"
        DISCARDED = "discarded", "Discarded, not imported"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="community_uploads"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200, help_text="The file's name as uploaded.")
    size = models.PositiveBigIntegerField(default=0)
    data = models.BinaryField(blank=True, default=b"")
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    summary = models.CharField(max_length=500, blank=True)
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} upload {self.uuid}"
