"""Reading an item's bounds, answer options, initial values and conditions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from upstream.core.problems import JsonPath
from upstream.screening.expressions import (
    weight_of,
)
from upstream.screening.questionnaire.base import _ReaderBase
from upstream.screening.questionnaire.model import (
    CODING_EXTENSIONS,
    OPERATORS,
    OPTION_EXTENSIONS,
    OPTION_PREFIX,
    AnswerOption,
    AnswerValue,
    EnableWhen,
    Text,
    same_value,
)
from upstream.screening.questionnaire.support import _answer_from_fhir, _coding, _typed


class _OptionsReader(_ReaderBase):
    """Answer bounds, answer options with weights, initial values and enableWhen conditions."""

    def _bound(
        self,
        found: tuple[int, Mapping[str, Any]] | None,
        kind: str,
        path: JsonPath,
        link_id: str,
        feature: str,
    ) -> int | Decimal | date | None:
        if not found:
            return None
        index, ext = found
        expected = {"integer": "valueInteger", "decimal": "valueDecimal", "date": "valueDate"}.get(
            kind
        )
        if expected is None:
            self.refuse(
                (*path, "extension", index),
                link_id,
                feature,
                f"applies to integer, decimal and date items, not {kind}",
            )
            return None
        keys = [k for k in ext if k.startswith("value")]
        if keys != [expected] and not (kind == "decimal" and keys == ["valueInteger"]):
            self.refuse(
                (*path, "extension", index), link_id, feature, f"a {kind} item needs {expected}"
            )
            return None
        value = _typed(kind, ext[keys[0]])
        return value  # type: ignore[return-value]

    def _options(
        self, raw: Mapping[str, Any], kind: str, path: JsonPath, link_id: str
    ) -> tuple[AnswerOption, ...]:
        out: list[AnswerOption] = []
        for i, option in enumerate(raw.get("answerOption") or ()):
            where = (*path, "answerOption", i)
            for key in option:
                if key not in (
                    "valueCoding",
                    "valueString",
                    "valueInteger",
                    "valueDate",
                    "extension",
                    "initialSelected",
                    "id",
                    "_valueString",
                ):
                    self.refuse((*where, key), link_id, "answerOption", f"{key} is not supported")
            value: AnswerValue | None
            display = Text()
            if "valueCoding" in option:
                coding = option["valueCoding"]
                value = _coding(coding)
                display = self._text(coding, "display", (*where, "valueCoding"), link_id)
                for j, ext in enumerate(coding.get("extension") or ()):
                    if ext.get("url") not in CODING_EXTENSIONS:
                        self.refuse(
                            (*where, "valueCoding", "extension", j),
                            link_id,
                            "answerOption",
                            f"extension {ext.get('url')!r} is not supported",
                        )
            elif "valueString" in option:
                value = option["valueString"]
                display = self._text(option, "valueString", where, link_id)
            elif "valueInteger" in option:
                value = int(option["valueInteger"])
            elif "valueDate" in option:
                value = _typed("date", option["valueDate"])
            else:
                self.refuse(
                    where,
                    link_id,
                    "answerOption",
                    "needs a value (Coding, string, integer or date)",
                )
                continue
            weight = None
            prefix = Text()
            for j, ext in enumerate(option.get("extension") or ()):
                url = ext.get("url")
                if url not in OPTION_EXTENSIONS:
                    self.refuse(
                        (*where, "extension", j),
                        link_id,
                        "answerOption",
                        f"extension {url!r} is not supported",
                    )
                elif url == OPTION_PREFIX:
                    prefix = self._text(ext, "valueString", (*where, "extension", j), link_id)
            weights = {
                w
                for w in (weight_of(option), weight_of(option.get("valueCoding")))
                if w is not None
            }
            if len(weights) > 1:
                self.refuse(
                    where, link_id, "itemWeight", "the option carries two different weights"
                )
            weight = next(iter(weights), None)
            if value is None:
                self.refuse(where, link_id, "answerOption", "the value is not valid")
                continue
            if any(same_value(o.value, value) for o in out):
                self.refuse(where, link_id, "answerOption", "the same answer is listed twice")
            out.append(
                AnswerOption(
                    value=value,
                    display=display,
                    prefix=prefix,
                    weight=weight,
                    initial_selected=bool(option.get("initialSelected")),
                )
            )
        return tuple(out)

    def _initial(
        self, raw: Mapping[str, Any], kind: str, path: JsonPath, link_id: str
    ) -> tuple[AnswerValue, ...]:
        out = []
        for i, initial in enumerate(raw.get("initial") or ()):
            value = _answer_from_fhir(initial, kind)
            if value is None:
                self.refuse((*path, "initial", i), link_id, "initial", f"is not a {kind} value")
                continue
            out.append(value)
        return tuple(out)

    def _enable_when(
        self, raw: Mapping[str, Any], path: JsonPath, link_id: str
    ) -> tuple[EnableWhen, ...]:
        out = []
        for i, condition in enumerate(raw.get("enableWhen") or ()):
            where = (*path, "enableWhen", i)
            operator = condition.get("operator")
            if operator not in OPERATORS:
                self.refuse(where, link_id, "enableWhen", f"operator {operator!r} is not supported")
                continue
            answers = [k for k in condition if k.startswith("answer")]
            if len(answers) != 1:
                self.refuse(where, link_id, "enableWhen", "needs exactly one answer[x]")
                continue
            key = answers[0]
            value: Any = condition[key]
            if key == "answerCoding":
                value = _coding(value)
            elif key == "answerDecimal":
                value = Decimal(str(value))
            elif key == "answerDate":
                value = _typed("date", value)
            elif key not in ("answerBoolean", "answerInteger", "answerString"):
                self.refuse(where, link_id, "enableWhen", f"{key} is not supported")
                continue
            out.append(
                EnableWhen(question=str(condition.get("question")), operator=operator, answer=value)
            )
        return tuple(out)

    # ---- cross-item checks
