"""Read a FHIR R4 Questionnaire into an instrument Upstream can run, or refuse it.

``parse → validate``: the JSON is validated against the FHIR model (``fhir.resources.R4B``, whose
Questionnaire is the R4 one), then walked for Upstream's supported subset. Every problem is
collected with the item's linkId and the feature named, and :class:`DataError` lists them all;
an instrument that uses anything else is never run. What comes out is immutable: items, options
with weights, conditions, compiled expressions, result rules and the instrument's record.

The package: ``model`` (the subset and the instrument), ``reader`` with ``base``, ``options``
and ``record`` (the walk), ``support`` (helpers).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib.resources import files
from typing import Any

from upstream.core.problems import DataError, Problem
from upstream.screening.questionnaire.model import (
    TRANSLATION,
    AnswerOption,
    AnswerValue,
    Coding,
    EnableWhen,
    Instrument,
    Item,
    Level,
    Text,
    same_value,
)
from upstream.screening.questionnaire.reader import _Reader
from upstream.screening.questionnaire.support import _fhir_problems, answer_from_fhir


def load_questionnaire(source: str | bytes | Mapping[str, Any], *, name: str = "") -> Instrument:
    """Parse, validate and compile one Questionnaire; :class:`DataError` lists every refusal."""
    if isinstance(source, str | bytes):
        try:
            data = json.loads(source)
        except (ValueError, UnicodeDecodeError) as exc:
            raise DataError([Problem(f"not JSON: {exc}")], source=name) from exc
    else:
        data = source
    if not isinstance(data, Mapping) or data.get("resourceType") != "Questionnaire":
        raise DataError(
            [Problem("the document is not a FHIR Questionnaire (resourceType)")], source=name
        )
    problems = _fhir_problems(data)
    if problems:
        raise DataError(problems, source=name)
    reader = _Reader(data)
    instrument = reader.read()
    if reader.problems:
        raise DataError(reader.problems, source=name)
    if instrument is None:  # pragma: no cover - read() returns None only with problems
        raise DataError([Problem("the instrument could not be read")], source=name)
    return instrument


BUILT_IN = ("upstream-illustrative",)


def load_built_in(name: str) -> Instrument:
    """An instrument shipped with Upstream (``screening/instruments/<name>.json``)."""
    if name not in BUILT_IN:
        raise KeyError(name)
    text = (
        files("upstream.screening")
        .joinpath("instruments", f"{name}.json")
        .read_text(encoding="utf-8")
    )
    return load_questionnaire(text, name=f"{name}.json")


__all__ = [
    "TRANSLATION",
    "AnswerOption",
    "AnswerValue",
    "Coding",
    "EnableWhen",
    "Instrument",
    "Item",
    "Level",
    "Text",
    "answer_from_fhir",
    "load_built_in",
    "load_questionnaire",
    "same_value",
]
