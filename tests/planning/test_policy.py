"""Who may do what with a plan (planning/policy.py), tried where it matters: a coalition partner
of the plan's owner, the partner's viewer, and a member of another organization who puts its own
organization in the URL with the owner's object uuids. Each case goes through the pages and the
API (a session with the CSRF token, as a browser sends it)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.conftest import make_member, sign_in_as
from tests.planning.conftest import add_from_framework
from upstream.audit.models import AuditEvent
from upstream.planning import selectors, services
from upstream.planning.models import Indicator, Plan, PlanActivity, PlanOutcome, PrincipleRating
from upstream.planning.policy import plan_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked(plan: Any, coordinator: Any, partner_org: Any) -> dict[str, Any]:
    """The lead's coalition plan: one activity the lead leads, one the partner leads, an outcome
    with an indicator and a principle rating."""
    ours = add_from_framework(coordinator, plan, "school-prevention-education")
    theirs = add_from_framework(
        coordinator, plan, "online-safety-skills", lead_organization=partner_org
    )
    outcome = services.plan_outcome_add(
        actor=coordinator, plan=plan, name="Youth recognise grooming", horizon="short"
    )
    indicator = services.indicator_add(
        actor=coordinator, plan=plan, outcome=outcome, name="Students trained", unit="people"
    )
    principle = plan.framework_version.principles.order_by("position").first()
    rating = services.principle_rate(
        actor=coordinator, plan=plan, principle=principle, rating="emerging"
    )
    return {
        "plan": plan,
        "ours": ours,
        "theirs": theirs,
        "outcome": outcome,
        "indicator": indicator,
        "principle": principle,
        "rating": rating,
    }


@pytest.fixture
def partner_coordinator(partner_org: Any) -> Any:
    return make_member(partner_org, "coordinator", email="coord@partner.example.org")


def api_client(user: Any) -> Client:
    """A browser-like API caller: a session, and the CSRF token in the header on writes."""
    client = Client(enforce_csrf_checks=True)
    sign_in_as(client, user)
    client.get("/orgs/", follow=True)  # any signed-in page sets the CSRF cookie
    client.defaults["HTTP_X_CSRFTOKEN"] = client.cookies[settings.CSRF_COOKIE_NAME].value
    return client


def _api(org: Any, plan: Any, rest: str = "") -> str:
    return f"/api/v1/plans/{org.uuid}/{plan.uuid}{rest}"


def _page(org: Any, plan: Any, rest: str = "") -> str:
    return f"/orgs/{org.uuid}/plans/{plan.uuid}/{rest}"


def assert_forbidden(response: Any) -> None:
    """Refused by the policy (not by a missing CSRF token, which is also a 403)."""
    assert response.status_code == 403, (response.status_code, response.content[:300])
    assert b"CSRF check Failed" not in response.content  # the API's answer without the token
    assert b"CSRF verification failed" not in response.content  # the pages' answer


def _json(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, body, content_type="application/json")


# The partner's coordinator: reads the lead's plan, changes only what its organization leads ----


def test_the_api_client_of_these_tests_can_write(worked: dict[str, Any], coordinator: Any) -> None:
    """The refusals below are the policy's: the same client, for the owner, is let through."""
    client = api_client(coordinator.user)
    org, plan, outcome = coordinator.organization, worked["plan"], worked["outcome"]
    response = _json(
        client,
        "patch",
        _api(org, plan, f"/outcomes/{outcome.uuid}"),
        {"revision": outcome.revision, "name": "Renamed by the owner"},
    )
    assert response.status_code == 200, response.content
    without_token = Client(enforce_csrf_checks=True)
    sign_in_as(without_token, coordinator.user)
    refused = _json(without_token, "patch", _api(org, plan), {"revision": 1, "title": "No token"})
    assert refused.status_code == 403
    assert Plan.objects.get(pk=plan.pk).title == plan.title


def test_partner_cannot_change_status_of_lead_activity(
    worked: dict[str, Any], partner_org: Any, partner_coordinator: Any
) -> None:
    ours = worked["ours"]
    client = api_client(partner_coordinator.user)
    response = _json(
        client,
        "patch",
        _api(partner_org, worked["plan"], f"/activities/{ours.uuid}/status"),
        {"status": "done", "revision": ours.revision},
    )
    assert_forbidden(response)
    assert response.json()["error"]["code"] == "forbidden"
    assert PlanActivity.objects.get(pk=ours.pk).status == "planned"
    assert not AuditEvent.objects.filter(action="plan.activity_status").exists()


