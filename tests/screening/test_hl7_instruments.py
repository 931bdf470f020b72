"""Golden tests: the HL7 SDOH Clinical Care PRAPARE and Hunger Vital Sign import, run and score."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from upstream.screening.questionnaire import Coding, load_questionnaire
from upstream.screening.response import answers_from, questionnaire_for, response_from
from upstream.screening.scoring import evaluate, submit

LOINC = "http://loinc.org"
OFTEN, SOMETIMES, NEVER, REFUSED = "LA28397-0", "LA6729-3", "LA28398-8", "LA15775-2"
AT_RISK, NO_RISK = "LA19952-3", "LA19983-8"


def read(shared_data: Path, name: str) -> dict:
    return json.loads((shared_data / "fhir" / "sdoh-clinicalcare" / name).read_text())


@pytest.fixture(scope="module")
def hvs(shared_data: Path):
    return load_questionnaire(
        read(shared_data, "Questionnaire-SDOHCC-QuestionnaireHungerVitalSign.json")
    )


@pytest.fixture(scope="module")
def prapare(shared_data: Path):
    return load_questionnaire(read(shared_data, "Questionnaire-SDOHCC-QuestionnairePRAPARE.json"))


def test_hunger_vital_sign_sample_response_gives_its_published_risk(shared_data, hvs):
    sample = read(
        shared_data, "QuestionnaireResponse-SDOHCC-QuestionnaireResponseHungerVitalSignExample.json"
    )
    answers = answers_from(hvs, sample)
    published = answers.pop("/88124-3")
    result = submit(hvs, answers)
    assert result.answers["/88124-3"] == published
    assert result.answers["/88124-3"][0].code == AT_RISK


def test_hunger_vital_sign_legacy_2020_files_agree(shared_data):
    instrument = load_questionnaire(
        read(shared_data, "legacy-2020_SDOHCC-Questionnaire-HungerVitalSign-1.json")
    )
    sample = read(shared_data, "legacy-2020_QR-5770275.json")
    sample["questionnaire"] = instrument.url
    answers = answers_from(instrument, sample)
    published = answers.pop("/88124-3")
    assert evaluate(instrument, answers).answers["/88124-3"] == published


@pytest.mark.parametrize(
    ("worried", "ran_out", "expected"),
    [
        (OFTEN, NEVER, AT_RISK),
        (NEVER, SOMETIMES, AT_RISK),
        (SOMETIMES, SOMETIMES, AT_RISK),
        (NEVER, NEVER, NO_RISK),
        (REFUSED, NEVER, NO_RISK),
        (NEVER, None, NO_RISK),
        (None, OFTEN, AT_RISK),
        (None, None, None),
    ],
)
def test_hunger_vital_sign_risk_rule(hvs, worried, ran_out, expected):
    answers = {}
    if worried:
        answers["/88122-7"] = [Coding(LOINC, worried)]
    if ran_out:
        answers["/88123-5"] = [Coding(LOINC, ran_out)]
    result = evaluate(hvs, answers)
    risk = result.answers.get("/88124-3")
    assert (risk[0].code if risk else None) == expected


def test_a_client_sent_risk_is_recomputed(hvs):
    result = evaluate(
        hvs, {"/88122-7": [Coding(LOINC, NEVER)], "/88124-3": [Coding(LOINC, AT_RISK)]}
    )
    assert result.answers["/88124-3"][0].code == NO_RISK


def test_prapare_sample_response_imports_and_scores(shared_data, prapare):
    assert len(prapare.items) == 28
    assert sum(len(i.options) for i in prapare.walk()) == 77
    sample = read(
        shared_data, "QuestionnaireResponse-SDOHCC-QuestionnaireResponsePRAPAREExample.json"
    )
    answers = answers_from(prapare, sample)
    result = submit(prapare, answers)
    assert result.dropped == ()
    assert result.answers == answers
    # PRAPARE weights only its two yes/no options that carry itemWeight: "Yes" = 1, "No" = 0.
    weighted = {
        link: [result.weight_of(link, v) for v in values]
        for link, values in answers.items()
        if any(result.weight_of(link, v) is not None for v in values)
    }
    assert result.score == sum(w for ws in weighted.values() for w in ws if w is not None)
    assert weighted  # the sample answers a weighted question


def test_prapare_exports_a_valid_response(shared_data, prapare):
    sample = read(
        shared_data, "QuestionnaireResponse-SDOHCC-QuestionnaireResponsePRAPAREExample.json"
    )
    result = submit(prapare, answers_from(prapare, sample))
    out = response_from(result, language="en")
    QuestionnaireResponse.model_validate(out)
    assert out["questionnaire"] == prapare.url  # no version in the source
    assert answers_from(prapare, out) == result.answers


def test_prapare_written_back_keeps_weights_both_ways(prapare):
    data = questionnaire_for(prapare)
    again = load_questionnaire(data)
    weights = [(o.value, o.weight) for i in prapare.walk() for o in i.options]
    assert [(o.value, o.weight) for i in again.walk() for o in i.options] == weights
    text = json.dumps(data)
    assert text.count("http://hl7.org/fhir/StructureDefinition/itemWeight") == text.count(
        "http://hl7.org/fhir/StructureDefinition/ordinalValue"
    )
