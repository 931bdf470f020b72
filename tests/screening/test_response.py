"""QuestionnaireResponses written and read back; bad ones refused with a clear reason."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from upstream.core.problems import DataError
from upstream.screening.response import answers_from, response_from
from upstream.screening.scoring import evaluate

from .helpers import choice, code, load


@pytest.fixture
def instrument():
    return load(
        {
            "linkId": "g",
            "type": "group",
            "text": "G",
            "item": [
                choice("c", "a", "b", repeats=True),
                {"linkId": "b", "type": "boolean", "text": "B"},
            ],
        },
        {"linkId": "n", "type": "decimal", "text": "N"},
        {"linkId": "d", "type": "date", "text": "D"},
        {"linkId": "s", "type": "string", "text": "S"},
    )


def test_every_answer_type_round_trips(instrument):
    answers = {
        "c": [code("a"), code("b")],
        "b": [False],
        "n": [Decimal("2.5")],
        "d": [date(2024, 2, 29)],
        "s": ["hi"],
    }
    result = evaluate(instrument, answers)
    out = response_from(result, authored=datetime(2025, 1, 2, 3, 4, tzinfo=UTC), response_id="r1")
    QuestionnaireResponse.model_validate(out)
    assert out["questionnaire"] == "urn:test:q|2"
    assert out["language"] == "en"
    assert out["authored"] == "2025-01-02T03:04:00+00:00"
    assert out["item"][0]["item"][0]["answer"][0]["valueCoding"]["code"] == "a"
    assert answers_from(instrument, out) == result.answers


def test_empty_groups_and_unanswered_items_are_left_out(instrument):
    out = response_from(evaluate(instrument, {"s": ["x"]}))
    assert [i["linkId"] for i in out["item"]] == ["s"]


def test_naive_authored_time_is_refused(instrument):
    with pytest.raises(ValueError, match="time zone"):
        response_from(evaluate(instrument, {}), authored=datetime(2025, 1, 1))  # noqa: DTZ001


def test_response_to_another_instrument_is_refused(instrument):
    with pytest.raises(DataError, match="answers questionnaire 'urn:other'"):
        answers_from(
            instrument,
            {
                "resourceType": "QuestionnaireResponse",
                "status": "completed",
                "questionnaire": "urn:other",
            },
        )


def test_response_to_another_version_is_refused(instrument):
    with pytest.raises(DataError, match="version '1'"):
        answers_from(
            instrument,
            {
                "resourceType": "QuestionnaireResponse",
                "status": "completed",
                "questionnaire": "urn:test:q|1",
            },
        )


def test_unknown_item_and_wrong_type_are_refused(instrument):
    data = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": "urn:test:q|2",
        "item": [
            {"linkId": "zz", "answer": [{"valueString": "x"}]},
            {"linkId": "d", "answer": [{"valueString": "x"}]},
        ],
    }
    with pytest.raises(DataError) as caught:
        answers_from(instrument, data)
    text = str(caught.value)
    assert (
        "item 'zz': there is no such item" in text
        and "item 'd': the answer is not a date value" in text
    )


def test_invalid_fhir_response_is_refused(instrument):
    with pytest.raises(DataError, match="not valid FHIR R4"):
        answers_from(instrument, {"resourceType": "QuestionnaireResponse", "status": 5})