def test_partner_cannot_change_status_of_lead_activity_through_the_page(
    client: Any, worked: dict[str, Any], partner_org: Any, partner_coordinator: Any
) -> None:
    ours = worked["ours"]
    sign_in_as(client, partner_coordinator.user)
    response = client.post(
        _page(partner_org, worked["plan"], f"activities/{ours.uuid}/status/"),
        {"status": "done", "revision": ours.revision},
    )
    assert_forbidden(response)
    assert PlanActivity.objects.get(pk=ours.pk).status == "planned"


def test_partner_changes_status_of_the_activity_it_leads(
    client: Any, worked: dict[str, Any], partner_org: Any, partner_coordinator: Any
) -> None:
    theirs = worked["theirs"]
    api = api_client(partner_coordinator.user)
    response = _json(
        api,
        "patch",
        _api(partner_org, worked["plan"], f"/activities/{theirs.uuid}/status"),
        {"status": "in_progress", "revision": theirs.revision},
    )
    assert response.status_code == 200, response.content
    sign_in_as(client, partner_coordinator.user)
    client.post(
        _page(partner_org, worked["plan"], f"activities/{theirs.uuid}/status/"),
        {"status": "done", "revision": theirs.revision + 1},
    )
    assert PlanActivity.objects.get(pk=theirs.pk).status == "done"


def test_partner_page_offers_status_only_for_the_activity_it_leads_and_no_edits(
    client: Any, worked: dict[str, Any], partner_org: Any, partner_coordinator: Any
) -> None:
    plan = worked["plan"]
    sign_in_as(client, partner_coordinator.user)
    body = client.get(_page(partner_org, plan)).content.decode()
    assert f'id="status-{worked["theirs"].uuid}"' in body
    assert f'id="status-{worked["ours"].uuid}"' not in body
    for link in ("activities/add/", "outcomes/add/", "edit/", "publish/", "principles/"):
        assert _page(partner_org, plan, link) not in body, link
    assert _page(partner_org, plan, "export.pdf") in body  # partners may download the plan


def test_lead_staff_cannot_change_status_of_the_partners_activity(
    worked: dict[str, Any], owner_org: Any
) -> None:
    staff = make_member(owner_org, "staff")
    theirs, ours = worked["theirs"], worked["ours"]
    client = api_client(staff.user)
    url = _api(owner_org, worked["plan"], "/activities/{}/status")
    refused = _json(
        client, "patch", url.format(theirs.uuid), {"status": "done", "revision": theirs.revision}
    )
    assert_forbidden(refused)
    done = _json(client, "patch", url.format(ours.uuid), {"status": "done", "revision": 1})
    assert done.status_code == 200, done.content
    assert PlanActivity.objects.get(pk=theirs.pk).status == "planned"


def test_partner_cannot_edit_the_leads_outcomes(
    client: Any, worked: dict[str, Any], partner_org: Any, partner_coordinator: Any
) -> None:
    plan, outcome = worked["plan"], worked["outcome"]
    api = api_client(partner_coordinator.user)
    assert_forbidden(
        _json(
            api,
            "patch",
            _api(partner_org, plan, f"/outcomes/{outcome.uuid}"),
            {"revision": outcome.revision, "name": "Ours now"},
        )
    )
    assert_forbidden(api.delete(_api(partner_org, plan, f"/outcomes/{outcome.uuid}")))
    assert_forbidden(
        _json(api, "post", _api(partner_org, plan, "/outcomes"), {"name": "New", "horizon": "long"})
    )
    sign_in_as(client, partner_coordinator.user)
    assert_forbidden(
        client.post(
            _page(partner_org, plan, f"outcomes/{outcome.uuid}/"),
            {"revision": outcome.revision, "name": "Ours now", "horizon": "short"},
        )
    )
    assert_forbidden(client.post(_page(partner_org, plan, f"outcomes/{outcome.uuid}/remove/")))
    assert list(PlanOutcome.objects.filter(plan=plan).values_list("name", flat=True)) == [
        "Youth recognise grooming"
    ]


