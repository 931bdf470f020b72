"""Building a plan through the services: bad input is refused and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import make_member
from tests.planning.conftest import add_from_framework, framework_activity
from upstream.audit.models import AuditEvent
from upstream.planning import services
from upstream.planning.models import Indicator, Plan, PlanActivity, PlanOutcome

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return (
        PlanActivity.objects.count(),
        PlanOutcome.objects.count(),
        Indicator.objects.count(),
        AuditEvent.objects.count(),
    )


def test_creating_a_plan_records_an_audit_event(plan: Any) -> None:
    event = AuditEvent.objects.filter(action="plan.created").get()
    assert event.target_id == str(plan.uuid)
    assert event.details["plan"] == str(plan.uuid)
    assert plan.strategies.count() == 1


def test_plan_period_ending_before_it_starts_is_refused(coordinator: Any, hhs: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            actor=coordinator,
            title="Backwards",
            period_start=dt.date(2027, 1, 1),
            period_end=dt.date(2026, 1, 1),
            state_fips="39",
            framework_version=hhs,
        )
    assert "on or after the start" in str(exc.value)
    assert not Plan.objects.exists()


def test_unknown_priority_population_is_refused(coordinator: Any, hhs: Any) -> None:
    with pytest.raises(ValidationError, match="Unknown priority population"):
        services.plan_create(
            actor=coordinator,
            title="Plan",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
            state_fips="39",
            populations=["martians"],
            framework_version=hhs,
        )


def test_activity_from_the_framework_is_added_with_its_level_and_tier(
    plan: Any, coordinator: Any
) -> None:
    activity = add_from_framework(coordinator, plan, "school-prevention-education")
    assert activity.level.key == "individual"
    assert activity.tier.key == "primary"
    assert AuditEvent.objects.filter(action="plan.activity_added").count() == 1


def test_activity_ending_before_it_starts_changes_nothing(plan: Any, coordinator: Any) -> None:
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        add_from_framework(
            coordinator,
            plan,
            "school-prevention-education",
            start=dt.date(2026, 6, 1),
            end=dt.date(2026, 3, 1),
        )
    assert "end" in exc.value.message_dict
    assert _counts() == before


def test_partner_outside_the_coalition_is_refused(
    plan: Any, coordinator: Any, outsider_org: Any
) -> None:
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        add_from_framework(
            coordinator, plan, "school-prevention-education", partners=[outsider_org]
        )
    assert "Outsider Org" in " ".join(exc.value.message_dict["partners"])
    assert _counts() == before


def test_partner_from_the_coalition_is_accepted(
    plan: Any, coordinator: Any, partner_org: Any
) -> None:
    activity = add_from_framework(
        coordinator, plan, "school-prevention-education", partners=[partner_org]
    )
    assert list(activity.partners.all()) == [partner_org]


def test_framework_activity_of_another_version_is_refused(
    plan: Any, coordinator: Any, minimal_version: Any
) -> None:
    other = minimal_version.activities.select_related("strategy", "level", "tier").first()
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        services.plan_activity_add(
            actor=coordinator,
            plan=plan,
            strategy=other.strategy,
            framework_activity=other,
            name=other.name,
            level=other.level,
            tier=other.tier,
            lead_organization=coordinator.organization,
        )
    assert "another framework version" in str(exc.value)
    assert _counts() == before


def test_indicator_target_without_a_unit_is_refused(plan: Any, coordinator: Any) -> None:
    outcome = services.plan_outcome_add(
        actor=coordinator, plan=plan, name="More help-seeking", horizon="intermediate"
    )
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        services.indicator_add(
            actor=coordinator,
            plan=plan,
            outcome=outcome,
            name="Calls to the hotline",
            target_value=Decimal("120"),
            target_date=dt.date(2028, 12, 31),
        )
    assert "unit" in exc.value.message_dict
    assert _counts() == before


def test_indicator_on_another_plans_outcome_is_refused(
    plan: Any, coordinator: Any, hhs: Any
) -> None:
    other_plan = services.plan_create(
        actor=coordinator,
        title="Other plan",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        state_fips="39",
        framework_version=hhs,
    )
    outcome = services.plan_outcome_add(
        actor=coordinator, plan=other_plan, name="Other outcome", horizon="short"
    )
    before = _counts()
    with pytest.raises(ValidationError, match="another plan"):
        services.indicator_add(actor=coordinator, plan=plan, outcome=outcome, name="Misplaced")
    assert _counts() == before


def test_concurrent_edit_with_a_stale_revision_is_refused(plan: Any, coordinator: Any) -> None:
    activity = add_from_framework(coordinator, plan, "school-prevention-education")
    opened = activity.revision
    services.plan_activity_update(
        actor=coordinator, activity=activity, revision=opened, name="First save"
    )
    stale = PlanActivity.objects.get(pk=activity.pk)
    with pytest.raises(services.StaleEdit, match="Someone else changed this activity"):
        services.plan_activity_update(
            actor=coordinator, activity=stale, revision=opened, name="Second save"
        )
    assert PlanActivity.objects.get(pk=activity.pk).name == "First save"


def test_editing_a_published_version_is_refused(plan: Any, coordinator: Any) -> None:
    activity = add_from_framework(coordinator, plan, "school-prevention-education")
    services.plan_publish(actor=coordinator, plan=plan, revision=plan.revision)
    plan.refresh_from_db()
    activity.refresh_from_db()
    before = _counts()
    with pytest.raises(ValidationError, match="published"):
        services.plan_activity_update(
            actor=coordinator, activity=activity, revision=activity.revision, name="Changed"
        )
    with pytest.raises(ValidationError, match="published"):
        add_from_framework(coordinator, plan, "social-emotional-learning")
    assert _counts() == before


def test_published_plan_row_cannot_be_saved_directly(plan: Any, coordinator: Any) -> None:
    from upstream.planning.models import PublishedPlanError

    services.plan_publish(actor=coordinator, plan=plan, revision=plan.revision)
    plan.refresh_from_db()
    plan.title = "Sneaky"
    with pytest.raises(PublishedPlanError):
        plan.save()


def test_viewer_cannot_edit_a_plan(plan: Any, owner_org: Any) -> None:
    viewer = make_member(owner_org, "viewer")
    with pytest.raises(PermissionDenied):
        add_from_framework(viewer, plan, "school-prevention-education")


def test_staff_update_only_the_status_of_activities_their_organization_leads(
    plan: Any, coordinator: Any, partner_org: Any
) -> None:
    ours = add_from_framework(coordinator, plan, "school-prevention-education")
    theirs = add_from_framework(
        coordinator, plan, "social-emotional-learning", lead_organization=partner_org
    )
    partner_staff = make_member(partner_org, "staff")
    services.plan_activity_set_status(
        actor=partner_staff, activity=theirs, status="in_progress", revision=theirs.revision
    )
    assert PlanActivity.objects.get(pk=theirs.pk).status == "in_progress"
    with pytest.raises(PermissionDenied):
        services.plan_activity_set_status(
            actor=partner_staff, activity=ours, status="done", revision=ours.revision
        )
    with pytest.raises(PermissionDenied):
        services.plan_activity_update(
            actor=partner_staff, activity=theirs, revision=theirs.revision, name="Renamed"
        )


def test_setting_the_same_status_again_is_no_change_and_leaves_no_history(
    plan: Any, coordinator: Any
) -> None:
    activity = add_from_framework(coordinator, plan, "school-prevention-education")
    before = AuditEvent.objects.filter(action="plan.activity_status").count()
    services.plan_activity_set_status(
        actor=coordinator, activity=activity, status="planned", revision=activity.revision
    )
    stored = PlanActivity.objects.get(pk=activity.pk)
    assert (stored.status, stored.revision) == ("planned", activity.revision)
    assert AuditEvent.objects.filter(action="plan.activity_status").count() == before
    services.plan_activity_set_status(
        actor=coordinator, activity=activity, status="done", revision=activity.revision
    )
    assert AuditEvent.objects.filter(action="plan.activity_status").count() == before + 1


def test_principle_practices_must_be_the_frameworks(plan: Any, coordinator: Any) -> None:
    principle = plan.framework_version.principles.get(key="equity-and-inclusivity")
    rating = services.principle_rate(
        actor=coordinator,
        plan=plan,
        principle=principle,
        rating="emerging",
        evidence="We started breaking down data by age.",
        practices=["equity-data-broken-down"],
    )
    assert rating.practices == ["equity-data-broken-down"]
    with pytest.raises(ValidationError, match="practices"):
        services.principle_rate(
            actor=coordinator,
            plan=plan,
            principle=principle,
            rating="exemplary",
            practices=["made-up"],
            revision=rating.revision,
        )


def test_new_draft_copies_the_published_version_and_the_diff_shows_changes(
    plan: Any, coordinator: Any
) -> None:
    from upstream.planning.document import plan_diff, plan_document

    activity = add_from_framework(coordinator, plan, "school-prevention-education")
    outcome = services.plan_outcome_add(
        actor=coordinator,
        plan=plan,
        name="More knowledge",
        horizon="short",
        activities=[activity],
    )
    services.indicator_add(
        actor=coordinator, plan=plan, outcome=outcome, name="Students trained", unit="students"
    )
    plan.refresh_from_db()
    services.plan_publish(actor=coordinator, plan=plan, revision=plan.revision)
    draft = services.plan_new_draft(actor=coordinator, plan=plan)
    assert draft.version == 2
    assert draft.based_on_id == plan.pk
    copied = draft.activities.get()
    assert copied.key == activity.key
    assert draft.outcomes.get().activities.get() == copied
    services.plan_activity_set_status(
        actor=coordinator, activity=copied, status="done", revision=copied.revision
    )
    add_from_framework(coordinator, draft, "social-emotional-learning")
    published = Plan.objects.get(pk=plan.pk)
    changes = plan_diff(plan_document(published), plan_document(draft))
    summary = {(c["kind"], c["change"], c["name"]) for c in changes}
    assert ("activity", "changed", "School-based prevention education") in summary
    assert ("activity", "added", "Social-emotional learning") in summary or any(
        c["kind"] == "activity" and c["change"] == "added" for c in changes
    )
    status_change = next(c for c in changes if c["change"] == "changed")
    assert status_change["fields"]["status"] == ["planned", "done"]
    with pytest.raises(ValidationError, match="already has a draft"):
        services.plan_new_draft(actor=coordinator, plan=published)


def test_framework_activity_fixture_matches_the_pack(hhs: Any) -> None:
    assert framework_activity(hhs, "know-your-rights-training").strategy.key == (
        "build-individual-skills"
    )
