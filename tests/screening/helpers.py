"""Small Questionnaires built in tests."""

from __future__ import annotations

from typing import Any

from upstream.screening.questionnaire import Coding, Instrument, load_questionnaire

SYS = "urn:test"
SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
FHIR = "http://hl7.org/fhir/StructureDefinition/"


def questionnaire(*items: dict[str, Any], **root: Any) -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "url": "urn:test:q",
        "version": "2",
        "status": "active",
        "language": "en",
        "item": list(items),
        **root,
    }


def load(*items: dict[str, Any], **root: Any) -> Instrument:
    return load_questionnaire(questionnaire(*items, **root))


def code(value: str) -> Coding:
    return Coding(SYS, value)


def option(
    value: str,
    weight: float | None = None,
    *,
    url: str = FHIR + "itemWeight",
    on_coding: bool = False,
) -> dict[str, Any]:
    out: dict[str, Any] = {"valueCoding": {"system": SYS, "code": value, "display": value.title()}}
    if weight is not None:
        ext = [{"url": url, "valueDecimal": weight}]
        if on_coding:
            out["valueCoding"]["extension"] = ext
        else:
            out["extension"] = ext
    return out


def choice(link_id: str, *values: str, **extra: Any) -> dict[str, Any]:
    return {
        "linkId": link_id,
        "type": "choice",
        "text": link_id,
        "answerOption": [option(v) for v in values],
        **extra,
    }


def expression(url: str, text: str, name: str | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"language": "text/fhirpath", "expression": text}
    if name:
        value["name"] = name
    return {"url": url, "valueExpression": value}
