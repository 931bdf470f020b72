"""Run an instrument on an answer set: what is asked, what the answers are worth, what it means.

The server is authoritative. On every save and on submit, :func:`evaluate` works out which items
are enabled (``enableWhen`` with all seven operators, ``enableBehavior``,
``enableWhenExpression``; a disabled item disables its descendants), drops answers to disabled
items, evaluates the instrument's FHIRPath (``variable``, ``calculatedExpression``,
``answerExpression``) with ``%resource``, ``%rootResource``, ``%questionnaire``, ``%qitem``,
``%context`` and ``weight()``, checks every answer, and recomputes the score, the result level
and the need domains. Nothing a client sends as a score or a calculated answer is kept.

Answers are ``{linkId: [value, ...]}`` with values ``bool``, ``int``, ``Decimal``, ``str``,
``datetime.date`` or :class:`Coding`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from upstream.core.problems import DataError, Problem
from upstream.screening.expressions import ITEM_WEIGHT, Expression, ExpressionFailed
from upstream.screening.questionnaire import (
    AnswerOption,
    AnswerValue,
    Coding,
    EnableWhen,
    Instrument,
    Item,
    Level,
    same_value,
)
from upstream.screening.values import (
    _coerce,
    _descendants,
    _find_option,
    _ordered,
    _shown,
    _values_from_result,
    fhir_value,
    value_key,
)

Answers = Mapping[str, Sequence[AnswerValue]]
_MAX_ROUNDS = 50


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What the server holds after an answer set is evaluated."""

    instrument: Instrument = field(repr=False)
    answers: Mapping[str, tuple[AnswerValue, ...]]
    enabled: frozenset[str]
    dropped: tuple[str, ...]
    options: Mapping[str, tuple[AnswerOption, ...]]
    problems: tuple[Problem, ...]
    score: Decimal | None
    level: Level | None
    needs: tuple[str, ...]

    def weight_of(self, link_id: str, value: AnswerValue) -> Decimal | None:
        option = _find_option(self.options.get(link_id) or (), value)
        return option.weight if option else None

    def raise_for_problems(self, *, source: str = "") -> None:
        if self.problems:
            raise DataError(self.problems, source=source)


def answer_problem(link_id: str, message: str) -> Problem:
    return Problem(f"item {link_id!r}: {message}", path=("answers", link_id))


def initial_answers(instrument: Instrument) -> dict[str, tuple[AnswerValue, ...]]:
    """The answers a new screening starts with: ``initial`` values and ``initialExpression``."""
    out: dict[str, tuple[AnswerValue, ...]] = {}
    empty = {
        "resourceType": "QuestionnaireResponse",
        "status": "in-progress",
        "questionnaire": instrument.canonical,
    }
    base = _base_variables(instrument, empty)
    env = _root_env(instrument, empty, base, cached=True)
    for item in instrument.walk():
        if item.initial:
            out[item.link_id] = item.initial
        elif item.initial_expression is not None:
            try:
                result = item.initial_expression.evaluate(
                    empty, {**env, "qitem": instrument.raw_items[item.link_id], "context": empty}
                )
            except ExpressionFailed:
                continue
            values = _values_from_result(item, result)
            if values:
                out[item.link_id] = values
    return out


def evaluate(
    instrument: Instrument, answers: Answers, *, final: bool = False, cached: bool = True
) -> Evaluation:
    """Evaluate an answer set; ``final`` adds the submit checks (required, disabled items)."""
    return _Run(instrument, cached=cached).run(answers, final=final)


def submit(instrument: Instrument, answers: Answers) -> Evaluation:
    """Evaluate for submission; :class:`DataError` lists every problem and nothing is kept."""
    evaluation = evaluate(instrument, answers, final=True)
    evaluation.raise_for_problems(source=instrument.canonical)
    return evaluation


# ---------------------------------------------------------------------------- enableWhen


def condition_met(condition: EnableWhen, answers: Sequence[AnswerValue]) -> bool:
    """One enableWhen on the question's answers (none when the question is unanswered or disabled).

    ``exists`` compares presence with the boolean; every other operator is false on an
    unanswered question; ``=`` and the orderings hold when any answer meets them, ``!=`` when
    no answer equals the value.
    """
    if condition.operator == "exists":
        return bool(answers) is condition.answer
    if not answers:
        return False
    if condition.operator == "=":
        return any(same_value(a, condition.answer) for a in answers)
    if condition.operator == "!=":
        return not any(same_value(a, condition.answer) for a in answers)
    return any(_ordered(a, condition.operator, condition.answer) for a in answers)


