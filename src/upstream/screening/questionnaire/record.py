"""Reading Upstream's instrument record and result-rules extensions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from upstream.core.problems import JsonPath
from upstream.screening.questionnaire.base import _ReaderBase
from upstream.screening.questionnaire.model import (
    INSTRUMENT,
    LICENCE_STATUSES,
    MODES,
    NEED_DOMAINS,
    RESULT_RULES,
    Accuracy,
    Level,
    Licence,
    NeedRule,
    ResultRules,
    Text,
)
from upstream.screening.questionnaire.support import _answer_from_fhir


class _RecordReader(_ReaderBase):
    """The instrument's record (mode, licence, training, accuracy) and its result rules."""

    def _instrument_record(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "mode": None,
            "licence": Licence(),
            "training_required": None,
            "accuracy": (),
            "validated": None,
        }
        for i, ext in enumerate(self.data.get("extension") or ()):
            if ext.get("url") != INSTRUMENT:
                continue
            where: JsonPath = ("extension", i)
            accuracy = []
            for j, part in enumerate(ext.get("extension") or ()):
                name = part.get("url")
                at = (*where, "extension", j)
                if name == "mode":
                    mode = part.get("valueCode")
                    if mode not in MODES:
                        self.refuse(
                            at,
                            None,
                            "instrument.mode",
                            f"{mode!r} is not one of {', '.join(MODES)}",
                        )
                    out["mode"] = mode
                elif name == "licence":
                    sub = {e.get("url"): e for e in part.get("extension") or ()}
                    status = (sub.get("status") or {}).get("valueCode", "unknown")
                    if status not in LICENCE_STATUSES:
                        self.refuse(
                            at,
                            None,
                            "instrument.licence",
                            f"status {status!r} is not one of {', '.join(LICENCE_STATUSES)}",
                        )
                    out["licence"] = Licence(
                        status=status, url=(sub.get("url") or {}).get("valueUri")
                    )
                elif name == "trainingRequired":
                    out["training_required"] = bool(part.get("valueBoolean"))
                elif name == "validated":
                    out["validated"] = bool(part.get("valueBoolean"))
                elif name == "accuracy":
                    sub = {e.get("url"): e for e in part.get("extension") or ()}
                    values = {}
                    for key in ("sensitivity", "specificity"):
                        raw_value = (sub.get(key) or {}).get("valueDecimal")
                        number = None if raw_value is None else Decimal(str(raw_value))
                        if number is not None and not 0 <= number <= 1:
                            self.refuse(
                                at,
                                None,
                                f"instrument.accuracy.{key}",
                                "is a proportion between 0 and 1",
                            )
                        values[key] = number
                    accuracy.append(
                        Accuracy(
                            population=(sub.get("population") or {}).get("valueString"),
                            source=(sub.get("source") or {}).get("valueUri")
                            or (sub.get("source") or {}).get("valueString"),
                            **values,
                        )
                    )
                else:
                    self.refuse(at, None, "instrument", f"part {name!r} is not known")
            out["accuracy"] = tuple(accuracy)
        return out

    def _result_rules(self) -> ResultRules:
        found = [
            (i, e)
            for i, e in enumerate(self.data.get("extension") or ())
            if e.get("url") == RESULT_RULES
        ]
        if not found:
            return ResultRules()
        if len(found) > 1:
            self.refuse(("extension", found[1][0]), None, "result-rules", "is given more than once")
        index, ext = found[0]
        where: JsonPath = ("extension", index)
        score_item = None
        levels: list[Level] = []
        needs: list[NeedRule] = []
        for j, part in enumerate(ext.get("extension") or ()):
            name = part.get("url")
            at = (*where, "extension", j)
            if name == "scoreItem":
                score_item = part.get("valueString")
                target = self.items.get(str(score_item))
                if target is None:
                    self.refuse(
                        at,
                        None,
                        "result-rules.scoreItem",
                        f"names item {score_item!r}, which does not exist",
                    )
                elif target.type not in ("integer", "decimal"):
                    self.refuse(
                        at,
                        None,
                        "result-rules.scoreItem",
                        f"item {score_item!r} is {target.type}, not a number",
                    )
            elif name == "level":
                sub = {e.get("url"): e for e in part.get("extension") or ()}
                code = (sub.get("code") or {}).get("valueCode")
                minimum = (sub.get("minScore") or {}).get("valueDecimal")
                if not code or minimum is None:
                    self.refuse(at, None, "result-rules.level", "needs a code and a minScore")
                    continue
                translations = {}
                for e in part.get("extension") or ():
                    if e.get("url") == "labelTranslation":
                        lt = {x.get("url"): x for x in e.get("extension") or ()}
                        lang = (lt.get("lang") or {}).get("valueCode")
                        content = (lt.get("content") or {}).get("valueString")
                        if not lang or not isinstance(content, str):
                            self.refuse(
                                at,
                                None,
                                "result-rules.level",
                                "a labelTranslation needs lang and content",
                            )
                            continue
                        translations[lang] = content
                        self.languages.add(lang)
                label = Text((sub.get("label") or {}).get("valueString"), translations)
                levels.append(Level(code=code, min_score=Decimal(str(minimum)), label=label))
            elif name == "need":
                sub_parts = part.get("extension") or ()
                domain = next(
                    (e.get("valueCode") for e in sub_parts if e.get("url") == "domain"), None
                )
                item_id = next(
                    (e.get("valueString") for e in sub_parts if e.get("url") == "item"), None
                )
                if domain not in NEED_DOMAINS:
                    self.refuse(
                        at,
                        None,
                        "result-rules.need",
                        f"domain {domain!r} is not one of {', '.join(NEED_DOMAINS)}",
                    )
                    continue
                target = self.items.get(str(item_id))
                if target is None or not target.is_question:
                    self.refuse(
                        at,
                        None,
                        "result-rules.need",
                        f"names item {item_id!r}, which is not a question here",
                    )
                    continue
                answers = []
                for e in sub_parts:
                    if e.get("url") != "answer":
                        continue
                    value = _answer_from_fhir(e, target.type)
                    if value is None or (target.options and target.option_for(value) is None):
                        self.refuse(
                            at,
                            target.link_id,
                            "result-rules.need",
                            "an answer is not one the item offers",
                        )
                        continue
                    answers.append(value)
                needs.append(NeedRule(domain=domain, item=target.link_id, answers=tuple(answers)))
            else:
                self.refuse(at, None, "result-rules", f"part {name!r} is not known")
        codes = [level.code for level in levels]
        if len(set(codes)) != len(codes):
            self.refuse(where, None, "result-rules.level", "level codes repeat")
        levels.sort(key=lambda level: level.min_score)
        return ResultRules(score_item=score_item, levels=tuple(levels), needs=tuple(needs))
