"""People fixtures: an organization that records every identifying field, and a person of it
whose values are canaries that must never appear outside the encrypted columns."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

NAME_CANARY = "Canary Person Zq7Wx"
CONTACT_CANARY = "canary-contact-55501@example.org"
NOTE_CANARY = "Canary consent note Kp3Vv"


@pytest.fixture
def records_everything(members_by_role: dict[str, Any]) -> None:
    from upstream.people import services

    services.people_settings_update(
        actor=members_by_role["admin"],
        recorded_fields=["display_name", "birth_date", "contact", "preferred_language"],
    )


@pytest.fixture
def screener(members_by_role: dict[str, Any]) -> Any:
    return members_by_role["screener"]


@pytest.fixture
def person(records_everything: None, screener: Any) -> Any:
    from upstream.people import services

    return services.person_create(
        actor=screener,
        display_name=NAME_CANARY,
        birth_date=dt.date(1990, 4, 2),
        contact=CONTACT_CANARY,
        preferred_language="es",
    )


@pytest.fixture
def consent(person: Any, screener: Any) -> Any:
    from upstream.people import services

    return services.consent_record(
        actor=screener, person=person, scope="screening", method="verbal", note=NOTE_CANARY
    )
