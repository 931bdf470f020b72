"""Every supported feature, one behaviour per test."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from upstream.core.problems import DataError
from upstream.screening.questionnaire import Coding, Text, load_questionnaire
from upstream.screening.scoring import evaluate, initial_answers, submit

from .helpers import FHIR, SDC, SYS, choice, code, expression, load, option

CALC = SDC + "sdc-questionnaire-calculatedExpression"


def messages(result) -> list[str]:
    return [p.message for p in result.problems]


# ---- item types and answer types


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        ("boolean", True, "yes"),
        ("integer", 3, 3.5),
        ("decimal", Decimal("2.5"), "2.5"),
        ("date", date(2020, 1, 2), "2020-01-02"),
        ("string", "hello", 5),
        ("text", "line one\nline two", None),
    ],
)
def test_each_type_takes_its_own_answers_and_refuses_others(kind, good, bad):
    instrument = load({"linkId": "q", "type": kind, "text": "q"})
    assert evaluate(instrument, {"q": [good]}).answers["q"] == (good,)
    if bad is not None:
        result = evaluate(instrument, {"q": [bad]})
        assert "q" not in result.answers
        assert any(f"takes a {kind} answer" in m for m in messages(result))


def test_boolean_is_not_an_integer():
    instrument = load({"linkId": "q", "type": "integer", "text": "q"})
    assert "takes a integer answer, not bool" in messages(evaluate(instrument, {"q": [True]}))[0]


def test_string_takes_one_line():
    instrument = load({"linkId": "q", "type": "string", "text": "q"})
    assert "single line" in messages(evaluate(instrument, {"q": ["a\nb"]}))[0]


def test_choice_answer_must_be_offered():
    instrument = load(choice("q", "a", "b"))
    assert evaluate(instrument, {"q": [code("b")]}).answers["q"] == (Coding(SYS, "b", "B"),)
    assert (
        "is not one of the answers offered" in messages(evaluate(instrument, {"q": [code("z")]}))[0]
    )


def test_open_choice_takes_an_option_or_free_text():
    instrument = load(
        {"linkId": "q", "type": "open-choice", "text": "q", "answerOption": [option("a")]}
    )
    assert evaluate(instrument, {"q": [code("a")]}).problems == ()
    assert evaluate(instrument, {"q": ["something else"]}).answers["q"] == ("something else",)
    assert evaluate(instrument, {"q": [code("z")]}).problems


def test_display_and_group_take_no_answers():
    instrument = load(
        {"linkId": "d", "type": "display", "text": "hi"},
        {"linkId": "g", "type": "group", "item": [choice("q", "a")]},
    )
    result = evaluate(instrument, {"d": ["x"], "g": ["y"]})
    assert messages(result) == [
        "item 'd': a display item takes no answers",
        "item 'g': a group item takes no answers",
    ]


def test_unknown_link_id_is_a_problem():
    assert "no such question" in messages(evaluate(load(choice("q", "a")), {"zzz": [True]}))[0]


# ---- required, repeats, readOnly, hidden, initial


def test_required_is_checked_on_submit_only():
    instrument = load(choice("q", "a", required=True))
    assert evaluate(instrument, {}).problems == ()
    with pytest.raises(DataError, match="item 'q': an answer is required"):
        submit(instrument, {})


def test_required_group_needs_one_answer_inside():
    instrument = load(
        {"linkId": "g", "type": "group", "required": True, "item": [choice("q", "a")]}
    )
    with pytest.raises(DataError, match="answer at least one question"):
        submit(instrument, {})
    submit(instrument, {"q": [code("a")]})


def test_repeats_allows_several_answers_and_non_repeating_only_one():
    single = load(choice("q", "a", "b"))
    assert "takes one answer" in messages(evaluate(single, {"q": [code("a"), code("b")]}))[0]
    many = load(choice("q", "a", "b", repeats=True))
    assert len(evaluate(many, {"q": [code("a"), code("b")]}).answers["q"]) == 2


def test_read_only_item_keeps_its_initial_value():
    instrument = load(
        {
            "linkId": "q",
            "type": "string",
            "text": "q",
            "readOnly": True,
            "initial": [{"valueString": "fixed"}],
        }
    )
    assert evaluate(instrument, {"q": ["changed"]}).answers["q"] == ("fixed",)


def test_hidden_item_is_not_shown_but_answered_by_the_server():
    hidden = {"url": FHIR + "questionnaire-hidden", "valueBoolean": True}
    instrument = load(
        {
            "linkId": "q",
            "type": "integer",
            "text": "q",
            "extension": [hidden],
            "initial": [{"valueInteger": 7}],
        }
    )
    assert instrument.items["q"].hidden
    assert evaluate(instrument, {"q": [1]}).answers["q"] == (7,)


def test_initial_values_and_initial_selected_options():
    instrument = load(
        {"linkId": "n", "type": "integer", "text": "n", "initial": [{"valueInteger": 2}]},
        {
            "linkId": "c",
            "type": "choice",
            "text": "c",
            "answerOption": [option("a"), {**option("b"), "initialSelected": True}],
        },
    )
    assert initial_answers(instrument) == {"n": (2,), "c": (Coding(SYS, "b", "B"),)}


def test_initial_expression():
    item = {
        "linkId": "n",
        "type": "integer",
        "text": "n",
        "extension": [expression(SDC + "sdc-questionnaire-initialExpression", "2 + 3")],
    }
    assert initial_answers(load(item)) == {"n": (5,)}


# ---- enableWhen


def test_enable_when_drops_answers_to_disabled_items_and_children():
    gate = {"linkId": "gate", "type": "boolean", "text": "g"}
    group = {
        "linkId": "g",
        "type": "group",
        "enableWhen": [{"question": "gate", "operator": "=", "answerBoolean": True}],
        "item": [choice("inner", "a")],
    }
    instrument = load(gate, group)
    on = evaluate(instrument, {"gate": [True], "inner": [code("a")]})
    assert "inner" in on.answers and on.dropped == ()
    off = evaluate(instrument, {"gate": [False], "inner": [code("a")]})
    assert "inner" not in off.answers and off.dropped == ("inner",) and off.problems == ()
    with pytest.raises(
        DataError, match="item 'inner': was answered, but the question is not asked"
    ):
        submit(instrument, {"gate": [False], "inner": [code("a")]})


def test_enable_when_chains_through_a_disabled_item():
    instrument = load(
        {"linkId": "a", "type": "boolean", "text": "a"},
        {
            "linkId": "b",
            "type": "boolean",
            "text": "b",
            "enableWhen": [{"question": "a", "operator": "=", "answerBoolean": True}],
        },
        {
            "linkId": "c",
            "type": "string",
            "text": "c",
            "enableWhen": [{"question": "b", "operator": "exists", "answerBoolean": True}],
        },
    )
    result = evaluate(instrument, {"a": [False], "b": [True], "c": ["x"]})
    assert result.enabled == frozenset({"a"}) and set(result.dropped) == {"b", "c"}


def test_enable_when_on_a_later_item_settles():
    instrument = load(
        {
            "linkId": "c",
            "type": "string",
            "text": "c",
            "enableWhen": [{"question": "a", "operator": "=", "answerBoolean": True}],
        },
        {"linkId": "a", "type": "boolean", "text": "a"},
    )
    assert "c" in evaluate(instrument, {"a": [True], "c": ["x"]}).answers
    assert "c" not in evaluate(instrument, {"a": [False], "c": ["x"]}).answers


@pytest.mark.parametrize(
    ("operator", "answer", "given", "enabled"),
    [
        ("exists", True, [5], True),
        ("exists", True, [], False),
        ("exists", False, [], True),
        ("=", 5, [5], True),
        ("=", 5, [4], False),
        ("!=", 5, [4], True),
        ("!=", 5, [5], False),
        ("!=", 5, [], False),
        (">", 5, [6], True),
        (">", 5, [5], False),
        ("<", 5, [4], True),
        ("<", 5, [], False),
        (">=", 5, [5], True),
        ("<=", 5, [6], False),
    ],
)
def test_enable_when_operators_on_integers(operator, answer, given, enabled):
    condition = {"question": "n", "operator": operator}
    condition["answerBoolean" if operator == "exists" else "answerInteger"] = answer
    instrument = load(
        {"linkId": "n", "type": "integer", "text": "n"},
        {"linkId": "t", "type": "string", "text": "t", "enableWhen": [condition]},
    )
    assert ("t" in evaluate(instrument, {"n": given}).enabled) is enabled


@pytest.mark.parametrize(
    ("kind", "key", "value", "answer", "operator", "enabled"),
    [
        ("decimal", "answerDecimal", 1.5, Decimal("1.75"), ">", True),
        ("date", "answerDate", "2020-01-01", date(2019, 12, 31), "<", True),
        ("string", "answerString", "b", "a", ">=", False),
        ("boolean", "answerBoolean", True, True, "!=", False),
        ("choice", "answerCoding", {"system": SYS, "code": "a"}, code("a"), "=", True),
        ("choice", "answerCoding", {"code": "a"}, code("a"), "=", True),
        ("choice", "answerCoding", {"system": SYS, "code": "a"}, code("b"), "!=", True),
    ],
)
def test_enable_when_on_each_answer_type(kind, key, value, answer, operator, enabled):
    question = {"linkId": "q", "type": kind, "text": "q"}
    if kind == "choice":
        question["answerOption"] = [option("a"), option("b")]
    target = {
        "linkId": "t",
        "type": "string",
        "text": "t",
        "enableWhen": [{"question": "q", "operator": operator, key: value}],
    }
    assert ("t" in evaluate(load(question, target), {"q": [answer]}).enabled) is enabled


def test_coding_with_another_system_is_not_equal():
    question = choice("q", "a")
    question["answerOption"].append({"valueCoding": {"system": "urn:other", "code": "a"}})
    target = {
        "linkId": "t",
        "type": "string",
        "text": "t",
        "enableWhen": [
            {"question": "q", "operator": "=", "answerCoding": {"system": SYS, "code": "a"}}
        ],
    }
    instrument = load(question, target)
    assert "t" not in evaluate(instrument, {"q": [Coding("urn:other", "a")]}).enabled


@pytest.mark.parametrize(
    ("behavior", "n", "m", "enabled"),
    [
        ("all", 1, 0, False),
        ("all", 1, 1, True),
        ("any", 1, 0, True),
        ("any", 0, 1, True),
        ("any", 0, 0, False),
    ],
)
def test_enable_behavior(behavior, n, m, enabled):
    target = {
        "linkId": "t",
        "type": "string",
        "text": "t",
        "enableBehavior": behavior,
        "enableWhen": [
            {"question": "n", "operator": ">", "answerInteger": 0},
            {"question": "m", "operator": "=", "answerInteger": 1},
        ],
    }
    instrument = load(
        {"linkId": "n", "type": "integer", "text": "n"},
        {"linkId": "m", "type": "integer", "text": "m"},
        target,
    )
    assert ("t" in evaluate(instrument, {"n": [n], "m": [m]}).enabled) is enabled


def test_enable_when_expression():
    ext = expression(
        SDC + "sdc-questionnaire-enableWhenExpression",
        "%resource.item.where(linkId='n').answer.value > 3",
    )
    instrument = load(
        {"linkId": "n", "type": "integer", "text": "n"},
        {"linkId": "t", "type": "string", "text": "t", "extension": [ext]},
    )
    assert "t" in evaluate(instrument, {"n": [4], "t": ["x"]}).answers
    assert "t" not in evaluate(instrument, {"n": [2], "t": ["x"]}).answers


# ---- expressions, weights and scores


def test_variables_and_calculated_expression_with_weight():
    weighted = {
        "linkId": "q",
        "type": "choice",
        "text": "q",
        "repeats": True,
        "answerOption": [option("a", 2), option("b", 3)],
    }
    total = {
        "linkId": "total",
        "type": "integer",
        "text": "t",
        "readOnly": True,
        "extension": [expression(CALC, "%answers.weight().sum()")],
    }
    answers_var = expression(
        FHIR + "variable", "%resource.item.where(linkId='q').answer.value", name="answers"
    )
    instrument = load(weighted, total, extension=[answers_var])
    result = evaluate(instrument, {"q": [code("a"), code("b")], "total": [99]})
    assert result.answers["total"] == (5,)


@pytest.mark.parametrize(
    ("url", "on_coding"),
    [
        (FHIR + "itemWeight", False),
        (FHIR + "ordinalValue", False),
        (FHIR + "ordinalValue", True),
        (FHIR + "questionnaire-ordinalValue", True),
    ],
)
def test_weights_are_read_from_all_three_urls(url, on_coding):
    item = {
        "linkId": "q",
        "type": "choice",
        "text": "q",
        "answerOption": [option("a", 4, url=url, on_coding=on_coding)],
    }
    instrument = load(item)
    assert instrument.items["q"].options[0].weight == 4
    assert evaluate(instrument, {"q": [code("a")]}).score == 4


def test_weight_function_sees_weights_on_the_questionnaire():
    item = {
        "linkId": "q",
        "type": "choice",
        "text": "q",
        "answerOption": [option("a", 1), option("b", 2)],
    }
    top = {
        "linkId": "max",
        "type": "decimal",
        "text": "m",
        "extension": [
            expression(
                CALC, "%questionnaire.item.where(linkId='q').answerOption.value.weight().max()"
            )
        ],
    }
    assert evaluate(load(item, top), {}).answers["max"] == (Decimal(2),)


def test_qitem_and_context_are_passed():
    item = {"linkId": "n", "type": "integer", "text": "n"}
    echo = {
        "linkId": "echo",
        "type": "string",
        "text": "Echo",
        "extension": [expression(CALC, "%qitem.text + ':' + %context.linkId")],
    }
    assert evaluate(load(item, echo), {}).answers["echo"] == ("Echo:echo",)


def test_answer_expression_offers_the_options():
    item = {
        "linkId": "q",
        "type": "choice",
        "text": "q",
        "extension": [
            expression(
                SDC + "sdc-questionnaire-answerExpression",
                "%questionnaire.item.where(linkId='src').answerOption.value",
            )
        ],
    }
    instrument = load(choice("src", "x", "y"), item)
    result = evaluate(instrument, {"q": [code("y")]})
    assert [o.value.code for o in result.options["q"]] == ["x", "y"]
    assert result.problems == ()
    assert "not one of the answers offered" in messages(evaluate(instrument, {"q": [code("z")]}))[0]


def test_expression_that_fails_at_run_time_is_a_problem_not_a_crash():
    item = {
        "linkId": "n",
        "type": "integer",
        "text": "n",
        "extension": [expression(CALC, "1 + 'a'")],
    }
    result = evaluate(load(item), {})
    assert "n" not in result.answers
    assert any("calculatedExpression" in m for m in messages(result))


def test_score_item_and_levels_from_result_rules():
    rules = {
        "url": "https://upstream.invalid/fhir/StructureDefinition/result-rules",
        "extension": [
            {"url": "scoreItem", "valueString": "n"},
            {
                "url": "level",
                "extension": [
                    {"url": "code", "valueCode": "low"},
                    {"url": "minScore", "valueDecimal": 0},
                ],
            },
            {
                "url": "level",
                "extension": [
                    {"url": "code", "valueCode": "high"},
                    {"url": "minScore", "valueDecimal": 10},
                ],
            },
        ],
    }
    instrument = load({"linkId": "n", "type": "integer", "text": "n"}, extension=[rules])
    assert evaluate(instrument, {"n": [9]}).level.code == "low"
    assert evaluate(instrument, {"n": [10]}).level.code == "high"
    assert evaluate(instrument, {}).level is None


# ---- limits


def test_min_and_max_value():
    limits = [
        {"url": FHIR + "minValue", "valueInteger": 1},
        {"url": FHIR + "maxValue", "valueInteger": 10},
    ]
    instrument = load({"linkId": "n", "type": "integer", "text": "n", "extension": limits})
    assert evaluate(instrument, {"n": [10]}).problems == ()
    assert "must be at most 10" in messages(evaluate(instrument, {"n": [11]}))[0]
    assert "must be at least 1" in messages(evaluate(instrument, {"n": [0]}))[0]


def test_date_limits():
    limits = [{"url": FHIR + "maxValue", "valueDate": "2020-12-31"}]
    instrument = load({"linkId": "d", "type": "date", "text": "d", "extension": limits})
    assert "must be at most" in messages(evaluate(instrument, {"d": [date(2021, 1, 1)]}))[0]


def test_max_length_regex_and_entry_format():
    ext = [
        {"url": FHIR + "regex", "valueString": "[0-9]{5}"},
        {"url": FHIR + "entryFormat", "valueString": "five digits"},
    ]
    instrument = load(
        {"linkId": "zip", "type": "string", "text": "z", "maxLength": 5, "extension": ext}
    )
    assert evaluate(instrument, {"zip": ["12345"]}).problems == ()
    assert "does not match five digits" in messages(evaluate(instrument, {"zip": ["1234a"]}))[0]
    assert "at most 5 characters" in messages(evaluate(instrument, {"zip": ["123456"]}))[0]
    assert instrument.items["zip"].entry_format.get() == "five digits"


@pytest.mark.parametrize("control", ["drop-down", "radio-button", "check-box"])
def test_item_controls(control):
    ext = {
        "url": FHIR + "questionnaire-itemControl",
        "valueCodeableConcept": {
            "coding": [
                {"system": "http://hl7.org/fhir/questionnaire-item-control", "code": control}
            ]
        },
    }
    assert load(choice("q", "a", extension=[ext])).items["q"].control == control


def test_help_control_on_a_display_item():
    ext = {
        "url": FHIR + "questionnaire-itemControl",
        "valueCodeableConcept": {"coding": [{"code": "help"}]},
    }
    instrument = load(
        {
            **choice("q", "a"),
            "item": [{"linkId": "h", "type": "display", "text": "why", "extension": [ext]}],
        }
    )
    assert instrument.items["h"].control == "help"


# ---- translations


def test_translation_extension_on_text_and_display():
    def tr(lang, content):
        return {
            "extension": [
                {
                    "url": FHIR + "translation",
                    "extension": [
                        {"url": "lang", "valueCode": lang},
                        {"url": "content", "valueString": content},
                    ],
                }
            ]
        }

    item = {
        "linkId": "q",
        "type": "choice",
        "text": "Hungry?",
        "_text": tr("es", "¿Hambre?"),
        "answerOption": [
            {
                "valueCoding": {
                    "system": SYS,
                    "code": "y",
                    "display": "Yes",
                    "_display": tr("es", "Sí"),
                }
            }
        ],
    }
    instrument = load(item)
    assert instrument.languages == ("en", "es")
    assert instrument.items["q"].text.get("es-MX") == "¿Hambre?"
    assert instrument.items["q"].text.get("fr") == "Hungry?"
    assert instrument.items["q"].options[0].display == Text("Yes", {"es": "Sí"})


def test_parsing_twice_gives_the_same_model():
    item = choice("q", "a")
    assert (
        load_questionnaire(
            {"resourceType": "Questionnaire", "url": "u", "status": "active", "item": [item]}
        ).items
        == load_questionnaire(
            {"resourceType": "Questionnaire", "url": "u", "status": "active", "item": [item]}
        ).items
    )


def test_score_item_summing_weights_with_fhirpath_across_groups():
    rules = {
        "url": "https://upstream.invalid/fhir/StructureDefinition/result-rules",
        "extension": [
            {"url": "scoreItem", "valueString": "total"},
            {
                "url": "level",
                "extension": [
                    {"url": "code", "valueCode": "none"},
                    {"url": "minScore", "valueDecimal": 0},
                ],
            },
            {
                "url": "level",
                "extension": [
                    {"url": "code", "valueCode": "some"},
                    {"url": "minScore", "valueDecimal": 3},
                ],
            },
        ],
    }
    group = {
        "linkId": "g",
        "type": "group",
        "item": [
            {
                "linkId": "q1",
                "type": "choice",
                "text": "1",
                "answerOption": [option("a", 1), option("b", 2)],
            },
            {
                "linkId": "q2",
                "type": "choice",
                "text": "2",
                "answerOption": [option("a", 1), option("b", 2)],
            },
        ],
    }
    total = {
        "linkId": "total",
        "type": "decimal",
        "text": "total",
        "readOnly": True,
        "extension": [expression(CALC, "%resource.repeat(item).answer.value.weight().sum()")],
    }
    instrument = load(group, total, extension=[rules])
    result = evaluate(instrument, {"q1": [code("a")], "q2": [code("b")]})
    assert result.answers["total"] == (Decimal(3),)
    assert result.score == 3 and result.level.code == "some"
    assert evaluate(instrument, {"q1": [code("a")]}).level.code == "none"


def test_errors_do_not_echo_free_text():
    instrument = load(
        {"linkId": "q", "type": "choice", "text": "q", "answerOption": [{"valueString": "red"}]}
    )
    problems = messages(evaluate(instrument, {"q": ["my secret"]}))
    assert problems == ["item 'q': the answer is not one of the answers offered"]
