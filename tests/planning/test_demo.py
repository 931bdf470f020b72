"""The demo coalition's plan: all eight strategies, unevenly, so the gap analysis has findings."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_demo_plan_covers_all_strategies_unevenly_and_has_true_gaps(settings: Any) -> None:
    from upstream.planning.gaps import gap_analysis
    from upstream.planning.models import Plan

    call_command("demo", stdout=io.StringIO())
    call_command("demo", stdout=io.StringIO())  # safe to run again
    plan = Plan.objects.get()
    report = gap_analysis(plan)
    totals = [row.total for row in report.heatmap]
    assert len(totals) == 8 and all(totals) and len(set(totals)) > 2
    assert [p["key"] for p in report.populations_uncovered] == ["american-indian-alaska-native"]
    assert report.indicators_without_baseline
    assert report.outcomes_without_indicators == ["Fewer youth exploited in the county"]
    assert {p["key"] for p in report.principles_low} == {
        "equity-and-inclusivity",
        "whole-family-approaches",
    }


def test_demo_coordinator_opens_the_plan_and_its_gap_analysis(client: Any) -> None:
    from tests.conftest import sign_in_as
    from upstream.accounts.models import Membership
    from upstream.planning.models import Plan

    call_command("demo", stdout=io.StringIO())
    plan = Plan.objects.get()
    coordinator = Membership.active.get(user__email="coordinator@demo.example.org")
    sign_in_as(client, coordinator.user)
    base = f"/orgs/{coordinator.organization.uuid}/plans/{plan.uuid}/"
    page = client.get(base).content.decode()
    assert "Survivor-centered housing" in page or "Trauma-informed case management" in page
    gaps = client.get(base + "gaps/").content.decode()
    assert "No activity reaches American Indian and Alaska Native communities" in gaps
    assert client.get(base + "export.pdf").content.startswith(b"%PDF")