def test_partner_cannot_edit_the_leads_indicators(
    client: Any, worked: dict[str, Any], partner_org: Any, partner_coordinator: Any
) -> None:
    plan, outcome, indicator = worked["plan"], worked["outcome"], worked["indicator"]
    api = api_client(partner_coordinator.user)
    assert_forbidden(
        _json(
            api,
            "patch",
            _api(partner_org, plan, f"/indicators/{indicator.uuid}"),
            {"revision": indicator.revision, "target_value": "1"},
        )
    )
    assert_forbidden(
        _json(
            api,
            "post",
            _api(partner_org, plan, f"/outcomes/{outcome.uuid}/indicators"),
            {"name": "Ours"},
        )
    )
    assert_forbidden(api.delete(_api(partner_org, plan, f"/indicators/{indicator.uuid}")))
    sign_in_as(client, partner_coordinator.user)
    assert_forbidden(
        client.post(
            _page(partner_org, plan, f"indicators/{indicator.uuid}/"),
            {"revision": indicator.revision, "name": "Ours", "direction": "increase"},
        )
    )
    assert_forbidden(
        client.post(_page(partner_org, plan, f"outcomes/{outcome.uuid}/indicators/add/"))
    )
    assert list(
        Indicator.objects.filter(outcome__plan=plan).values_list("name", "target_value")
    ) == [("Students trained", None)]


def test_partner_cannot_rate_the_leads_principles(
    client: Any, worked: dict[str, Any], partner_org: Any, partner_coordinator: Any
) -> None:
    plan, principle, rating = worked["plan"], worked["principle"], worked["rating"]
    api = api_client(partner_coordinator.user)
    assert_forbidden(
        _json(
            api,
            "put",
            _api(partner_org, plan, f"/principles/{principle.key}"),
            {"rating": "strong", "revision": rating.revision},
        )
    )
    sign_in_as(client, partner_coordinator.user)
    assert_forbidden(client.get(_page(partner_org, plan, "principles/")))
    assert_forbidden(
        client.post(
            _page(partner_org, plan, "principles/"),
            {
                "principle": principle.key,
                f"{principle.key}-rating": "strong",
                f"{principle.key}-revision": rating.revision,
            },
        )
    )
    with pytest.raises(PermissionDenied):
        services.principle_rate(
            actor=partner_coordinator,
            plan=plan,
            principle=principle,
            rating="strong",
            revision=rating.revision,
        )
    assert PrincipleRating.objects.get(pk=rating.pk).rating == "emerging"


def test_partner_cannot_edit_the_leads_plan_details_strategies_or_activities(
    client: Any, worked: dict[str, Any], partner_org: Any, partner_coordinator: Any
) -> None:
    plan, theirs = worked["plan"], worked["theirs"]
    api = api_client(partner_coordinator.user)
    assert_forbidden(
        _json(api, "patch", _api(partner_org, plan), {"revision": plan.revision, "title": "Ours"})
    )
    assert_forbidden(
        _json(
            api,
            "patch",
            _api(partner_org, plan, f"/activities/{theirs.uuid}"),
            {"revision": theirs.revision, "name": "Renamed"},
        )
    )
    assert_forbidden(api.delete(_api(partner_org, plan, f"/activities/{theirs.uuid}")))
    assert_forbidden(api.delete(_api(partner_org, plan, "/strategies/build-individual-skills")))
    sign_in_as(client, partner_coordinator.user)
    assert_forbidden(client.post(_page(partner_org, plan, "edit/"), {"title": "Ours"}))
    assert_forbidden(client.post(_page(partner_org, plan, "strategies/"), {"strategies": []}))
    assert_forbidden(
        client.post(_page(partner_org, plan, "gaps/add/"), {"activity": "financial-literacy"})
    )
    assert_forbidden(client.post(_page(partner_org, plan, f"activities/{theirs.uuid}/remove/")))
    plan.refresh_from_db()
    assert plan.title == "County prevention plan"
    assert PlanActivity.objects.filter(plan=plan).count() == 2
    assert plan.strategies.count() == 1


def test_partner_cannot_publish_the_leads_plan_or_start_a_draft(
    client: Any,
    worked: dict[str, Any],
    partner_org: Any,
    partner_coordinator: Any,
    coordinator: Any,
) -> None:
    plan = worked["plan"]
    api = api_client(partner_coordinator.user)
    assert_forbidden(
        _json(api, "post", _api(partner_org, plan, "/publish"), {"revision": plan.revision})
    )
    sign_in_as(client, partner_coordinator.user)
    assert_forbidden(client.get(_page(partner_org, plan, "publish/")))
    assert_forbidden(client.post(_page(partner_org, plan, "publish/"), {"revision": plan.revision}))
    assert not Plan.objects.get(pk=plan.pk).is_published
    services.plan_publish(actor=coordinator, plan=plan, revision=plan.revision)
    assert_forbidden(_json(api, "post", _api(partner_org, plan, "/drafts"), {}))
    assert_forbidden(client.post(_page(partner_org, plan, "new-draft/")))
    assert Plan.objects.filter(series=plan.series).count() == 1


