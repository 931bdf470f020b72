"""The XLSX export in Spanish: sheet names, headings, words for codes and the list validations
all in the workbook's language, and the validation lists match the words in the cells."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import translation

from tests.planning.conftest import add_from_framework
from upstream.planning import services
from upstream.planning.exports import plan_xlsx

pytestmark = pytest.mark.django_db


def test_the_workbook_speaks_the_language_it_is_built_in(
    plan: Any, coordinator: Any, partner_org: Any
) -> None:
    from openpyxl import load_workbook

    school = add_from_framework(
        coordinator, plan, "school-prevention-education", partners=[partner_org]
    )
    services.plan_outcome_add(
        actor=coordinator,
        plan=plan,
        name="More knowledge of grooming tactics",
        horizon="short",
        activities=[school],
    )
    plan.refresh_from_db()
    steps: list[str] = []
    with translation.override("es"):
        body = plan_xlsx(plan, step=lambda fraction, message: steps.append(message))
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == [
        "Plan",
        "Actividades",
        "Resultados",
        "Indicadores",
        "Principios",
        "Mapa de calor",
        "Socios",
        "Brechas",
    ]
    activities = book["Actividades"]
    assert activities["B1"].value == "Actividad"
    status = activities["K2"].value
    (statuses,) = activities.data_validations.dataValidation
    assert status == "Planeada" and status in statuses.formula1.strip('"').split(",")
    outcomes = book["Resultados"]
    assert outcomes["B2"].value == "Corto plazo"
    horizons = outcomes.data_validations.dataValidation[0]
    assert horizons.formula1 == '"Corto plazo,Mediano plazo,Largo plazo"'
    assert horizons.prompt == "Elija un valor de la lista."
    # progress is stored in English and shown in the reader's language
    assert steps == ["Reading the plan", "Filling in the sheets", "Saving the workbook"]
