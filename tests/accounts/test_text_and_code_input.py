"""Organizations and coalitions take FIPS codes in ASCII digits only and names without control
or direction characters, whether they come from a form, the API or a service call."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client

from tests.conftest import sign_in_as
from upstream.accounts import services
from upstream.accounts.forms import CoalitionForm, OrganizationForm
from upstream.accounts.models import Coalition, Organization

pytestmark = pytest.mark.django_db

TOKEN = "b" * 32


@pytest.mark.parametrize("state", ["²³", "٣٩", "３９"])
def test_an_organization_with_a_state_code_in_other_digits_is_refused(state: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organization_create(
            actor=None, name="Shelter", sectors=["housing"], state_fips=state
        )
    assert "state_fips" in caught.value.message_dict
    assert not Organization.objects.filter(name="Shelter").exists()


def test_an_organization_name_with_a_direction_override_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        services.organization_create(
            actor=None, name="Shelter \u202eredlehS", sectors=["housing"], state_fips="39"
        )
    assert "direction controls" in str(caught.value.message_dict["name"])


def test_organization_api_patch_refuses_control_characters(owner_org: Any, member: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in_as(client, member.user)
    client.cookies[settings.CSRF_COOKIE_NAME] = TOKEN
    url = f"/api/v1/accounts/organizations/{owner_org.uuid}"
    for body in ({"name": "Owner\x00Org"}, {"contact_phone": "555\x1b[2J"}, {"name": "\u2067x"}):
        response = client.patch(
            url, body, content_type="application/json", headers={"X-CSRFToken": TOKEN}
        )
        assert response.status_code in (400, 422), response.content
    owner_org.refresh_from_db()
    assert "\x00" not in owner_org.name and owner_org.contact_phone == ""


def test_organization_and_coalition_forms_take_ascii_codes_only() -> None:
    org = OrganizationForm(data={"name": "Shelter", "sectors": ["housing"], "county_fips": "٣٩٠٤٩"})
    assert "county_fips" in org.errors
    coalition = CoalitionForm(data={"name": "C", "state_fips": "٣٩", "county_fips": "39049"})
    assert "state_fips" in coalition.errors
    coalition = CoalitionForm(data={"name": "C", "state_fips": "39", "county_fips": "39049,٣٩٠٤٩"})
    assert "county_fips" in coalition.errors
    coalition = CoalitionForm(data={"name": "C\x00", "state_fips": "39", "description": "a\nb"})
    assert list(coalition.errors) == ["name"]


def test_a_coalition_description_keeps_its_line_breaks(member: Any) -> None:
    coordinator = member
    coalition = services.coalition_create(
        actor=coordinator, name="Coalition", state_fips="39", description="one\ntwo"
    )
    assert Coalition.objects.get(pk=coalition.pk).description == "one\ntwo"
    with pytest.raises(ValidationError):
        services.coalition_create(actor=coordinator, name="Bad\x07", state_fips="39")