def test_partner_admin_does_not_see_who_downloaded_the_leads_plan(
    client: Any, worked: dict[str, Any], partner_org: Any, owner_org: Any, coordinator: Any
) -> None:
    plan = worked["plan"]
    services.plan_export_record(actor=coordinator, plan=plan, format="xlsx")
    partner_admin = make_member(partner_org, "admin", email="admin@partner.example.org")
    sign_in_as(client, partner_admin.user)
    body = client.get(_page(partner_org, plan, "history/")).content.decode()
    assert "Plan activity added" in body
    assert "(XLSX)" not in body
    owner_admin = make_member(owner_org, "admin", email="history@owner.example.org")
    sign_in_as(client, owner_admin.user)
    assert "(XLSX)" in client.get(_page(owner_org, plan, "history/")).content.decode()


# The partner's viewer ---------------------------------------------------------------------------


def test_partner_viewer_reads_and_downloads_but_changes_nothing(
    client: Any, worked: dict[str, Any], partner_org: Any
) -> None:
    plan, theirs = worked["plan"], worked["theirs"]
    viewer = make_member(partner_org, "viewer", email="viewer@partner.example.org")
    api = api_client(viewer.user)
    assert api.get(_api(partner_org, plan)).json()["title"] == "County prevention plan"
    assert api.get(_api(partner_org, plan, "/export.json")).status_code == 200
    assert_forbidden(
        _json(
            api,
            "patch",
            _api(partner_org, plan, f"/activities/{theirs.uuid}/status"),
            {"status": "done", "revision": theirs.revision},
        )
    )
    sign_in_as(client, viewer.user)
    body = client.get(_page(partner_org, plan)).content.decode()
    assert f'id="status-{theirs.uuid}"' not in body  # its organization leads it; its role may not
    assert_forbidden(
        client.post(
            _page(partner_org, plan, f"activities/{theirs.uuid}/status/"),
            {"status": "done", "revision": theirs.revision},
        )
    )
    assert PlanActivity.objects.get(pk=theirs.pk).status == "planned"


# A member of a second organization: its own organization in the URL, the owner's objects -------


def test_second_organization_with_its_own_uuid_finds_none_of_the_owners_objects(
    client: Any, worked: dict[str, Any], outsider: Any
) -> None:
    mine = outsider.organization
    plan, ours, outcome, indicator = (
        worked["plan"],
        worked["ours"],
        worked["outcome"],
        worked["indicator"],
    )
    sign_in_as(client, outsider.user)
    for rest in (
        "",
        "history/",
        "export.pdf",
        f"activities/{ours.uuid}/",
        f"outcomes/{outcome.uuid}/",
        f"indicators/{indicator.uuid}/",
    ):
        assert client.get(_page(mine, plan, rest)).status_code == 404, rest
    assert (
        client.post(
            _page(mine, plan, f"activities/{ours.uuid}/status/"),
            {"status": "done", "revision": ours.revision},
        ).status_code
        == 404
    )
    api = api_client(outsider.user)
    assert api.get(_api(mine, plan)).status_code == 404
    for method, rest, body in (
        ("patch", f"/activities/{ours.uuid}/status", {"status": "done", "revision": 1}),
        ("patch", f"/outcomes/{outcome.uuid}", {"revision": 1, "name": "x"}),
        ("patch", f"/indicators/{indicator.uuid}", {"revision": 1, "name": "x"}),
        ("post", "/publish", {"revision": plan.revision}),
    ):
        response = _json(api, method, _api(mine, plan, rest), body)
        assert response.status_code == 404, (rest, response.status_code)
        assert response.json()["error"]["code"] == "not_found"
    assert PlanActivity.objects.get(pk=ours.pk).status == "planned"
    assert outcome.name == PlanOutcome.objects.get(pk=outcome.pk).name


# The rules themselves, for the cases pages and routes cannot reach -----------------------------


def test_an_organization_that_left_the_coalition_no_longer_changes_what_it_leads(
    worked: dict[str, Any], partner_org: Any, partner_coordinator: Any
) -> None:
    from upstream.accounts import services as account_services

    theirs = worked["theirs"]
    account_services.coalition_leave(actor=partner_coordinator, coalition=worked["plan"].coalition)
    access = plan_access(membership=partner_coordinator, plan=worked["plan"])
    assert not access.view
    with pytest.raises(PermissionDenied):
        services.plan_activity_set_status(
            actor=partner_coordinator, activity=theirs, status="done", revision=theirs.revision
        )
    with pytest.raises(PermissionDenied):
        services.plan_export_record(actor=partner_coordinator, plan=worked["plan"], format="pdf")
    with pytest.raises(PermissionDenied):
        selectors.plan_history(membership=partner_coordinator, plan=worked["plan"])


