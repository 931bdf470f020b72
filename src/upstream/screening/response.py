"""FHIR out and back: a completed screening as a QuestionnaireResponse, and an instrument
served in one language.

:func:`response_from` writes a valid R4 QuestionnaireResponse (checked against the FHIR model)
that names its Questionnaire by ``url|version`` and carries its language; :func:`answers_from`
reads one back into answers for the same instrument. :func:`questionnaire_for` writes the
instrument pre-localised: the chosen language becomes the base text, and each option's weight is
written both as ``itemWeight`` on the option and as ``ordinalValue`` on its Coding, so renderers
that read only one of them still score.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from upstream.core.problems import DataError, Problem
from upstream.screening.expressions import (
    ITEM_WEIGHT,
    ORDINAL_VALUE,
    ORDINAL_VALUE_STU3,
    WEIGHT_URLS,
)
from upstream.screening.questionnaire import (
    TRANSLATION,
    AnswerValue,
    Instrument,
    Text,
    answer_from_fhir,
)
from upstream.screening.scoring import Evaluation, evaluation_response
from upstream.screening.values import fhir_value

SDC_RESPONSE_PROFILE = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaireresponse"


def response_from(
    evaluation: Evaluation,
    *,
    language: str | None = None,
    status: str = "completed",
    authored: datetime | None = None,
    response_id: str | None = None,
) -> dict[str, Any]:
    """The evaluation's answers (enabled items only) as a QuestionnaireResponse.

    Subject, author and source are left to the caller: the engine holds no personal record.
    """
    instrument = evaluation.instrument
    qr, _ = evaluation_response(
        instrument,
        evaluation.answers,
        evaluation.enabled,
        evaluation.options,
        language=language,
        weights=False,
    )
    out: dict[str, Any] = {"resourceType": "QuestionnaireResponse"}
    if response_id:
        out["id"] = response_id
    out["meta"] = {"profile": [SDC_RESPONSE_PROFILE]}
    out["language"] = language or instrument.language or "en"
    out["questionnaire"] = instrument.canonical
    out["status"] = status
    if authored is not None:
        if authored.tzinfo is None:
            raise ValueError("authored needs a time zone")
        out["authored"] = authored.isoformat()
    if qr.get("item"):
        out["item"] = qr["item"]
    _check_response(out)
    return out


def _check_response(data: Mapping[str, Any]) -> None:
    QuestionnaireResponse.model_validate(dict(data))


def answers_from(
    instrument: Instrument, data: Mapping[str, Any], *, source: str = ""
) -> dict[str, tuple[AnswerValue, ...]]:
    """The answers in a QuestionnaireResponse; :class:`DataError` if it cannot be read."""
    if not isinstance(data, Mapping) or data.get("resourceType") != "QuestionnaireResponse":
        raise DataError(
            [Problem("the document is not a FHIR QuestionnaireResponse (resourceType)")],
            source=source,
        )
    try:
        QuestionnaireResponse.model_validate(dict(data))
    except ValidationError as exc:
        refused = [
            Problem(
                f"not valid FHIR R4: {e['msg']}",
                path=tuple(p for p in e["loc"] if isinstance(p, str | int)),
            )
            for e in exc.errors()[:50]
        ]
        raise DataError(refused, source=source) from exc
    problems: list[Problem] = []
    named = str(data.get("questionnaire") or "")
    url, _, version = named.partition("|")
    if url != instrument.url:
        problems.append(
            Problem(
                f"answers questionnaire {url!r}, not {instrument.url!r}", path=("questionnaire",)
            )
        )
    elif version and instrument.version and version != instrument.version:
        problems.append(
            Problem(
                f"answers version {version!r} of the instrument, not {instrument.version!r}",
                path=("questionnaire",),
            )
        )
    out: dict[str, tuple[AnswerValue, ...]] = {}

    def visit(items: Any, path: tuple[str | int, ...]) -> None:
        for index, node in enumerate(items or ()):
            where = (*path, index)
            link_id = node.get("linkId")
            item = instrument.items.get(link_id)
            if item is None:
                problems.append(
                    Problem(
                        f"item {link_id!r}: there is no such item in this instrument", path=where
                    )
                )
                continue
            values = []
            for j, answer in enumerate(node.get("answer") or ()):
                value = answer_from_fhir(answer, item.type)
                if value is None:
                    problems.append(
                        Problem(
                            f"item {link_id!r}: the answer is not a {item.type} value",
                            path=(*where, "answer", j),
                        )
                    )
                    continue
                values.append(value)
                visit(answer.get("item"), (*where, "answer", j, "item"))
            if values:
                if link_id in out:
                    problems.append(Problem(f"item {link_id!r}: answered twice", path=where))
                out[link_id] = tuple(values)
            visit(node.get("item"), (*where, "item"))

    visit(data.get("item"), ("item",))
    if problems:
        raise DataError(problems, source=source)
    return out


def questionnaire_for(instrument: Instrument, language: str | None = None) -> dict[str, Any]:
    """The instrument as a Questionnaire in ``language``, with weights written both ways."""
    data: dict[str, Any] = copy.deepcopy(dict(instrument.resource))
    base = instrument.language
    if language:
        data["language"] = language
        _localise(data, ("title", "description"), language, base)
    for item in _items(data.get("item") or []):
        _localise(item, ("text", "prefix"), language, base)
        link = instrument.items[item["linkId"]]
        for option, known in zip(item.get("answerOption") or (), link.options, strict=True):
            weight = known.weight
            coding = option.get("valueCoding")
            if isinstance(coding, dict):
                _localise(coding, ("display",), language, base)
                coding["extension"] = [
                    e for e in coding.get("extension") or () if e.get("url") not in WEIGHT_URLS
                ]
            option["extension"] = [
                e for e in option.get("extension") or () if e.get("url") not in WEIGHT_URLS
            ]
            if weight is not None:
                option["extension"].append({"url": ITEM_WEIGHT, "valueDecimal": fhir_value(weight)})
                if isinstance(coding, dict):
                    coding["extension"].append(
                        {"url": ORDINAL_VALUE, "valueDecimal": fhir_value(weight)}
                    )
            for holder in (option, coding):
                if isinstance(holder, dict) and not holder.get("extension"):
                    holder.pop("extension", None)
    return data


_ = ORDINAL_VALUE_STU3  # read on import (questionnaire.py); never written


def _items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        out.append(item)
        out.extend(_items(item.get("item") or []))
    return out


def _localise(
    node: dict[str, Any], keys: tuple[str, ...], language: str | None, base: str | None
) -> None:
    """Make ``language`` the base text of each key; the old base text becomes its translation."""
    if not language or language == base:
        return
    for key in keys:
        shadow = node.get(f"_{key}")
        if not isinstance(shadow, dict):
            continue
        translations = {}
        kept = []
        for ext in shadow.get("extension") or ():
            if ext.get("url") == TRANSLATION:
                parts = {e.get("url"): e for e in ext.get("extension") or ()}
                lang = (parts.get("lang") or {}).get("valueCode")
                content = (parts.get("content") or {}).get("valueString")
                if lang and content:
                    translations[lang] = content
                if lang and Text(None, {lang: "x"}).has(language):
                    continue
            kept.append(ext)
        chosen = Text(node.get(key), translations).get(language)
        if chosen is None or chosen == node.get(key):
            continue
        if base and isinstance(node.get(key), str):
            kept.append(_translation(base, node[key]))
        node[key] = chosen
        shadow["extension"] = kept


def _translation(language: str, content: str) -> dict[str, Any]:
    return {
        "url": TRANSLATION,
        "extension": [
            {"url": "lang", "valueCode": language},
            {"url": "content", "valueString": content},
        ],
    }