def _base_variables(instrument: Instrument, qr: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "resource": qr,
        "rootResource": qr,
        "questionnaire": instrument.weighted_resource,
        "context": qr,
    }


def _root_env(
    instrument: Instrument, qr: Mapping[str, Any], base: dict[str, Any], *, cached: bool
) -> dict[str, Any]:
    env = dict(base)
    for variable in instrument.variables:
        try:
            env[str(variable.name)] = variable.evaluate(qr, env, cached=cached)
        except ExpressionFailed:
            env[str(variable.name)] = []
    return env


# ---------------------------------------------------------------------------- one run


class _Run:
    def __init__(self, instrument: Instrument, *, cached: bool) -> None:
        self.instrument = instrument
        self.cached = cached
        self.problems: list[Problem] = []
        self.expression_problems: dict[tuple[str, str], Problem] = {}
        self.options: dict[str, tuple[AnswerOption, ...]] = {
            i.link_id: i.options for i in instrument.walk() if i.options
        }

    def problem(self, link_id: str, message: str) -> None:
        self.problems.append(answer_problem(link_id, message))

    # ---- the fixpoint

    def run(self, given: Answers, *, final: bool) -> Evaluation:
        instrument = self.instrument
        current = self._typed(given)
        supplied = {k for k, v in current.items() if v}
        for item in instrument.walk():
            if (item.read_only or item.hidden) and item.calculated_expression is None:
                if item.initial:
                    current[item.link_id] = item.initial
                else:
                    current.pop(item.link_id, None)
            elif item.calculated_expression is not None:
                current.pop(item.link_id, None)
        enabled = frozenset(instrument.items)
        settled = False
        for _ in range(_MAX_ROUNDS):
            qr_state = _QrState(self, current, enabled) if instrument.has_expressions else None
            new_enabled = self._enabled(current, enabled, qr_state)
            new_current = {k: v for k, v in current.items() if k in new_enabled and v}
            if qr_state is not None:
                qr_state.enabled = new_enabled
                self._calculate(new_current, qr_state, new_enabled)
            if new_enabled == enabled and new_current == current:
                settled = True
                break
            enabled, current = new_enabled, new_current
        if not settled:
            self.problems.append(
                Problem(
                    "the instrument's conditions and calculations do not settle on these answers"
                )
            )
        self.problems.extend(self.expression_problems.values())
        dropped = tuple(sorted(k for k in supplied if k not in enabled))
        self._validate(current, enabled, final=final, dropped=dropped)
        score = self._score(current)
        return Evaluation(
            instrument=instrument,
            answers=current,
            enabled=enabled,
            dropped=dropped,
            options=self.options,
            problems=tuple(self.problems),
            score=score,
            level=self._level(score),
            needs=self._needs(current),
        )

    def _typed(self, given: Answers) -> dict[str, tuple[AnswerValue, ...]]:
        out: dict[str, tuple[AnswerValue, ...]] = {}
        for link_id, values in given.items():
            item = self.instrument.items.get(link_id)
            if item is None:
                self.problem(link_id, "there is no such question in this instrument")
                continue
            if not item.is_question:
                self.problem(link_id, f"a {item.type} item takes no answers")
                continue
            if isinstance(values, str | bytes) or not isinstance(values, Sequence):
                self.problem(link_id, "answers must be given as a list")
                continue
            kept: list[AnswerValue] = []
            for value in values:
                converted, message = _coerce(item, value)
                if message:
                    self.problem(link_id, message)
                elif converted is not None:
                    kept.append(converted)
            if len(kept) > 1 and not item.repeats:
                self.problem(link_id, "takes one answer, but several were given")
                kept = kept[:1]
            if kept:
                out[link_id] = tuple(kept)
        return out

    def _enabled(
        self,
        answers: Mapping[str, tuple[AnswerValue, ...]],
        previous: frozenset[str],
        qr_state: _QrState | None,
    ) -> frozenset[str]:
        decided: dict[str, bool] = {}

        def answers_of(link_id: str) -> tuple[AnswerValue, ...]:
            on = decided.get(link_id, link_id in previous)
            return answers.get(link_id, ()) if on else ()

        for item in self.instrument.walk():
            if item.parent is not None and not decided.get(item.parent, False):
                decided[item.link_id] = False
                continue
            if item.enable_when:
                results = (condition_met(c, answers_of(c.question)) for c in item.enable_when)
                on = all(results) if item.enable_behavior == "all" else any(results)
            elif item.enable_when_expression is not None and qr_state is not None:
                result = qr_state.run(item, item.enable_when_expression, "enableWhenExpression")
                on = bool(result) and result[0] is True
                if result and not isinstance(result[0], bool):
                    self.expression_problems[(item.link_id, "enableWhenExpression")] = (
                        answer_problem(item.link_id, "enableWhenExpression did not give a boolean")
                    )
            else:
                on = True
            decided[item.link_id] = on
        return frozenset(k for k, v in decided.items() if v)

    def _calculate(
        self,
        answers: dict[str, tuple[AnswerValue, ...]],
        qr_state: _QrState,
        enabled: frozenset[str],
    ) -> None:
        for item in self.instrument.walk():
            if item.link_id not in enabled:
                continue
            if item.answer_expression is not None:
                result = qr_state.run(item, item.answer_expression, "answerExpression")
                self.options[item.link_id] = tuple(
                    AnswerOption(value=v, weight=self._static_weight(item, v))
                    for v in _values_from_result(item, result)
                )
            if item.calculated_expression is not None:
                result = qr_state.run(item, item.calculated_expression, "calculatedExpression")
                values = _values_from_result(item, result)
                if len(values) != len(result):
                    self.expression_problems[(item.link_id, "calculatedExpression")] = (
                        answer_problem(
                            item.link_id,
                            f"calculatedExpression gave a value that is not a {item.type} answer",
                        )
                    )
                if len(values) > 1 and not item.repeats:
                    values = values[:1]
                if item.options:
                    values = tuple(o.value for v in values if (o := item.option_for(v)) is not None)
                if values == answers.get(item.link_id, ()):
                    continue
                if values:
                    answers[item.link_id] = values
                else:
                    answers.pop(item.link_id, None)
                qr_state.update(answers)

    def _static_weight(self, item: Item, value: AnswerValue) -> Decimal | None:
        option = item.option_for(value)
        return option.weight if option else None

    # ---- checks

    def _validate(
        self,
        answers: Mapping[str, tuple[AnswerValue, ...]],
        enabled: frozenset[str],
        *,
        final: bool,
        dropped: tuple[str, ...],
    ) -> None:
        for link_id, values in answers.items():
            item = self.instrument.items[link_id]
            if item.type in ("choice", "open-choice") and not item.is_computed:
                offered = self.options.get(link_id) or ()
                for value in values:
                    listed = isinstance(value, Coding) or item.type == "choice"
                    if listed and _find_option(offered, value) is None:
                        self.problem(link_id, f"{_shown(value)} is not one of the answers offered")
        if not final:
            return
        for link_id in dropped:
            self.problem(
                link_id, "was answered, but the question is not asked given the other answers"
            )
        for item in self.instrument.walk():
            if not item.required or item.link_id not in enabled or item.hidden:
                continue
            if item.type == "group":
                if not any(answers.get(d) for d in _descendants(self.instrument, item.link_id)):
                    self.problem(
                        item.link_id, "this section is required: answer at least one question in it"
                    )
            elif item.is_question and not answers.get(item.link_id):
                self.problem(item.link_id, "an answer is required")

    # ---- results

    def _score(self, answers: Mapping[str, tuple[AnswerValue, ...]]) -> Decimal | None:
        rules = self.instrument.rules
        if rules.score_item is not None:
            values = answers.get(rules.score_item) or ()
            first = values[0] if values else None
            return (
                Decimal(first)
                if isinstance(first, int | Decimal) and not isinstance(first, bool)
                else None
            )
        total = Decimal(0)
        weighted = False
        for link_id, options in self.options.items():
            if any(o.weight is not None for o in options):
                weighted = True
            for value in answers.get(link_id) or ():
                option = _find_option(options, value)
                if option is not None and option.weight is not None:
                    total += option.weight
        return total if weighted else None

    def _level(self, score: Decimal | None) -> Level | None:
        if score is None:
            return None
        found = None
        for level in self.instrument.rules.levels:
            if score >= level.min_score:
                found = level
        return found

    def _needs(self, answers: Mapping[str, tuple[AnswerValue, ...]]) -> tuple[str, ...]:
        out: set[str] = set()
        for rule in self.instrument.rules.needs:
            given = answers.get(rule.item) or ()
            if given and (
                not rule.answers or any(same_value(a, b) for a in given for b in rule.answers)
            ):
                out.add(rule.domain)
        return tuple(sorted(out))


