"""Prevention plans: a logic model built on one framework version.

A plan belongs to an organization (and, when it is a coalition's plan, to that coalition too).
Versions of one plan share a ``series``; each version is one ``Plan`` row. A published version is
frozen: its full document is stored as JSON in ``snapshot`` and services refuse to change it or its
items. A new draft copies the published version's items, keeping each item's ``key`` so that two
versions can be compared item by item.

Every editable row carries a ``revision``: an update names the revision it was made from, and a
stale one is refused instead of silently overwriting someone else's change.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from upstream.accounts.models import (
    Coalition,
    Organization,
    User,
    county_fips_validator,
    state_fips_validator,
)
from upstream.core.vocabularies import HORIZONS, choices
from upstream.framework.models import (
    Activity,
    FrameworkVersion,
    Level,
    Outcome,
    Principle,
    Strategy,
    Tier,
)
from upstream.planning.vocabularies import (
    ACTIVITY_STATUSES,
    DIRECTIONS,
    FREQUENCIES,
    PRINCIPLE_RATINGS,
    label_choices,
)


class PublishedPlanError(Exception):
    """Raised when something tries to save a published (frozen) plan version."""


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("plan status", "Draft")
        PUBLISHED = "published", pgettext_lazy("plan status", "Published")

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    series = models.UUIDField(default=uuid4, db_index=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="plans")
    coalition = models.ForeignKey(
        Coalition, on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    state_fips = models.CharField(max_length=2, validators=[state_fips_validator])
    county_fips = models.CharField(max_length=5, blank=True, validators=[county_fips_validator])
    populations = models.JSONField(default=list, blank=True)
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="plans"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="drafts"
    )
    revision = models.PositiveIntegerField(default=1)
    snapshot = models.JSONField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["series", "version"], name="plan_version_unique"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="plan_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            self.pk is not None
            and Plan.objects.filter(pk=self.pk, status=Plan.Status.PUBLISHED).exists()
        ):
            raise PublishedPlanError("A published plan version cannot be changed.")
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PlanItem(models.Model):
    """Fields of every item of a plan. ``organization`` is the plan's: every tenant row carries
    its tenant key (ARCHITECTURE.md §4)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    key = models.UUIDField(default=uuid4, editable=False, help_text="Kept across versions.")
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class PlanStrategy(PlanItem):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="strategies")
    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["strategy__position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "strategy"], name="plan_strategy_unique")
        ]

    def __str__(self) -> str:
        return str(self.strategy)


class PlanActivity(PlanItem):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activities")
    plan_strategy = models.ForeignKey(
        PlanStrategy, on_delete=models.CASCADE, related_name="activities"
    )
    framework_activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    population = models.CharField(max_length=40, blank=True)
    lead_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="led_plan_activities"
    )
    partners = models.ManyToManyField(
        Organization, blank=True, related_name="partner_plan_activities"
    )
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=label_choices(ACTIVITY_STATUSES), default="planned"
    )
    budget = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["plan_strategy__strategy__position", "id"]

    def __str__(self) -> str:
        return self.name


class PlanOutcome(PlanItem):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    plan_strategy = models.ForeignKey(
        PlanStrategy, on_delete=models.CASCADE, null=True, blank=True, related_name="outcomes"
    )
    framework_outcome = models.ForeignKey(
        Outcome, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    horizon = models.CharField(max_length=20, choices=choices(HORIZONS))
    activities = models.ManyToManyField(PlanActivity, blank=True, related_name="outcomes")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Indicator(PlanItem):
    outcome = models.ForeignKey(PlanOutcome, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(max_length=200)
    definition = models.TextField(blank=True)
    unit = models.CharField(max_length=60, blank=True)
    data_source = models.CharField(max_length=200, blank=True)
    baseline_value = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True)
    target_value = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    direction = models.CharField(
        max_length=10, choices=label_choices(DIRECTIONS), default="increase"
    )
    frequency = models.CharField(
        max_length=20, choices=label_choices(FREQUENCIES), default="annually"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class PrincipleRating(PlanItem):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="ratings")
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(
        max_length=20, choices=label_choices(PRINCIPLE_RATINGS), default="not_started"
    )
    evidence = models.TextField(blank=True)
    practices = models.JSONField(default=list, blank=True, help_text="Checked practices.")

    class Meta:
        ordering = ["principle__position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "principle"], name="principle_rating_unique")
        ]

    def __str__(self) -> str:
        return f"{self.principle}: {self.rating}"


class PlanExport(models.Model):
    """A finished download of one plan version at one state of its content: kept in the
    database (every app server sees it) so that a second download of a large plan is instant.
    ``revision`` and ``content_at`` are the plan's ``revision`` and ``updated_at`` the file was
    built from; a file of any other state is stale and is pruned."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="exports")
    revision = models.PositiveIntegerField()
    content_at = models.DateTimeField()
    format = models.CharField(max_length=4, choices=Format.choices)
    language = models.CharField(max_length=15)
    content = models.BinaryField()
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "revision", "content_at", "format", "language"],
                name="plan_export_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.format} r{self.revision}"
