"""enableWhen evaluation checked against a tiny reference evaluator written here from the R4 text.

R4 QuestionnaireItemOperator: ``exists`` compares "has an answer" with the boolean; ``=`` is true
when at least one answer equals the value; ``!=`` when no answer equals it; the orderings when at
least one answer compares so. A comparison on an unanswered question is false. enableBehavior
``all`` needs every condition, ``any`` one.
"""

from __future__ import annotations

import operator as op

from hypothesis import given, settings
from hypothesis import strategies as st

from upstream.screening.questionnaire import EnableWhen, load_questionnaire
from upstream.screening.scoring import condition_met, evaluate

ORDER = {">": op.gt, "<": op.lt, ">=": op.ge, "<=": op.le}


def reference(operator: str, target, answers: list) -> bool:
    if operator == "exists":
        return (len(answers) > 0) == target
    if not answers:
        return False
    if operator == "=":
        return target in answers
    if operator == "!=":
        return target not in answers
    return any(ORDER[operator](a, target) for a in answers)


operators = st.sampled_from(["exists", "=", "!=", ">", "<", ">=", "<="])
small_ints = st.integers(min_value=-3, max_value=3)


@given(
    operator=operators,
    target=small_ints,
    answers=st.lists(small_ints, max_size=3),
    flag=st.booleans(),
)
def test_one_integer_condition_matches_the_reference(operator, target, answers, flag):
    value = flag if operator == "exists" else target
    assert condition_met(EnableWhen("q", operator, value), tuple(answers)) is reference(
        operator, value, answers
    )


@given(
    operator=operators.filter(lambda o: o != "exists"),
    target=st.decimals(min_value=-2, max_value=2, places=1),
    answers=st.lists(st.decimals(min_value=-2, max_value=2, places=1), max_size=3),
)
def test_decimal_conditions_match_the_reference(operator, target, answers):
    assert condition_met(EnableWhen("q", operator, target), tuple(answers)) is reference(
        operator, target, answers
    )


@given(
    operator=operators.filter(lambda o: o != "exists"),
    target=st.text("ab", max_size=2),
    answers=st.lists(st.text("ab", min_size=1, max_size=2), max_size=2),
)
def test_string_conditions_match_the_reference(operator, target, answers):
    assert condition_met(EnableWhen("q", operator, target), tuple(answers)) is reference(
        operator, target, answers
    )


conditions = st.lists(
    st.tuples(st.sampled_from(["a", "b"]), operators, small_ints, st.booleans()),
    min_size=1,
    max_size=3,
)


@settings(max_examples=60, deadline=None)
@given(
    conds=conditions,
    behavior=st.sampled_from(["all", "any"]),
    a=st.lists(small_ints, max_size=2),
    b=st.lists(small_ints, max_size=1),
)
def test_whole_instrument_matches_the_reference(conds, behavior, a, b):
    enable_when = []
    for question, operator, target, flag in conds:
        key, value = ("answerBoolean", flag) if operator == "exists" else ("answerInteger", target)
        enable_when.append({"question": question, "operator": operator, key: value})
    instrument = load_questionnaire(
        {
            "resourceType": "Questionnaire",
            "url": "urn:p",
            "status": "active",
            "item": [
                {"linkId": "a", "type": "integer", "text": "a", "repeats": True},
                {"linkId": "b", "type": "integer", "text": "b"},
                {
                    "linkId": "t",
                    "type": "string",
                    "text": "t",
                    "enableWhen": enable_when,
                    "enableBehavior": behavior,
                },
            ],
        }
    )
    answers = {"a": a, "b": b}
    results = [
        reference(operator, flag if operator == "exists" else target, answers[question])
        for question, operator, target, flag in conds
    ]
    expected = all(results) if behavior == "all" else any(results)
    result = evaluate(instrument, {**answers, "t": ["x"]})
    assert ("t" in result.enabled) is expected
    assert ("t" in result.answers) is expected