class _QrState:
    """The in-progress QuestionnaireResponse that expressions see, rebuilt when answers change."""

    def __init__(
        self, run: _Run, answers: Mapping[str, tuple[AnswerValue, ...]], enabled: frozenset[str]
    ) -> None:
        self.run_ = run
        self.enabled = enabled
        self.update(answers)

    def update(self, answers: Mapping[str, tuple[AnswerValue, ...]]) -> None:
        instrument = self.run_.instrument
        self.qr, self.index = evaluation_response(
            instrument, answers, self.enabled, self.run_.options
        )
        self.base = _base_variables(instrument, self.qr)
        self.root = _root_env(instrument, self.qr, self.base, cached=self.run_.cached)
        self.envs: dict[str, dict[str, Any]] = {}

    def env(self, item: Item) -> dict[str, Any]:
        found = self.envs.get(item.link_id)
        if found is not None:
            return found
        parent = self.env(self.run_.instrument.items[item.parent]) if item.parent else self.root
        context = self.index.get(item.link_id) or {"linkId": item.link_id}
        env = {**parent, "qitem": self.run_.instrument.raw_items[item.link_id], "context": context}
        for variable in item.variables:
            env[str(variable.name)] = self._eval(item, variable, "variable", context, env)
        self.envs[item.link_id] = env
        return env

    def run(self, item: Item, expression: Expression, feature: str) -> list[Any]:
        env = self.env(item)
        return self._eval(item, expression, feature, env["context"], env)

    def _eval(
        self, item: Item, expression: Expression, feature: str, focus: Any, env: Mapping[str, Any]
    ) -> list[Any]:
        try:
            return expression.evaluate(focus, env, cached=self.run_.cached)
        except ExpressionFailed as exc:
            self.run_.expression_problems[(item.link_id, feature)] = answer_problem(
                item.link_id, f"{feature} could not be evaluated: {exc}"
            )
            return []


