"""The plan page, its document and its exports take the same number of queries whatever the
plan's size."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import sign_in_as
from tests.planning.conftest import add_from_framework
from upstream.planning import services
from upstream.planning.document import plan_document

pytestmark = pytest.mark.django_db

KEYS = [
    "school-prevention-education",
    "social-emotional-learning",
    "online-safety-skills",
    "financial-literacy",
    "know-your-rights-training",
    "safe-job-search-skills",
]


def _grow(plan: Any, actor: Any, partner: Any, keys: list[str]) -> None:
    for key in keys:
        activity = add_from_framework(actor, plan, key, partners=[partner])
        outcome = services.plan_outcome_add(
            actor=actor, plan=plan, name=key, horizon="short", activities=[activity]
        )
        services.indicator_add(
            actor=actor,
            plan=plan,
            outcome=outcome,
            name=key,
            unit="people",
            target_value=Decimal(10),
            target_date=plan.period_end,
        )


def _count(fn: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_plan_page_and_document_queries_do_not_grow_with_the_plan(
    client: Any, plan: Any, coordinator: Any, partner_org: Any
) -> None:
    sign_in_as(client, coordinator.user)
    url = f"/orgs/{plan.organization.uuid}/plans/{plan.uuid}/"
    _grow(plan, coordinator, partner_org, KEYS[:2])
    client.get(url)  # the first visit also records the current organization in the session
    cache.clear()
    small_page = _count(lambda: client.get(url))  # the logic model rendered
    small_cached = _count(lambda: client.get(url))  # ... and served from the cache
    small_doc = _count(lambda: plan_document(plan))
    _grow(plan, coordinator, partner_org, KEYS[2:])
    assert _count(lambda: client.get(url)) == small_page  # an edit: rendered again
    assert _count(lambda: client.get(url)) == small_cached
    assert _count(lambda: plan_document(plan)) == small_doc
    assert small_doc <= 10
    # a cached logic model needs none of the document's queries
    assert small_cached <= small_page - small_doc


def test_stale_outcome_and_indicator_edits_are_refused(plan: Any, coordinator: Any) -> None:
    outcome = services.plan_outcome_add(
        actor=coordinator, plan=plan, name="Outcome", horizon="short"
    )
    indicator = services.indicator_add(
        actor=coordinator, plan=plan, outcome=outcome, name="Indicator"
    )
    opened_o, opened_i = outcome.revision, indicator.revision
    services.plan_outcome_update(actor=coordinator, outcome=outcome, revision=opened_o, name="A")
    services.indicator_update(actor=coordinator, indicator=indicator, revision=opened_i, name="B")
    with pytest.raises(services.StaleEdit):
        services.plan_outcome_update(
            actor=coordinator, outcome=outcome, revision=opened_o, name="C"
        )
    with pytest.raises(services.StaleEdit):
        services.indicator_update(
            actor=coordinator, indicator=indicator, revision=opened_i, name="D"
        )
    outcome.refresh_from_db()
    indicator.refresh_from_db()
    assert (outcome.name, indicator.name) == ("A", "B")
