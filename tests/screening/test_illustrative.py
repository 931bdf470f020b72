"""Golden tests of the illustrative instrument shipped with Upstream."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from upstream.core.problems import DataError
from upstream.screening.page import page_model
from upstream.screening.questionnaire import Coding, load_built_in, load_questionnaire
from upstream.screening.response import answers_from, questionnaire_for, response_from
from upstream.screening.scoring import evaluate, submit

SYS = "https://upstream.invalid/fhir/CodeSystem/illustrative-answers"


def c(value: str) -> list[Coding]:
    return [Coding(SYS, value)]


@pytest.fixture(scope="module")
def instrument():
    return load_built_in("upstream-illustrative")


def test_record_says_what_it_is(instrument):
    assert (
        instrument.canonical
        == "https://upstream.invalid/fhir/Questionnaire/upstream-illustrative|1.0.0"
    )
    assert instrument.validated is False
    assert instrument.mode == "interview"
    assert instrument.licence.status == "project"
    assert instrument.training_required is True
    assert instrument.languages == ("en", "es")
    assert "not validated" in (instrument.items["intro.label"].text.get("en") or "")
    assert "no validado" in (instrument.items["intro.label"].text.get("es") or "")
    assert "skip any question" in (instrument.items["intro.skip"].text.get("en") or "")


def test_every_text_has_a_spanish_translation(instrument):
    for item in instrument.walk():
        assert item.text.has("es"), item.link_id
        for option in item.options:
            assert option.display.has("es"), (item.link_id, option.value)
    for level in instrument.rules.levels:
        assert level.label.has("es")


def test_every_section_says_why_it_asks(instrument):
    for link_id in instrument.top:
        item = instrument.items[link_id]
        if item.type == "group":
            helps = [
                instrument.items[c] for c in item.children if instrument.items[c].control == "help"
            ]
            assert len(helps) == 1, link_id


def test_nothing_is_required(instrument):
    assert not any(i.required for i in instrument.walk())
    assert submit(instrument, {}).level.code == "no-indicators"


@pytest.mark.parametrize(
    ("answers", "score", "level", "needs"),
    [
        ({}, 0, "no-indicators", ()),
        (
            {"housing.stable": c("worried"), "food.short": c("often")},
            0,
            "no-indicators",
            ("food", "housing"),
        ),
        ({"work.has": c("yes"), "work.pay": c("no")}, 1, "some-indicators", ("income-employment",)),
        (
            {
                "work.has": c("yes"),
                "work.leave": c("yes"),
                "safety.papers": c("yes"),
                "help.wanted": c("food") + c("legal"),
            },
            4,
            "strong-indicators",
            ("food", "immigration-legal"),
        ),
        # The work questions are not asked without work, so their answers do not count.
        (
            {"work.has": c("no"), "work.leave": c("yes"), "work.debt": c("yes")},
            0,
            "no-indicators",
            (),
        ),
        (
            {"safety.free": c("no"), "safety.threats": c("yes"), "help.family": c("no")},
            4,
            "strong-indicators",
            ("family-relationships", "safety"),
        ),
        ({"housing.trade": c("skip"), "safety.now": c("skip")}, 0, "no-indicators", ()),
    ],
)
def test_scores_levels_and_needs(instrument, answers, score, level, needs):
    result = evaluate(instrument, answers)
    assert result.problems == ()
    assert result.score == Decimal(score)
    assert result.level is not None and result.level.code == level
    assert result.needs == needs


def test_contact_details_only_asked_when_contact_is_safe(instrument):
    assert (
        "help.contact-how"
        not in evaluate(instrument, {"help.contact": c("no"), "help.contact-how": ["555"]}).answers
    )
    with pytest.raises(DataError, match=r"help\.contact-how"):
        submit(instrument, {"help.contact": c("no"), "help.contact-how": ["555"]})


def test_age_limits(instrument):
    with pytest.raises(DataError, match=r"item 'help\.age': must be at least 12"):
        submit(instrument, {"help.age": [5]})


def test_response_round_trip_in_spanish(instrument):
    result = submit(
        instrument, {"work.has": c("yes"), "work.unsafe": c("yes"), "help.more": ["gracias"]}
    )
    out = response_from(result, language="es")
    assert out["language"] == "es"
    assert out["questionnaire"] == instrument.canonical
    texts = {i["linkId"]: i.get("text") for i in out["item"]}
    assert texts["work"] == "Trabajo y dinero"
    assert answers_from(instrument, out) == result.answers


def test_served_in_spanish_with_weights_both_ways(instrument):
    data = questionnaire_for(instrument, "es")
    Questionnaire.model_validate(data)
    assert data["language"] == "es"
    assert data["title"].startswith("Chequeo")
    again = load_questionnaire(data)
    assert again.items["safety.papers"].options[0].weight == 2
    assert again.items["safety.papers"].text.get() == instrument.items["safety.papers"].text.get(
        "es"
    )
    assert again.items["safety.papers"].text.get("en") == instrument.items[
        "safety.papers"
    ].text.get("en")
    assert again.items["safety.papers"].options[0].display.get("en") == "Yes"


def test_page_model_in_spanish(instrument):
    views = page_model(instrument, evaluate(instrument, {"work.has": c("no")}), language="es")
    ids = [v.link_id for v in views]
    assert "work.unsafe" not in ids and "housing.why" not in ids
    housing = next(v for v in views if v.link_id == "housing")
    assert housing.help == (
        "Preguntamos porque un lugar seguro para dormir es importante para todo lo demás.",
    )
    has = next(v for v in views if v.link_id == "work.has")
    assert [o.label for o in has.options] == ["Sí", "No", "Prefiero no decir"]
    assert [o.selected for o in has.options] == [False, True, False]
    assert not any(v.untranslated for v in views)


def test_page_model_marks_untranslated_text(instrument):
    views = page_model(instrument, evaluate(instrument, {}), language="fr")
    assert all(v.untranslated for v in views if v.text)
