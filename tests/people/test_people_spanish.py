"""The people pages, forms and consent refusals in Spanish."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from tests.conftest import sign_in_as
from upstream.people import services
from upstream.people.services import ConsentRefused

pytestmark = pytest.mark.django_db


def _spanish(client: Client, url: str) -> str:
    client.cookies["django_language"] = "es"
    with translation.override("es"):
        response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def test_the_consent_form_and_the_persons_page_are_in_spanish(
    client: Client, screener: Any, person: Any, consent: Any
) -> None:
    sign_in_as(client, screener.user)
    base = f"/orgs/{screener.organization.uuid}/people/{person.uuid}/"
    form = _spanish(client, base + "consents/new/")
    assert "Para qué da su permiso la persona" in form
    assert "Derivación a servicios" in form and "De palabra" in form  # choices
    assert "Registrar el consentimiento" in form
    detail = _spanish(client, base)
    assert "Solo la evaluación" in detail and "Vigente" in detail
    assert "Idioma preferido" in detail


def test_a_consent_refusal_is_in_the_readers_language(
    consent: Any, screener: Any, person: Any
) -> None:
    with translation.override("es"), pytest.raises(ConsentRefused) as refused:
        services.consent_require(actor=screener, person=person, scope="referral")
    assert str(refused.value) == (
        f"La persona {person.public_id} no tiene consentimiento para “Derivación a servicios”. "
        "Registre uno primero."
    )


def test_validation_messages_are_in_the_readers_language(screener: Any, person: Any) -> None:
    with translation.override("es"), pytest.raises(ValidationError) as caught:
        services.consent_record(
            actor=screener, person=person, scope="screening", method="verbal", note="x" * 2001
        )
    assert caught.value.message_dict["note"] == ["Use como máximo 2000 caracteres."]
