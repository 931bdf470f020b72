"""An instrument using anything outside the supported subset is refused, item and feature named."""

from __future__ import annotations

import pytest

from upstream.core.problems import DataError
from upstream.screening.questionnaire import load_questionnaire

from .helpers import FHIR, SDC, choice, expression, questionnaire


def refusal(*items, **root) -> str:
    with pytest.raises(DataError) as caught:
        load_questionnaire(questionnaire(*items, **root))
    return str(caught.value)


@pytest.mark.parametrize(
    "kind", ["dateTime", "time", "url", "attachment", "reference", "quantity", "question"]
)
def test_unknown_item_type_is_refused(kind):
    message = refusal({"linkId": "q1", "type": kind, "text": "x"})
    assert f"item 'q1': type: item type '{kind}' is not supported" in message


def test_supported_fhir_type_outside_the_subset_names_item_and_type():
    message = refusal({"linkId": "when", "type": "dateTime", "text": "x"})
    assert "item 'when': type: item type 'dateTime' is not supported" in message


def test_unsupported_item_extension_is_refused():
    item = choice(
        "q1", "a", extension=[{"url": FHIR + "questionnaire-sliderStepValue", "valueInteger": 1}]
    )
    assert (
        "item 'q1': extension: 'http://hl7.org/fhir/StructureDefinition/questionnaire-sliderStepValue'"
        in refusal(item)
    )


def test_unsupported_root_extension_is_refused():
    message = refusal(
        choice("q1", "a"),
        extension=[{"url": SDC + "sdc-questionnaire-launchContext", "valueString": "x"}],
    )
    assert (
        "extension: 'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-launchContext'"
        in message
    )


def test_any_modifier_extension_is_refused():
    item = choice("q1", "a", modifierExtension=[{"url": "urn:x:mod", "valueBoolean": True}])
    assert "item 'q1': modifierExtension" in refusal(item)
    message = refusal(
        choice("q1", "a"), modifierExtension=[{"url": "urn:x:mod", "valueBoolean": True}]
    )
    assert "modifierExtension" in message


def test_enable_when_naming_a_missing_item_is_refused():
    item = choice(
        "q2", "a", enableWhen=[{"question": "nope", "operator": "exists", "answerBoolean": True}]
    )
    assert "item 'q2': enableWhen: names item 'nope', which does not exist" in refusal(
        choice("q1", "a"), item
    )


def test_fhirpath_that_does_not_parse_is_refused():
    item = {
        "linkId": "score",
        "type": "integer",
        "text": "s",
        "extension": [
            expression(SDC + "sdc-questionnaire-calculatedExpression", "%resource.item.where(")
        ],
    }
    assert (
        "item 'score': calculatedExpression: the FHIRPath '%resource.item.where(' does not parse"
        in refusal(item)
    )


def test_expression_reading_an_undefined_variable_is_refused():
    item = {
        "linkId": "score",
        "type": "integer",
        "text": "s",
        "extension": [expression(SDC + "sdc-questionnaire-calculatedExpression", "%total + 1")],
    }
    assert "reads %total, which no variable in scope defines" in refusal(item)


def test_variable_with_a_reserved_name_is_refused():
    message = refusal(
        choice("q1", "a"), extension=[expression(FHIR + "variable", "1", name="resource")]
    )
    assert "variable: %resource is reserved" in message


def test_expression_language_other_than_fhirpath_is_refused():
    ext = {
        "url": SDC + "sdc-questionnaire-enableWhenExpression",
        "valueExpression": {"language": "text/cql", "expression": "true"},
    }
    assert "item 'q1': enableWhenExpression: language 'text/cql' is not supported" in refusal(
        choice("q1", "a", extension=[ext])
    )


@pytest.mark.parametrize("code", ["slider", "autocomplete", "gtable", "lookup"])
def test_unsupported_item_control_is_refused(code):
    ext = {
        "url": FHIR + "questionnaire-itemControl",
        "valueCodeableConcept": {
            "coding": [{"system": "http://hl7.org/fhir/questionnaire-item-control", "code": code}]
        },
    }
    assert f"item 'q1': itemControl: control '{code}' is not supported" in refusal(
        choice("q1", "a", extension=[ext])
    )


def test_answer_value_set_is_refused():
    item = {
        "linkId": "q1",
        "type": "choice",
        "text": "x",
        "answerValueSet": "http://example.org/vs",
    }
    assert "item 'q1': answerValueSet: is not supported" in refusal(item)


