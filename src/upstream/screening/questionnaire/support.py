"""Helpers of the Questionnaire reader: FHIR validation, problems, codings and typed answers."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire
from pydantic import ValidationError

from upstream.core.problems import JsonPath, Problem
from upstream.screening.expressions import (
    WEIGHT_URLS,
    weight_of,
)
from upstream.screening.questionnaire.model import AnswerValue, Coding, EnableWhen, Item


def _fhir_problems(data: Mapping[str, Any]) -> list[Problem]:
    try:
        Questionnaire.model_validate(dict(data))
    except ValidationError as exc:
        out = []
        for error in exc.errors()[:50]:
            path = tuple(p for p in error["loc"] if isinstance(p, str | int))
            out.append(Problem(f"not valid FHIR R4: {error['msg']}", path=path))
        return out
    return []


def _problem(path: JsonPath, link_id: str | None, feature: str, message: str) -> Problem:
    where = f"item {link_id!r}: " if link_id else ""
    return Problem(f"{where}{feature}: {message}", path=path)


def _condition_problem(condition: EnableWhen, target: Item) -> str | None:
    """Why an enableWhen cannot be evaluated on its question's answers, or None."""
    answer = condition.answer
    if condition.operator == "exists":
        return None if isinstance(answer, bool) else "exists needs answerBoolean"
    kind = target.type
    fits = {
        "boolean": isinstance(answer, bool),
        "integer": isinstance(answer, int | Decimal) and not isinstance(answer, bool),
        "decimal": isinstance(answer, int | Decimal) and not isinstance(answer, bool),
        "date": isinstance(answer, date),
        "string": isinstance(answer, str),
        "text": isinstance(answer, str),
        "choice": isinstance(answer, Coding | str | int | date) and not isinstance(answer, bool),
        "open-choice": isinstance(answer, Coding | str | int | date)
        and not isinstance(answer, bool),
    }.get(kind, False)
    if not fits:
        return f"the answer {type(answer).__name__} does not fit {kind} item {target.link_id!r}"
    ordered = condition.operator in (">", "<", ">=", "<=")
    if ordered and (isinstance(answer, bool | Coding) or kind == "boolean"):
        return f"operator {condition.operator} cannot order {kind} answers"
    listed = kind == "choice" and target.options and condition.operator in ("=", "!=")
    if listed and target.option_for(answer) is None:
        return f"the answer is not one item {target.link_id!r} offers"
    return None


def _coding(raw: Mapping[str, Any]) -> Coding:
    return Coding(system=raw.get("system"), code=str(raw.get("code")), display=raw.get("display"))


def _typed(kind: str, raw: object) -> AnswerValue | None:
    try:
        if kind == "date" and isinstance(raw, str):
            return date.fromisoformat(raw) if len(raw) == 10 else None
        if (
            kind == "decimal"
            and isinstance(raw, int | float | str | Decimal)
            and not isinstance(raw, bool)
        ):
            return Decimal(str(raw))
        if kind == "integer" and isinstance(raw, int) and not isinstance(raw, bool):
            return raw
    except (ValueError, InvalidOperation):
        return None
    return None


def _answer_from_fhir(node: Mapping[str, Any], kind: str) -> AnswerValue | None:
    """The value of an ``answer``/``initial``-shaped element for an item of ``kind``, or None."""
    if "valueCoding" in node and kind in ("choice", "open-choice"):
        return _coding(node["valueCoding"])
    if "valueBoolean" in node and kind == "boolean" and isinstance(node["valueBoolean"], bool):
        return bool(node["valueBoolean"])
    if (
        "valueString" in node
        and kind in ("string", "text", "choice", "open-choice")
        and isinstance(node["valueString"], str)
    ):
        return node["valueString"]
    if "valueInteger" in node and kind in ("integer", "decimal", "choice", "open-choice"):
        return _typed("integer", node["valueInteger"])
    if "valueDecimal" in node and kind == "decimal":
        return _typed("decimal", node["valueDecimal"])
    if "valueDate" in node and kind in ("date", "choice", "open-choice"):
        return _typed("date", node["valueDate"])
    return None


def answer_from_fhir(node: Mapping[str, Any], kind: str) -> AnswerValue | None:
    return _answer_from_fhir(node, kind)


def _with_weights_on_codings(data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy in which each option's weight also sits on its Coding, where ``weight()`` looks."""
    copy: dict[str, Any] = json.loads(json.dumps(data))

    def visit(items: list[dict[str, Any]]) -> None:
        for item in items:
            for option in item.get("answerOption") or ():
                coding = option.get("valueCoding")
                found = weight_of(option)
                if isinstance(coding, dict) and found is not None and weight_of(coding) is None:
                    coding.setdefault("extension", []).append(
                        {"url": WEIGHT_URLS[0], "valueDecimal": float(found)}
                    )
            visit(item.get("item") or [])

    visit(copy.get("item") or [])
    return copy


def _index(items: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    for item in items:
        out[item["linkId"]] = item
        out.update(_index(item.get("item") or ()))
    return out
