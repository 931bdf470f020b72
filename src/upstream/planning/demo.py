"""An invented, fully worked plan for the demo coalition.

It covers all eight strategies of hhs-2024, unevenly on purpose (strong on identification and
skills, thin on norms, economic supports and protective environments), leaves one priority
population without activities and some indicators without baselines, so that the gap analysis has
something true to say. Every figure is invented.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from upstream.accounts.demo import COALITION, LEAD, demo_email
from upstream.accounts.models import Coalition, Membership, Organization
from upstream.framework.models import Activity, FrameworkVersion
from upstream.planning import services
from upstream.planning.models import Plan
from upstream.planning.vocabularies import practices_of

TITLE = "Riverbend County Prevention Plan 2026–2028"
START, END = dt.date(2026, 1, 1), dt.date(2028, 12, 31)

# (framework activity key, lead organization, partners, population, status, budget)
ACTIVITIES: list[tuple[str, str, list[str], str, str, int | None]] = [
    (
        "school-prevention-education",
        "Riverbend Schools Consortium",
        ["Survivors Rising Collective"],
        "youth-foster-care",
        "in_progress",
        48000,
    ),
    ("online-safety-skills", "Riverbend Schools Consortium", [], "", "planned", 12000),
    (
        "know-your-rights-training",
        "Riverbend Legal Aid",
        ["Riverbend Workforce Alliance"],
        "migrant-seasonal-workers",
        "in_progress",
        20000,
    ),
    (
        "safe-job-search-skills",
        "Harbor Light Youth Shelter",
        ["Riverbend Workforce Alliance"],
        "runaway-homeless-youth",
        "planned",
        9000,
    ),
    (
        "consent-based-screening",
        "Riverbend Public Health District",
        ["Riverbend Behavioral Health Partners"],
        "youth-foster-care",
        "in_progress",
        35000,
    ),
    (
        "soar-training",
        "Riverbend Public Health District",
        ["Riverbend Children and Family Services", "Riverbend Schools Consortium"],
        "",
        "done",
        8000,
    ),
    (
        "referral-protocols-and-teams",
        "Riverbend Children and Family Services",
        ["Riverbend County Sheriff's Trafficking Unit", "Riverbend Legal Aid"],
        "",
        "in_progress",
        15000,
    ),
    (
        "street-outreach-to-youth",
        "Harbor Light Youth Shelter",
        ["Survivors Rising Collective"],
        "lgbtqia2s-youth",
        "in_progress",
        60000,
    ),
    (
        "worker-outreach-and-identification",
        "Riverbend Workforce Alliance",
        ["Riverbend Legal Aid"],
        "migrant-seasonal-workers",
        "planned",
        18000,
    ),
    (
        "support-for-foster-and-kin-families",
        "Riverbend Children and Family Services",
        [],
        "youth-foster-care",
        "planned",
        22000,
    ),
    (
        "family-acceptance-support",
        "Riverbend Behavioral Health Partners",
        ["Interfaith Outreach Network"],
        "lgbtqia2s-youth",
        "planned",
        None,
    ),
    (
        "mentoring-programs",
        "Interfaith Outreach Network",
        ["Harbor Light Youth Shelter"],
        "runaway-homeless-youth",
        "in_progress",
        14000,
    ),
    (
        "youth-employment-programs",
        "Riverbend Workforce Alliance",
        ["Harbor Light Youth Shelter"],
        "runaway-homeless-youth",
        "planned",
        30000,
    ),
    (
        "survivor-informed-public-education",
        "Survivors Rising Collective",
        ["Riverbend Public Health District"],
        "",
        "planned",
        10000,
    ),
    (
        "trauma-informed-case-management",
        "Riverbend Behavioral Health Partners",
        ["Survivors Rising Collective"],
        "substance-use-disorders",
        "in_progress",
        75000,
    ),
    (
        "survivor-housing",
        "Harbor Light Youth Shelter",
        ["Survivors Rising Collective"],
        "",
        "in_progress",
        90000,
    ),
    ("legal-help-and-immigration-relief", "Riverbend Legal Aid", [], "", "done", 25000),
    (
        "labor-inspection-and-worker-voice",
        "Riverbend Workforce Alliance",
        ["Riverbend Legal Aid"],
        "migrant-seasonal-workers",
        "planned",
        16000,
    ),
    (
        "safer-child-welfare-placements",
        "Riverbend Children and Family Services",
        [],
        "youth-foster-care",
        "dropped",
        None,
    ),
]

# (framework outcome key or None, custom name, horizon, activities, indicators)
# indicator: (name, unit, source, baseline or None, target, direction)
OUTCOMES: list[
    tuple[str | None, str, str, list[str], list[tuple[str, str, str, int | None, int, str]]]
] = [
    (
        "more-knowledge-of-recruitment-tactics",
        "",
        "short",
        ["school-prevention-education", "online-safety-skills"],
        [
            (
                "Students who can name three grooming tactics",
                "percent of students",
                "Pre/post lesson survey",
                24,
                65,
                "increase",
            ),
        ],
    ),
    (
        "more-knowledge-of-rights-and-help",
        "",
        "short",
        ["know-your-rights-training", "worker-outreach-and-identification"],
        [
            (
                "Workers reached with know-your-rights sessions",
                "workers",
                "Session sign-in sheets",
                None,
                600,
                "increase",
            ),
        ],
    ),
    (
        "more-people-screened-and-referred",
        "",
        "short",
        ["consent-based-screening", "referral-protocols-and-teams"],
        [
            (
                "Youth screened with consent in partner settings",
                "youth",
                "Screening records (counts only)",
                140,
                500,
                "increase",
            ),
            (
                "Completed referrals",
                "percent of referrals",
                "Referral records",
                None,
                70,
                "increase",
            ),
        ],
    ),
    (
        "staff-ready-to-respond",
        "",
        "short",
        ["soar-training"],
        [
            ("Staff trained with SOAR", "staff", "Training records", 35, 250, "increase"),
        ],
    ),
    (
        None,
        "Youth stay connected to a caring adult",
        "intermediate",
        ["mentoring-programs", "street-outreach-to-youth"],
        [
            (
                "Youth with a mentor match lasting 12 months",
                "youth",
                "Mentoring program records",
                None,
                80,
                "increase",
            ),
        ],
    ),
    (
        None,
        "Survivors stably housed",
        "intermediate",
        ["survivor-housing", "trauma-informed-case-management"],
        [
            (
                "Survivors housed 6 months after intake",
                "percent of survivors",
                "Case management records",
                41,
                70,
                "increase",
            ),
        ],
    ),
    (None, "Fewer youth exploited in the county", "long", [], []),
]

RATINGS: dict[str, tuple[str, str, int]] = {
    "equity-and-inclusivity": ("emerging", "Data are broken down by age and sex only so far.", 1),
    "whole-family-approaches": ("not_started", "", 0),
    "evidence-based-approaches": (
        "established",
        "Activities chosen from the framework; logic model written.",
        2,
    ),
    "multidisciplinary-collaboration": (
        "established",
        "Ten partners from twelve sectors meet monthly.",
        2,
    ),
    "person-centered-approaches": (
        "exemplary",
        "Survivors Rising Collective co-designs and is paid.",
        3,
    ),
}


def _org(name: str) -> Organization:
    return Organization.objects.get(name=name)


@transaction.atomic
def load_demo(stdout: Any) -> None:
    version = (
        FrameworkVersion.objects.filter(framework__slug="hhs-2024").order_by("-loaded_at").first()
    )
    coalition = Coalition.objects.filter(name=COALITION).first()
    if version is None or coalition is None:
        stdout.write(
            "Planning demo skipped: load the hhs-2024 framework and the accounts demo first."
        )
        return
    if Plan.objects.filter(title=TITLE, coalition=coalition).exists():
        stdout.write(f"Demo plan already loaded: {TITLE}.")
        return
    lead = _org(LEAD)
    coordinator = Membership.active.get(user__email=demo_email("coordinator"), organization=lead)
    plan = services.plan_create(
        actor=coordinator,
        title=TITLE,
        coalition=coalition,
        framework_version=version,
        period_start=START,
        period_end=END,
        state_fips=coalition.state_fips,
        county_fips=(coalition.county_fips or [""])[0],
        populations=[
            "youth-foster-care",
            "runaway-homeless-youth",
            "lgbtqia2s-youth",
            "migrant-seasonal-workers",
            "american-indian-alaska-native",
            "substance-use-disorders",
        ],
        strategies=list(version.strategies.order_by("position")),
    )
    framework = {
        a.key: a
        for a in Activity.objects.filter(version=version).select_related(
            "strategy", "level", "tier"
        )
    }
    added = {}
    for key, lead_name, partners, population, status, budget in ACTIVITIES:
        fa = framework[key]
        added[key] = services.plan_activity_add(
            actor=coordinator,
            plan=plan,
            strategy=fa.strategy,
            framework_activity=fa,
            name=fa.name,
            description=fa.description,
            level=fa.level,
            tier=fa.tier,
            population=population,
            lead_organization=_org(lead_name),
            partners=[_org(name) for name in partners],
            start=START,
            end=END,
            status=status,
            budget=Decimal(budget) if budget is not None else None,
        )
    for outcome_key, custom, horizon, activity_keys, indicators in OUTCOMES:
        framework_outcome = version.outcomes.get(key=outcome_key) if outcome_key else None
        outcome = services.plan_outcome_add(
            actor=coordinator,
            plan=plan,
            name=framework_outcome.name if framework_outcome else custom,
            description=framework_outcome.description if framework_outcome else "",
            horizon=horizon,
            framework_outcome=framework_outcome,
            activities=[added[key] for key in activity_keys],
        )
        for name, unit, source, baseline, target, direction in indicators:
            services.indicator_add(
                actor=coordinator,
                plan=plan,
                outcome=outcome,
                name=name,
                unit=unit,
                data_source=source,
                baseline_value=Decimal(baseline) if baseline is not None else None,
                baseline_date=dt.date(2025, 12, 31) if baseline is not None else None,
                target_value=Decimal(target),
                target_date=END,
                direction=direction,
                frequency="quarterly",
            )

    for principle in version.principles.order_by("position"):
        rating, evidence, checked = RATINGS.get(principle.key, ("not_started", "", 0))
        services.principle_rate(
            actor=coordinator,
            plan=plan,
            principle=principle,
            rating=rating,
            evidence=evidence,
            practices=[key for key, _text in practices_of(principle.practices)[:checked]],
        )
    stdout.write(f"Demo plan: {TITLE} ({len(ACTIVITIES)} activities, {len(OUTCOMES)} outcomes).")