def test_repeating_group_is_refused():
    item = {
        "linkId": "g",
        "type": "group",
        "text": "g",
        "repeats": True,
        "item": [choice("q1", "a")],
    }
    assert "item 'g': repeats: repeating groups are not supported" in refusal(item)


def test_duplicate_link_id_is_refused():
    assert "item 'q1': linkId: is used by more than one item" in refusal(
        choice("q1", "a"), choice("q1", "b")
    )


def test_enable_when_and_its_expression_together_are_refused():
    item = choice(
        "q2",
        "a",
        enableWhen=[{"question": "q1", "operator": "exists", "answerBoolean": True}],
        extension=[expression(SDC + "sdc-questionnaire-enableWhenExpression", "true")],
    )
    assert "item 'q2': enableWhenExpression: cannot be combined with enableWhen" in refusal(
        choice("q1", "a"), item
    )


def test_ordering_a_coding_is_refused():
    item = choice(
        "q2",
        "a",
        enableWhen=[
            {"question": "q1", "operator": ">", "answerCoding": {"system": "urn:test", "code": "a"}}
        ],
    )
    assert "item 'q2': enableWhen: operator > cannot order choice answers" in refusal(
        choice("q1", "a"), item
    )


def test_enable_when_answer_of_the_wrong_type_is_refused():
    target = {"linkId": "age", "type": "integer", "text": "age"}
    item = choice(
        "q2", "a", enableWhen=[{"question": "age", "operator": ">", "answerString": "ten"}]
    )
    assert "item 'q2': enableWhen: the answer str does not fit integer item 'age'" in refusal(
        target, item
    )


def test_more_than_one_enable_when_needs_a_behaviour():
    item = choice(
        "q3",
        "a",
        enableWhen=[
            {"question": "q1", "operator": "exists", "answerBoolean": True},
            {"question": "q2", "operator": "exists", "answerBoolean": True},
        ],
    )
    message = refusal(choice("q1", "a"), choice("q2", "a"), item)
    assert "q3" in message and "enableBehavior" in message


def test_untranslatable_text_extension_is_refused():
    item = choice(
        "q1",
        "a",
        _text={"extension": [{"url": FHIR + "rendering-xhtml", "valueString": "<b>x</b>"}]},
    )
    assert (
        "item 'q1': _text: extension "
        "'http://hl7.org/fhir/StructureDefinition/rendering-xhtml' is not supported"
        in refusal(item)
    )


def test_bad_regex_is_refused():
    item = {
        "linkId": "s",
        "type": "string",
        "text": "s",
        "extension": [{"url": FHIR + "regex", "valueString": "([a-z"}],
    }
    assert "item 's': regex: does not compile" in refusal(item)


def test_result_rules_naming_a_missing_item_are_refused():
    rules = {
        "url": "https://upstream.invalid/fhir/StructureDefinition/result-rules",
        "extension": [
            {
                "url": "need",
                "extension": [
                    {"url": "domain", "valueCode": "housing"},
                    {"url": "item", "valueString": "gone"},
                ],
            }
        ],
    }
    assert "result-rules.need: names item 'gone'" in refusal(choice("q1", "a"), extension=[rules])


def test_not_a_questionnaire_and_not_json_are_refused():
    with pytest.raises(DataError, match="not a FHIR Questionnaire"):
        load_questionnaire({"resourceType": "Patient"})
    with pytest.raises(DataError, match="not JSON"):
        load_questionnaire("{nope")


def test_invalid_fhir_is_refused_with_its_path():
    message = refusal({"linkId": "q1", "type": "choice", "text": "x", "required": "often"})
    assert "not valid FHIR R4" in message and "required" in message


def test_every_problem_is_listed_at_once():
    message = refusal({"linkId": "a", "type": "time"}, {"linkId": "b", "type": "url"})
    assert "2 problems" in message


def test_fhirpath_calling_an_unknown_function_is_refused():
    item = {
        "linkId": "score",
        "type": "integer",
        "text": "s",
        "extension": [
            expression(
                SDC + "sdc-questionnaire-calculatedExpression", "%resource.item.ordinal().sum()"
            )
        ],
    }
    assert "item 'score': calculatedExpression:" in refusal(
        item
    ) and "unknown function ordinal()" in refusal(item)


def test_modifier_extension_deep_inside_an_item_is_refused():
    condition = {
        "question": "q1",
        "operator": "exists",
        "answerBoolean": True,
        "modifierExtension": [{"url": "urn:x:negate", "valueBoolean": True}],
    }
    message = refusal(choice("q1", "a"), choice("q2", "a", enableWhen=[condition]))
    assert "item 'q2': modifierExtension: modifier elements are not supported" in message
