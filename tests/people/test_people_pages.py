"""People pages and API: screeners record and read; administrators read only with a stated
reason; other roles and other organizations see nothing; every read is audited."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.conftest import make_member, sign_in_as
from tests.people.conftest import CONTACT_CANARY, NAME_CANARY, NOTE_CANARY
from upstream.audit.models import AuditEvent
from upstream.people import services
from upstream.people.models import Consent, Person

pytestmark = pytest.mark.django_db


def _url(org: Any, rest: str = "") -> str:
    return f"/orgs/{org.uuid}/people/{rest}"


def test_screener_records_a_person_and_sees_them_by_public_id(
    client: Client, records_everything: None, screener: Any
) -> None:
    sign_in_as(client, screener.user)
    response = client.post(
        _url(screener.organization, "new/"),
        {"display_name": NAME_CANARY, "contact": CONTACT_CANARY, "preferred_language": "es"},
    )
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(screener.organization, f"{person.uuid}/")
    listing = client.get(_url(screener.organization)).content.decode()
    assert person.public_id in listing
    assert NAME_CANARY not in listing  # the list shows public ids only
    page = client.get(response["Location"]).content.decode()
    assert NAME_CANARY in page and CONTACT_CANARY in page
    assert AuditEvent.objects.filter(action="people.person_viewed", target_id=str(person.uuid))


def test_a_field_the_organization_does_not_record_is_refused(client: Client, screener: Any) -> None:
    sign_in_as(client, screener.user)
    with pytest.raises(Exception, match="does not record"):
        services.person_create(actor=screener, display_name="Someone")
    response = client.post(_url(screener.organization, "new/"), {"display_name": "Someone"})
    assert response.status_code == 302  # the form has no name field: the value is ignored
    assert Person.objects.get().display_name == ""


def test_the_person_page_shows_consents_and_a_withdrawal(
    client: Client, screener: Any, person: Any, consent: Any
) -> None:
    sign_in_as(client, screener.user)
    detail = _url(screener.organization, f"{person.uuid}/")
    assert "Active" in client.get(detail).content.decode()
    withdraw = _url(screener.organization, f"{person.uuid}/consents/{consent.uuid}/withdraw/")
    confirm = client.get(withdraw).content.decode()
    assert "Yes, withdraw it" in confirm
    assert Consent.objects.get().withdrawn_at is None  # a GET changes nothing
    assert client.post(withdraw, {"confirm": "yes"}).status_code == 302
    page = client.get(detail).content.decode()
    assert "Withdrawn" in page
    assert Consent.objects.get().withdrawn_at is not None


def test_a_consent_is_recorded_from_the_form(client: Client, screener: Any, person: Any) -> None:
    sign_in_as(client, screener.user)
    url = _url(screener.organization, f"{person.uuid}/consents/new/")
    refused = client.post(
        url, {"scope": "share_with_organizations", "method": "verbal", "given_by": "person"}
    )
    assert refused.status_code == 200
    assert "Name at least one organization" in refused.content.decode()
    assert not Consent.objects.exists()
    response = client.post(
        url,
        {"scope": "referral", "method": "written", "given_by": "guardian", "note": NOTE_CANARY},
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.scope, consent.method, consent.given_by) == ("referral", "written", "guardian")
    assert consent.note == NOTE_CANARY


def test_an_administrator_must_state_a_reason_which_is_audited(
    client: Client, members_by_role: dict[str, Any], person: Any
) -> None:
    admin = members_by_role["admin"]
    sign_in_as(client, admin.user)
    detail = _url(admin.organization, f"{person.uuid}/")
    asked = client.get(detail).content.decode()
    assert "State your reason" in asked
    assert NAME_CANARY not in asked
    assert not AuditEvent.objects.filter(action="people.person_viewed").exists()
    short = client.post(_url(admin.organization, "reason/"), {"reason": "because", "next": detail})
    assert short.status_code == 403
    response = client.post(
        _url(admin.organization, "reason/"),
        {"reason": "Request 42 from the person to correct their record", "next": detail},
    )
    assert response["Location"] == detail
    assert NAME_CANARY in client.get(detail).content.decode()
    event = AuditEvent.objects.get(action="people.person_viewed")
    assert event.details["reason"] == "Request 42 from the person to correct their record"


@pytest.mark.parametrize("role", ["coordinator", "staff", "provider", "analyst", "viewer"])
def test_roles_without_personal_access_are_refused(
    client: Client, members_by_role: dict[str, Any], person: Any, role: str
) -> None:
    sign_in_as(client, members_by_role[role].user)
    for url in (_url(person.organization), _url(person.organization, f"{person.uuid}/")):
        response = client.get(url)
        assert response.status_code == 403
        assert NAME_CANARY not in response.content.decode()


def test_another_organizations_person_is_a_404(
    client: Client, person: Any, outsider_org: Any
) -> None:
    other = make_member(outsider_org, "screener")
    sign_in_as(client, other.user)
    assert client.get(_url(outsider_org, f"{person.uuid}/")).status_code == 404
    assert client.get(_url(person.organization, f"{person.uuid}/")).status_code == 404


def test_a_read_and_its_audit_event_commit_or_fail_together(
    screener: Any, person: Any, monkeypatch: Any
) -> None:
    from upstream.people import selectors

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(selectors, "personal_read_record", broken)
    with pytest.raises(RuntimeError):
        selectors.person_get(membership=screener, person_uuid=person.uuid)


def _many(screener: Any, n: int) -> None:
    for _ in range(n):
        services.person_create(actor=screener)


@pytest.mark.parametrize("count", [2, 30])
def test_the_list_page_and_api_take_the_same_queries_for_few_or_many(
    client: Client, screener: Any, count: int, django_assert_max_num_queries: Any
) -> None:
    _many(screener, count)
    sign_in_as(client, screener.user)
    with django_assert_max_num_queries(22):
        assert client.get(_url(screener.organization)).status_code == 200
    with django_assert_max_num_queries(16):
        response = client.get(f"/api/v1/people/{screener.organization.uuid}")
    assert response.json()["count"] == count


def test_the_api_records_reads_and_withdraws(records_everything: None, screener: Any) -> None:
    api = Client(enforce_csrf_checks=True)
    sign_in_as(api, screener.user)
    api.get("/")
    token = api.cookies["upstream_csrf"].value if "upstream_csrf" in api.cookies else ""
    base = f"/api/v1/people/{screener.organization.uuid}"
    headers = {"HTTP_X_CSRFTOKEN": token}
    refused = api.post(base, json.dumps({"display_name": NAME_CANARY}), "application/json")
    assert refused.status_code == 403  # no CSRF token
    created = api.post(
        base, json.dumps({"display_name": NAME_CANARY}), "application/json", **headers
    )
    assert created.status_code == 201, created.content
    person = created.json()
    assert person["display_name"] == NAME_CANARY
    patched = api.patch(
        f"{base}/{person['uuid']}",
        json.dumps({"contact": CONTACT_CANARY}),
        "application/json",
        **headers,
    )
    assert patched.json()["contact"] == CONTACT_CANARY
    assert patched.json()["display_name"] == NAME_CANARY
    bad = api.post(
        f"{base}/{person['uuid']}/consents",
        json.dumps({"scope": "screening", "method": "carrier pigeon"}),
        "application/json",
        **headers,
    )
    assert bad.status_code == 422
    consent = api.post(
        f"{base}/{person['uuid']}/consents",
        json.dumps({"scope": "screening", "method": "self"}),
        "application/json",
        **headers,
    ).json()
    assert consent["state"] == "active"
    fhir = api.get(f"{base}/{person['uuid']}/consents/{consent['uuid']}/fhir").json()
    assert fhir["resourceType"] == "Consent"
    withdrawn = api.post(
        f"{base}/{person['uuid']}/consents/{consent['uuid']}/withdraw",
        "{}",
        "application/json",
        **headers,
    )
    assert withdrawn.json()["state"] == "withdrawn"
    again = api.post(
        f"{base}/{person['uuid']}/consents/{consent['uuid']}/withdraw",
        "{}",
        "application/json",
        **headers,
    )
    assert again.status_code == 422
    assert "already withdrawn" in again.json()["error"]["message"]


def test_an_administrator_reads_over_the_api_only_with_a_reason_header(
    members_by_role: dict[str, Any], person: Any
) -> None:
    api = Client(enforce_csrf_checks=True)
    sign_in_as(api, members_by_role["admin"].user)
    url = f"/api/v1/people/{person.organization.uuid}/{person.uuid}"
    refused = api.get(url)
    assert refused.status_code == 403
    assert "stated reason" in refused.json()["error"]["message"]
    allowed = api.get(url, HTTP_X_UPSTREAM_REASON="Audit of case 17 requested by the director")
    assert allowed.json()["display_name"] == NAME_CANARY


def test_editing_a_person_audits_which_fields_changed_never_their_values(
    client: Client, screener: Any, person: Any
) -> None:
    sign_in_as(client, screener.user)
    response = client.post(
        _url(screener.organization, f"{person.uuid}/edit/"),
        {
            "display_name": "New Name Canary",
            "birth_date": "1990-04-02",
            "contact": CONTACT_CANARY,
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="people.person_updated")
    assert event.details == {"fields": ["display_name", "preferred_language"]}
    for stored in AuditEvent.objects.all():
        text = json.dumps(stored.details) + stored.target_label
        assert NAME_CANARY not in text and "New Name Canary" not in text
        assert CONTACT_CANARY not in text


def test_api_keys_cannot_reach_personal_records(
    members_by_role: dict[str, Any], person: Any
) -> None:
    from upstream.accounts import services as accounts

    _, secret = accounts.apikey_create(actor=members_by_role["admin"], name="k", scope="write")
    response = Client().get(
        f"/api/v1/people/{person.organization.uuid}/{person.uuid}",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 403
    assert NAME_CANARY not in response.content.decode()
