"""Answer values: comparing, keying, converting to and from FHIR and FHIRPath, and checking them
against an item's type and bounds. Pure helpers of :mod:`upstream.screening.scoring`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from upstream.screening.questionnaire import (
    AnswerOption,
    AnswerValue,
    Coding,
    Instrument,
    Item,
    same_value,
)


def _ordered(answer: AnswerValue, operator: str, target: AnswerValue) -> bool:
    left: Any
    right: Any
    if isinstance(answer, int | Decimal) and isinstance(target, int | Decimal):
        left, right = Decimal(answer), Decimal(target)
    elif (isinstance(answer, date) and isinstance(target, date)) or (
        isinstance(answer, str) and isinstance(target, str)
    ):
        left, right = answer, target
    else:
        return False
    if operator == ">":
        return bool(left > right)
    if operator == "<":
        return bool(left < right)
    if operator == ">=":
        return bool(left >= right)
    return bool(left <= right)


# ---------------------------------------------------------------------------- FHIR values


def value_key(item: Item, value: AnswerValue) -> str:
    """The ``value[x]`` element name of an answer to ``item``."""
    if isinstance(value, Coding):
        return "valueCoding"
    if isinstance(value, bool):
        return "valueBoolean"
    if isinstance(value, date):
        return "valueDate"
    if isinstance(value, int | Decimal):
        return "valueDecimal" if item.type == "decimal" else "valueInteger"
    return "valueString"


def fhir_value(value: AnswerValue) -> Any:
    if isinstance(value, Coding):
        return value.as_fhir()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and abs(value) < 2**53
            else float(value)
        )
    return value


def _find_option(options: Sequence[AnswerOption], value: AnswerValue) -> AnswerOption | None:
    for option in options:
        if same_value(option.value, value):
            return option
    return None


def _values_from_result(item: Item, result: Sequence[Any]) -> tuple[AnswerValue, ...]:
    """FHIRPath output as answers to ``item``; values of another type are left out."""
    out: list[AnswerValue] = []
    for raw in result:
        value = _value_from_fhirpath(item, raw)
        if value is not None:
            out.append(value)
    return tuple(out)


def _value_from_fhirpath(item: Item, raw: Any) -> AnswerValue | None:
    kind = item.type
    if kind in ("choice", "open-choice"):
        if isinstance(raw, Mapping) and raw.get("code"):
            return Coding(
                system=raw.get("system"), code=str(raw["code"]), display=raw.get("display")
            )
        if isinstance(raw, str):
            return raw
        return None
    if kind == "boolean":
        return raw if isinstance(raw, bool) else None
    if isinstance(raw, bool):
        return None
    if kind == "integer":
        if isinstance(raw, int) or (isinstance(raw, float | Decimal) and raw == int(raw)):
            return int(raw)
        return None
    if kind == "decimal":
        try:
            return Decimal(str(raw)) if isinstance(raw, int | float | Decimal) else None
        except InvalidOperation:
            return None
    if kind == "date":
        try:
            return date.fromisoformat(str(raw)[:10]) if len(str(raw)) >= 10 else None
        except ValueError:
            return None
    if kind in ("string", "text"):
        return raw if isinstance(raw, str) else str(raw)
    return None


def _descendants(instrument: Instrument, link_id: str) -> list[str]:
    out = []
    for child in instrument.items[link_id].children:
        out.append(child)
        out.extend(_descendants(instrument, child))
    return out


def _shown(value: AnswerValue) -> str:
    """A chosen answer as an error may name it: a Coding's code, never free text or a number."""
    if isinstance(value, Coding):
        return f"code {value.code!r}"
    return "the answer"


def _coerce(item: Item, value: object) -> tuple[AnswerValue | None, str | None]:
    """The answer as the item's type, or why it cannot be one (the value itself is not echoed)."""
    kind = item.type
    wrong = f"takes a {kind} answer, not {type(value).__name__}"
    if kind == "boolean":
        return (value, None) if isinstance(value, bool) else (None, wrong)
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return None, wrong
        return _in_range(item, value)
    if kind == "decimal":
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            return None, wrong
        number = Decimal(str(value))
        if not number.is_finite():
            return None, "is not a finite number"
        return _in_range(item, number)
    if kind == "date":
        if isinstance(value, datetime) or not isinstance(value, date):
            return None, wrong
        return _in_range(item, value)
    if kind in ("string", "text"):
        if not isinstance(value, str):
            return None, wrong
        return _text_ok(item, value)
    if kind == "choice":
        if isinstance(value, Coding | str | int | date) and not isinstance(value, bool):
            option = _find_option(item.options, value)
            return (option.value if option else value), None
        return None, wrong
    if kind == "open-choice":
        if isinstance(value, Coding):
            option = _find_option(item.options, value)
            return (option.value if option else value), None
        if isinstance(value, str):
            option = _find_option(item.options, value)
            return (option.value, None) if option else _text_ok(item, value)
        return None, wrong
    return None, f"a {kind} item takes no answers"


def _in_range(item: Item, value: int | Decimal | date) -> tuple[AnswerValue | None, str | None]:
    if item.min_value is not None and value < item.min_value:  # type: ignore[operator]
        return None, f"must be at least {item.min_value}"
    if item.max_value is not None and value > item.max_value:  # type: ignore[operator]
        return None, f"must be at most {item.max_value}"
    return value, None


def _text_ok(item: Item, value: str) -> tuple[AnswerValue | None, str | None]:
    if not value.strip():
        return None, None  # an empty box is no answer
    if item.type == "string" and ("\n" in value or "\r" in value):
        return None, "takes a single line of text"
    if item.max_length is not None and len(value) > item.max_length:
        return None, f"must be at most {item.max_length} characters"
    if item.min_length is not None and len(value) < item.min_length:
        return None, f"must be at least {item.min_length} characters"
    if item.regex is not None and item.regex.fullmatch(value) is None:
        hint = item.entry_format.get() or "the expected format"
        return None, f"does not match {hint}"
    return value, None
