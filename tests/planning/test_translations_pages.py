"""Plan pages, forms and service messages in Spanish: the words of the planning templates,
forms and services come out of the Spanish catalog, and dates and numbers follow the language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from tests.conftest import sign_in_as
from tests.planning.conftest import add_from_framework
from upstream.planning import labels, services

pytestmark = pytest.mark.django_db


def _url(plan: Any, suffix: str = "") -> str:
    return f"/orgs/{plan.organization.uuid}/plans/{plan.uuid}/{suffix}"


def _spanish(client: Client, url: str, data: dict[str, Any] | None = None) -> str:
    """The page as a Spanish reader gets it (the active language and the language cookie)."""
    client.cookies["django_language"] = "es"
    with translation.override("es"):
        response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code in (200, 422), response.status_code
    return str(response.content.decode())


@pytest.fixture
def spanish_plan(plan: Any, coordinator: Any, partner_org: Any) -> Any:
    school = add_from_framework(
        coordinator,
        plan,
        "school-prevention-education",
        partners=[partner_org],
        start=dt.date(2026, 3, 1),
        budget=Decimal("15000"),
    )
    outcome = services.plan_outcome_add(
        actor=coordinator,
        plan=plan,
        name="More knowledge of grooming tactics",
        horizon="short",
        activities=[school],
    )
    services.indicator_add(
        actor=coordinator,
        plan=plan,
        outcome=outcome,
        name="Students who can name three grooming tactics",
        unit="percent of students",
        baseline_value=Decimal("22"),
        baseline_date=plan.period_start,
        target_value=Decimal("60"),
        target_date=plan.period_end,
    )
    plan.refresh_from_db()
    return plan


def test_plan_list_in_spanish(client: Client, coordinator: Any, spanish_plan: Any) -> None:
    sign_in_as(client, coordinator.user)
    body = _spanish(client, f"/orgs/{coordinator.organization.uuid}/plans/")
    assert "<h1>Planes de prevención</h1>" in body
    assert "Crear un plan" in body
    assert "Borrador" in body  # the plan's status
    assert "enero de 2026" in body  # the period, as Spanish writes a month
    assert "Prevention plans" not in body
    assert "Create a plan" not in body


def test_plan_page_in_spanish(client: Client, coordinator: Any, spanish_plan: Any) -> None:
    sign_in_as(client, coordinator.user)
    body = _spanish(client, _url(spanish_plan))
    for spanish in (
        "<h2>Modelo lógico</h2>",
        "Resultados e indicadores",
        "Análisis de brechas",
        "Del 1 de enero de 2026 al 31 de diciembre de 2028",  # the period, localized dates
        "Jóvenes en cuidado de crianza",  # a priority population from the vocabulary
        "Planeada",  # the activity's status
        "Cada año",  # the indicator's reporting frequency
        "Poblaciones prioritarias",
        "Versión 1",
    ):
        assert spanish in body, spanish
    for english in (
        "Logic model",
        "Outcomes and indicators",
        "Youth in foster care",
        "Add an activity",
        "Lead and partners",
        "Annually",
        "January 2026",
    ):
        assert english not in body, english


def test_activity_form_with_an_error_in_spanish(
    client: Client, coordinator: Any, spanish_plan: Any
) -> None:
    sign_in_as(client, coordinator.user)
    hhs = spanish_plan.framework_version
    school = hhs.activities.get(key="school-prevention-education")
    body = _spanish(
        client,
        _url(spanish_plan, "activities/add/"),
        {
            "strategy": school.strategy_id,
            "name": "Talleres",
            "level": school.level_id,
            "tier": school.tier_id,
            "lead_organization": coordinator.organization_id,
            "status": "planned",
            "start": "2026-06-01",
            "end": "2026-05-01",
        },
    )
    assert "La fecha de fin debe ser igual o posterior a la fecha de inicio." in body
    assert "Agregar una actividad" in body
    assert "Organización líder" in body  # a form label
    assert "Guardar la actividad" in body or "Agregar la actividad" in body
    assert "The end date must be on or after the start date." not in body
    assert "Lead organization" not in body
    assert spanish_plan.activities.filter(name="Talleres").count() == 0


def test_gap_analysis_in_spanish(client: Client, coordinator: Any, spanish_plan: Any) -> None:
    sign_in_as(client, coordinator.user)
    body = _spanish(client, _url(spanish_plan, "gaps/"))
    assert "<h1>Análisis de brechas</h1>" in body
    assert "Las brechas principales" in body
    assert "Equilibrio entre los niveles de prevención" in body
    assert "Ninguna actividad llega a: trabajadores migrantes y de temporada" in body
    assert "The top gaps" not in body
    assert "No activity reaches" not in body
    assert "Balance across prevention tiers" not in body


def test_principle_self_assessment_in_spanish(
    client: Client, coordinator: Any, spanish_plan: Any
) -> None:
    sign_in_as(client, coordinator.user)
    body = _spanish(client, _url(spanish_plan, "principles/"))
    assert "Autoevalúe los cinco principios" in body
    assert "Prácticas que ya existen" in body  # a form label
    assert "Sin empezar" in body  # a rating choice
    assert "Self-assess the five principles" not in body
    assert "Not started" not in body


def test_history_names_actions_in_spanish(
    client: Client, coordinator: Any, spanish_plan: Any
) -> None:
    sign_in_as(client, coordinator.user)
    body = _spanish(client, _url(spanish_plan, "history/"))
    assert "<h1>Historial</h1>" in body
    assert "Actividad del plan agregada" in body
    assert "Plan activity added" not in body


def test_service_validation_error_in_spanish(coordinator: Any, spanish_plan: Any) -> None:
    activity = spanish_plan.activities.get()
    with translation.override("es"), pytest.raises(ValidationError) as raised:
        services.plan_activity_update(
            actor=coordinator,
            activity=activity,
            revision=activity.revision,
            start=dt.date(2025, 1, 1),
        )
    with translation.override("es"):
        messages = raised.value.message_dict
    assert messages["start"] == ["La actividad empieza antes del periodo del plan."]


def test_stale_edit_message_in_spanish(coordinator: Any, spanish_plan: Any) -> None:
    activity = spanish_plan.activities.get()
    with translation.override("es"), pytest.raises(ValidationError) as raised:
        services.plan_activity_update(
            actor=coordinator,
            activity=activity,
            revision=activity.revision - 1,
            name="Otra",
        )
    with translation.override("es"):
        assert raised.value.messages[0].startswith("Otra persona cambió esta actividad")


def test_labels_follow_the_language() -> None:
    with translation.override("es"):
        assert labels.label("status", "in_progress") == "En curso"
        # U.S. Spanish writes amounts as U.S. English does (decision 0019)
        assert labels.money(Decimal("15000.5")) == "$15,000.50"
        assert labels.readable_date("2026-03-01") == "1 de marzo de 2026"
    assert labels.label("status", "in_progress") == "In progress"
    assert labels.money(Decimal("15000")) == "$15,000"


def test_removal_confirmation_in_spanish(
    client: Client, coordinator: Any, spanish_plan: Any
) -> None:
    sign_in_as(client, coordinator.user)
    outcome = spanish_plan.outcomes.get()
    body = _spanish(client, _url(spanish_plan, f"outcomes/{outcome.uuid}/remove/"))
    assert "¿Quitar el resultado “More knowledge of grooming tactics”?" in body
    assert "Su 1 indicador se quitará con él." in body
    assert "Sí, quitarlo" in body
    assert "Remove the outcome" not in body
    assert "will be removed with it" not in body
