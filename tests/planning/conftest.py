"""Planning fixtures: the shipped HHS framework version, a coalition with a partner, a plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings

from tests.conftest import make_member


@pytest.fixture
def hhs(db: None) -> Any:
    from upstream.framework.services import framework_load_file

    return framework_load_file(path=settings.FRAMEWORK_PACK_DIR / "hhs-2024.yaml").version


@pytest.fixture
def coordinator(owner_org: Any) -> Any:
    return make_member(owner_org, "coordinator", email="plan-coordinator@owner-canary.example.org")


@pytest.fixture
def partner_org(db: None) -> Any:
    from upstream.accounts import services

    return services.organization_create(
        actor=None, name="Partner Shelter", sectors=["housing", "survivor-led"], state_fips="39"
    )


@pytest.fixture
def coalition(coordinator: Any, partner_org: Any) -> Any:
    from upstream.accounts import services
    from upstream.accounts.models import CoalitionMembership

    coalition = services.coalition_create(
        actor=coordinator, name="Test Coalition", state_fips="39", county_fips=["39049"]
    )
    CoalitionMembership.objects.create(coalition=coalition, organization=partner_org)
    return coalition


@pytest.fixture
def plan(coordinator: Any, coalition: Any, hhs: Any) -> Any:
    from upstream.planning import services

    return services.plan_create(
        actor=coordinator,
        title="County prevention plan",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
        state_fips="39",
        county_fips="39049",
        populations=["youth-foster-care", "migrant-seasonal-workers"],
        framework_version=hhs,
        coalition=coalition,
        strategies=list(hhs.strategies.filter(key="build-individual-skills")),
    )


def framework_activity(version: Any, key: str) -> Any:
    return version.activities.select_related("strategy", "level", "tier").get(key=key)


def add_from_framework(actor: Any, plan: Any, key: str, **extra: Any) -> Any:
    from upstream.planning import services

    fa = framework_activity(plan.framework_version, key)
    values: dict[str, Any] = {
        "actor": actor,
        "plan": plan,
        "strategy": fa.strategy,
        "framework_activity": fa,
        "name": fa.name,
        "level": fa.level,
        "tier": fa.tier,
        "lead_organization": actor.organization,
    }
    values.update(extra)
    return services.plan_activity_add(**values)


@pytest.fixture
def minimal_version(db: None) -> Any:
    from tests.framework.conftest import MINIMAL
    from upstream.framework.services import framework_load_file

    return framework_load_file(path=MINIMAL).version


# Community fixtures, for the plan's vulnerability profile.
from tests.community.conftest import small_data, small_index, us2023  # noqa: E402, F401
