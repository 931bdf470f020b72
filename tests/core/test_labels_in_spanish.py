"""Labels of stored codes are declared in English and shown in the reader's language: the shared
vocabularies, audit actions, periodic job and task labels, and place names without a name."""

from __future__ import annotations

import pytest
from django.utils import translation

from upstream.audit.actions import ACTIONS, action_choices, action_label
from upstream.core import vocabularies as v
from upstream.core.places import county_name, state_name
from upstream.tasks.jobs import JOBS


def test_vocabularies_keep_english_labels_and_choices_follow_the_language() -> None:
    with translation.override("es"):
        assert v.HORIZONS["short"] == "Short term"  # what documents and exports store
        assert dict(v.choices(v.HORIZONS))["short"] == "Corto plazo"
        assert v.label_of(v.SECTORS, "housing") == "Vivienda"
        assert v.label_of(v.SECTORS, "not-a-sector") == "not-a-sector"
    assert dict(v.choices(v.HORIZONS))["short"] == "Short term"


def test_every_shared_vocabulary_label_has_a_spanish_translation() -> None:
    vocabularies = [
        v.SECTORS,
        v.CONFIDENCE_NAMES,
        v.CONFIDENCE,
        v.HORIZONS,
        v.FRAMEWORK_STATUSES,
        v.FACTOR_KINDS,
        v.GEOGRAPHY_KINDS,
        v.INDICATOR_DIRECTIONS,
        v.RANKINGS,
    ]
    with translation.override("es"):
        untranslated = [
            label
            for vocabulary in vocabularies
            for label in vocabulary.values()
            if translation.gettext(label) == label
        ]
    assert untranslated == []


@pytest.mark.django_db
def test_every_audit_action_is_shown_in_spanish() -> None:
    with translation.override("es"):
        assert action_label("people.consent_withdrawn") == "Consentimiento retirado"
        assert action_label("auth.sign_in") == "Inició sesión"
        assert action_label("no.such_action") == "no.such_action"
        untranslated = [code for code, label in ACTIONS.items() if action_label(code) == label]
        choices = action_choices()
    assert untranslated == []
    assert [label for _, label in choices] == sorted((label for _, label in choices), key=str.lower)


def test_every_periodic_job_label_has_a_spanish_translation() -> None:
    with translation.override("es"):
        untranslated = [
            job.name for job in JOBS.values() if translation.gettext(job.label) == job.label
        ]
    assert untranslated == []


def test_unknown_place_codes_are_named_in_the_readers_language() -> None:
    with translation.override("es"):
        assert state_name("99") == "Estado 99"
        assert county_name("99999") == "Condado 99999"
    assert state_name("99") == "State 99"


def test_a_background_tasks_progress_is_shown_in_the_readers_language() -> None:
    from django.template.loader import render_to_string

    from upstream.tasks.background import GENERAL_ERROR
    from upstream.tasks.models import TaskRun

    running = TaskRun(
        label="Preparing the plan download", status="running", message="Filling in the sheets"
    )
    failed = TaskRun(
        label="Importing the uploaded CSV",
        status="failed",
        error_message=GENERAL_ERROR,
        result={"problems": [{"row": 2, "column": "fips", "message": "x"}] * 3},
    )
    with translation.override("es"):
        page = render_to_string("includes/task_progress.html", {"run": running})
        failure = render_to_string("includes/task_progress.html", {"run": failed})
    assert "Preparando la descarga del plan: " in page and "(Llenando las hojas)" in page
    assert "Importando el CSV subido: No se pudo terminar. Inténtelo más tarde" in failure
    assert "Se encontraron problemas (3)" in failure and "Columna" in failure
    english = render_to_string("includes/task_progress.html", {"run": running})
    assert "Preparing the plan download: " in english and "(Filling in the sheets)" in english