def test_a_plan_for_a_coalition_the_organization_is_not_in_is_refused(
    hhs: Any, coalition: Any, outsider: Any
) -> None:
    import datetime as dt

    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            actor=outsider,
            title="Not our coalition",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
            state_fips="39",
            framework_version=hhs,
            coalition=coalition,
        )
    assert "coalition" in exc.value.message_dict
    assert not Plan.objects.filter(title="Not our coalition").exists()


def test_a_published_version_offers_a_new_draft_and_nothing_else(
    worked: dict[str, Any], coordinator: Any
) -> None:
    plan, ours = worked["plan"], worked["ours"]
    services.plan_publish(actor=coordinator, plan=plan, revision=plan.revision)
    access = plan_access(membership=coordinator, plan=plan)
    assert (access.view, access.new_draft, access.export) == (True, True, True)
    assert not (access.edit or access.publish or access.rate_principles)
    assert not access.update_status(ours)
    with pytest.raises(ValidationError):
        services.plan_activity_set_status(
            actor=coordinator, activity=ours, status="done", revision=ours.revision
        )
    with pytest.raises(ValidationError):
        services.plan_publish(actor=coordinator, plan=plan, revision=plan.revision)
    draft = services.plan_new_draft(actor=coordinator, plan=plan)
    with pytest.raises(ValidationError, match="Only a published version"):
        services.plan_new_draft(actor=coordinator, plan=draft)
    on_draft = plan_access(membership=coordinator, plan=draft)
    assert on_draft.edit and on_draft.publish and not on_draft.new_draft


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", (True, False, False, True, True)),
        ("coordinator", (True, False, False, True, True)),
        ("staff", (True, False, False, True, True)),
        ("analyst", (True, False, False, False, True)),
        ("viewer", (True, False, False, False, True)),
        ("screener", (False, False, False, False, False)),
    ],
)
def test_what_each_partner_role_may_do_with_the_leads_plan(
    worked: dict[str, Any], partner_org: Any, role: str, expected: tuple[bool, ...]
) -> None:
    """(view, edit, publish, change the status of the activity it leads, export) for a member
    of the partner organization: the role table, then the plan's facts."""
    member = make_member(partner_org, role)
    access = plan_access(membership=member, plan=worked["plan"])
    got = (
        access.view,
        access.edit,
        access.publish,
        access.update_status(worked["theirs"]),
        access.export,
    )
    assert got == expected
    assert not access.update_status(worked["ours"])
    assert not (access.new_draft or access.see_downloads)


def test_publishing_needs_the_publish_action_not_only_edit(
    worked: dict[str, Any], owner_org: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The object rule composes the role table: a role that may edit but not publish (none does
    today) gets no publish or new-draft answer."""
    from upstream.accounts.policy import PERMISSIONS, Role

    monkeypatch.setitem(PERMISSIONS, "plan.edit", PERMISSIONS["plan.edit"] | {Role.STAFF})
    staff = make_member(owner_org, "staff")
    access = plan_access(membership=staff, plan=worked["plan"])
    assert access.edit
    assert not access.publish
    with pytest.raises(PermissionDenied):
        services.plan_publish(actor=staff, plan=worked["plan"], revision=worked["plan"].revision)


def test_downloading_needs_the_export_action_not_only_view(
    worked: dict[str, Any], partner_org: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from upstream.accounts.policy import PERMISSIONS, Role

    monkeypatch.setitem(PERMISSIONS, "plan.export", PERMISSIONS["plan.export"] - {Role.VIEWER})
    viewer = make_member(partner_org, "viewer")
    access = plan_access(membership=viewer, plan=worked["plan"])
    assert access.view and not access.export
    with pytest.raises(PermissionDenied):
        services.plan_export_record(actor=viewer, plan=worked["plan"], format="pdf")


def test_an_organizations_own_plan_outside_any_coalition_is_its_alone(
    client: Any, coordinator: Any, hhs: Any, partner_org: Any, coalition: Any
) -> None:
    import datetime as dt

    own = services.plan_create(
        actor=coordinator,
        title="Our own plan",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        state_fips="39",
        framework_version=hhs,
    )
    org = coordinator.organization
    assert plan_access(membership=coordinator, plan=own).edit
    api = api_client(coordinator.user)
    assert api.get(_api(org, own)).json()["title"] == "Our own plan"
    partner = make_member(partner_org, "coordinator")
    assert not plan_access(membership=partner, plan=own).view
    sign_in_as(client, partner.user)
    assert client.get(_page(partner_org, own)).status_code == 404