def evaluation_response(
    instrument: Instrument,
    answers: Mapping[str, tuple[AnswerValue, ...]],
    enabled: frozenset[str],
    options: Mapping[str, tuple[AnswerOption, ...]],
    *,
    language: str | None = None,
    weights: bool = True,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A QuestionnaireResponse of the enabled answers, and its items by linkId.

    With ``weights``, each chosen Coding carries its option's ``itemWeight`` so that FHIRPath
    ``weight()`` finds it (SDC looks on the answer first).
    """
    index: dict[str, dict[str, Any]] = {}

    def build(link_ids: Sequence[str]) -> list[dict[str, Any]]:
        out = []
        for link_id in link_ids:
            item = instrument.items[link_id]
            if link_id not in enabled or item.type == "display":
                continue
            node: dict[str, Any] = {"linkId": link_id}
            text = item.text.get(language)
            if text:
                node["text"] = text
            if item.type == "group":
                children = build(item.children)
                if not children:
                    continue
                node["item"] = children
            else:
                values = answers.get(link_id) or ()
                if not values:
                    continue
                node["answer"] = [
                    _answer(item, v, options.get(link_id) or (), weights) for v in values
                ]
            index[link_id] = node
            out.append(node)
        return out

    qr: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": instrument.canonical,
        "status": "in-progress",
        "item": build(instrument.top),
    }
    if not qr["item"]:
        del qr["item"]
    return qr, index


def _answer(
    item: Item, value: AnswerValue, options: Sequence[AnswerOption], weights: bool
) -> dict[str, Any]:
    raw = fhir_value(value)
    if weights and isinstance(raw, dict):
        option = _find_option(options, value)
        if option is not None and option.weight is not None:
            raw = {
                **raw,
                "extension": [{"url": ITEM_WEIGHT, "valueDecimal": fhir_value(option.weight)}],
            }
    return {value_key(item, value): raw}
