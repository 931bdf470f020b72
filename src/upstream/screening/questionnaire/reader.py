"""The Questionnaire reader: the walk over items, variables and references."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Literal

from upstream.core.problems import JsonPath
from upstream.screening.expressions import (
    RESERVED_NAMES,
    Expression,
)
from upstream.screening.questionnaire.model import (
    _ITEM_KEYS,
    _ROOT_KEYS,
    _TEXT_KEYS,
    ENTRY_FORMAT,
    EXPRESSION_EXTENSIONS,
    HIDDEN,
    ITEM_CONTROL,
    ITEM_CONTROL_SYSTEM,
    ITEM_CONTROLS,
    ITEM_EXTENSIONS,
    ITEM_TYPES,
    MAX_VALUE,
    MIN_LENGTH,
    MIN_VALUE,
    QUESTION_TYPES,
    REGEX,
    ROOT_EXTENSIONS,
    UNIT,
    VARIABLE,
    Instrument,
    Item,
    Text,
)
from upstream.screening.questionnaire.options import _OptionsReader
from upstream.screening.questionnaire.record import _RecordReader
from upstream.screening.questionnaire.support import (
    _coding,
    _condition_problem,
    _index,
    _with_weights_on_codings,
)


class _Reader(_OptionsReader, _RecordReader):
    """Walks a Questionnaire, collecting every problem, into an :class:`Instrument`."""

    def read(self) -> Instrument | None:
        data = self.data
        self._modifiers(data, ())
        for key in data:
            if key.startswith("_"):
                if key.lstrip("_") in ("title", "description"):
                    self._text(data, key.lstrip("_"), (), None)
                elif key not in ("_url", "_version", "_status", "_name", "_date", "_publisher"):
                    self.refuse((key,), None, key, "extensions on this element are not supported")
            elif key not in _ROOT_KEYS and key != "modifierExtension":
                self.refuse((key,), None, key, "this Questionnaire element is not supported")
        url = data.get("url")
        if not isinstance(url, str) or not url:
            self.refuse(("url",), None, "url", "an instrument needs a canonical url")
        for i, ext in enumerate(data.get("extension") or ()):
            if ext.get("url") not in ROOT_EXTENSIONS:
                self.refuse(
                    ("extension", i), None, "extension", f"{ext.get('url')!r} is not supported"
                )
        for i, ext in enumerate(data.get("modifierExtension") or ()):
            self.refuse(
                ("modifierExtension", i),
                None,
                "modifierExtension",
                f"{ext.get('url')!r} is not supported",
            )
        variables = self._variables(data, ("extension",), None, set())
        seen_vars = {v.name for v in variables if v.name}
        self._walk(data.get("item") or (), ("item",), None, 0, seen_vars)
        self._check_references()
        meta = self._instrument_record()
        rules = self._result_rules()
        if self.problems:
            return None
        top = tuple(i["linkId"] for i in data.get("item") or ())
        weighted = _with_weights_on_codings(data)
        language = data.get("language")
        languages = tuple(
            sorted({*([language] if isinstance(language, str) else []), *self.languages})
        )
        return Instrument(
            url=str(url),
            version=data.get("version"),
            name=data.get("name"),
            title=self._text(data, "title", (), None),
            status=str(data.get("status")),
            language=language,
            languages=languages,
            rules=rules,
            variables=variables,
            items=MappingProxyType(self.items),
            top=top,
            resource=json.loads(json.dumps(data)),
            weighted_resource=weighted,
            raw_items=MappingProxyType(_index(weighted.get("item") or ())),
            **meta,
        )

    def _variables(
        self, node: Mapping[str, Any], path: JsonPath, link_id: str | None, scope: set[str]
    ) -> tuple[Expression, ...]:
        out = []
        for i, ext in enumerate(node.get("extension") or ()):
            if ext.get("url") != VARIABLE:
                continue
            where = (*path[:-1], "extension", i) if path else ("extension", i)
            name = (ext.get("valueExpression") or {}).get("name")
            if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                self.refuse(
                    where, link_id, "variable", f"needs a name usable as %name (got {name!r})"
                )
                continue
            if name in RESERVED_NAMES:
                self.refuse(where, link_id, "variable", f"%{name} is reserved for the engine")
                continue
            if name in scope:
                self.refuse(where, link_id, "variable", f"%{name} is already defined in this scope")
                continue
            expression = self._expression(ext, where, link_id, "variable", scope)
            scope.add(name)
            if expression is not None:
                out.append(expression)
        return tuple(out)

    # ---- items

    def _walk(
        self,
        raw_items: Sequence[Mapping[str, Any]],
        path: JsonPath,
        parent: str | None,
        depth: int,
        scope: set[str],
    ) -> None:
        for index, raw in enumerate(raw_items):
            self._item(raw, (*path, index), parent, depth, set(scope))

    def _item(
        self,
        raw: Mapping[str, Any],
        path: JsonPath,
        parent: str | None,
        depth: int,
        scope: set[str],
    ) -> None:
        link_id = raw.get("linkId")
        if not isinstance(link_id, str) or not link_id:
            self.refuse((*path, "linkId"), None, "linkId", "every item needs a linkId")
            return
        if link_id in self.raw_items:
            self.refuse((*path, "linkId"), link_id, "linkId", "is used by more than one item")
            return
        self.raw_items[link_id] = (raw, path)
        kind = raw.get("type")
        if kind not in ITEM_TYPES:
            self.refuse((*path, "type"), link_id, "type", f"item type {kind!r} is not supported")
            return
        for key in raw:
            if key.startswith("_"):
                if key in _TEXT_KEYS:
                    continue
                self.refuse(
                    (*path, key), link_id, key, "extensions on this element are not supported"
                )
            elif key not in _ITEM_KEYS and key != "modifierExtension":
                feature = "answerValueSet" if key == "answerValueSet" else key
                hint = " (list the answers as answerOption)" if key == "answerValueSet" else ""
                self.refuse((*path, key), link_id, feature, f"is not supported{hint}")
        extensions: dict[str, list[tuple[int, Mapping[str, Any]]]] = {}
        for i, ext in enumerate(raw.get("extension") or ()):
            url = ext.get("url")
            if url not in ITEM_EXTENSIONS:
                self.refuse(
                    (*path, "extension", i), link_id, "extension", f"{url!r} is not supported"
                )
                continue
            extensions.setdefault(url, []).append((i, ext))

        def one(url: str) -> tuple[int, Mapping[str, Any]] | None:
            found = extensions.get(url) or []
            return found[0] if found else None

        variables = self._variables(raw, (*path, "extension"), link_id, scope)
        expressions: dict[str, Expression | None] = {}
        for url, feature in EXPRESSION_EXTENSIONS.items():
            found = extensions.get(url) or []
            distinct = {json.dumps(e[1], sort_keys=True) for e in found}
            if len(distinct) > 1:
                self.refuse(
                    (*path, "extension", found[1][0]),
                    link_id,
                    feature,
                    "is given more than once, differently",
                )
            if found:
                expressions[feature] = self._expression(
                    found[0][1], (*path, "extension", found[0][0]), link_id, feature, scope
                )

        is_question = kind in QUESTION_TYPES
        repeats = bool(raw.get("repeats"))
        required = bool(raw.get("required"))
        read_only = bool(raw.get("readOnly"))
        if kind == "group" and repeats:
            self.refuse(
                (*path, "repeats"), link_id, "repeats", "repeating groups are not supported"
            )
        if kind == "display":
            for key in ("required", "repeats", "readOnly", "initial", "answerOption"):
                if raw.get(key):
                    self.refuse((*path, key), link_id, key, "a display item takes no answers")
        if not is_question:
            for feature in ("calculatedExpression", "initialExpression", "answerExpression"):
                if expressions.get(feature):
                    self.refuse(path, link_id, feature, f"a {kind} item takes no answers")
        if (
            parent is not None
            and self.items.get(parent) is not None
            and self.items[parent].is_question
            and kind != "display"
        ):
            self.refuse(
                path, link_id, "item", "only display items may sit under a question (use a group)"
            )

        control = None
        found_control = one(ITEM_CONTROL)
        if found_control:
            codes = [
                c.get("code")
                for c in (found_control[1].get("valueCodeableConcept") or {}).get("coding") or ()
                if c.get("system") in (None, ITEM_CONTROL_SYSTEM)
            ]
            code = codes[0] if codes else None
            if code not in ITEM_CONTROLS:
                self.refuse(
                    (*path, "extension", found_control[0]),
                    link_id,
                    "itemControl",
                    f"control {code!r} is not supported",
                )
            elif code == "help" and kind != "display":
                self.refuse(
                    (*path, "extension", found_control[0]),
                    link_id,
                    "itemControl",
                    "help is for display items",
                )
            elif code in ("drop-down", "radio-button", "check-box") and kind not in (
                "choice",
                "open-choice",
                "boolean",
            ):
                self.refuse(
                    (*path, "extension", found_control[0]),
                    link_id,
                    "itemControl",
                    f"{code} needs a choice item",
                )
            else:
                control = code

        hidden_ext = one(HIDDEN)
        hidden = bool(hidden_ext and hidden_ext[1].get("valueBoolean"))

        min_value = self._bound(one(MIN_VALUE), kind, path, link_id, "minValue")
        max_value = self._bound(one(MAX_VALUE), kind, path, link_id, "maxValue")
        if min_value is not None and max_value is not None and min_value > max_value:  # type: ignore[operator]
            self.refuse(path, link_id, "minValue", "is above maxValue")
        max_length = raw.get("maxLength")
        min_length_ext = one(MIN_LENGTH)
        min_length = min_length_ext[1].get("valueInteger") if min_length_ext else None
        text_types = ("string", "text", "open-choice")
        if (max_length is not None or min_length is not None) and kind not in text_types:
            self.refuse(
                path, link_id, "maxLength", f"length limits apply to text answers, not {kind}"
            )
        regex = None
        found_regex = one(REGEX)
        if found_regex:
            if kind not in text_types:
                self.refuse(
                    (*path, "extension", found_regex[0]),
                    link_id,
                    "regex",
                    f"applies to text answers, not {kind}",
                )
            else:
                try:
                    regex = re.compile(str(found_regex[1].get("valueString")))
                except re.error as exc:
                    self.refuse(
                        (*path, "extension", found_regex[0]),
                        link_id,
                        "regex",
                        f"does not compile ({exc})",
                    )
        entry_format = Text()
        found_format = one(ENTRY_FORMAT)
        if found_format:
            entry_format = self._text(
                found_format[1], "valueString", (*path, "extension", found_format[0]), link_id
            )
        unit_ext = one(UNIT)
        unit = None
        if unit_ext:
            coding = unit_ext[1].get("valueCoding") or {}
            unit = coding.get("display") or coding.get("code")

        options = self._options(raw, kind, path, link_id)
        if (
            kind in ("choice", "open-choice")
            and not options
            and "answerExpression" not in expressions
        ):
            self.refuse(
                path,
                link_id,
                "answerOption",
                f"a {kind} item needs answerOption or answerExpression",
            )
        if options and kind not in ("choice", "open-choice"):
            self.refuse(
                (*path, "answerOption"),
                link_id,
                "answerOption",
                f"a {kind} item takes no answer options",
            )
        initial = self._initial(raw, kind, path, link_id)
        if options:
            initial = (*initial, *(o.value for o in options if o.initial_selected))
        if initial and expressions.get("initialExpression"):
            self.refuse(
                path, link_id, "initialExpression", "cannot be combined with initial (sdc-behave-1)"
            )
        if len(initial) > 1 and not repeats:
            self.refuse(
                (*path, "initial"),
                link_id,
                "initial",
                "more than one initial value on an item that does not repeat",
            )

        enable_when = self._enable_when(raw, path, link_id)
        if enable_when and expressions.get("enableWhenExpression"):
            self.refuse(
                path,
                link_id,
                "enableWhenExpression",
                "cannot be combined with enableWhen (sdc-behave-2)",
            )
        behavior: Literal["all", "any"] = "any" if raw.get("enableBehavior") == "any" else "all"
        if len(enable_when) > 1 and not raw.get("enableBehavior"):
            self.refuse(
                (*path, "enableBehavior"),
                link_id,
                "enableBehavior",
                "is required with more than one enableWhen",
            )

        self.items[link_id] = Item(
            link_id=link_id,
            type=kind,
            text=self._text(raw, "text", path, link_id),
            prefix=self._text(raw, "prefix", path, link_id),
            parent=parent,
            depth=depth,
            required=required,
            repeats=repeats,
            read_only=read_only,
            hidden=hidden,
            control=control,
            max_length=max_length,
            min_length=min_length,
            min_value=min_value,
            max_value=max_value,
            regex=regex,
            entry_format=entry_format,
            unit=unit,
            options=options,
            initial=initial,
            enable_when=enable_when,
            enable_behavior=behavior,
            enable_when_expression=expressions.get("enableWhenExpression"),
            variables=variables,
            calculated_expression=expressions.get("calculatedExpression"),
            initial_expression=expressions.get("initialExpression"),
            answer_expression=expressions.get("answerExpression"),
            children=tuple(
                c.get("linkId") for c in raw.get("item") or () if isinstance(c.get("linkId"), str)
            ),
            codes=tuple(_coding(c) for c in raw.get("code") or () if c.get("code")),
        )
        self._walk(raw.get("item") or (), (*path, "item"), link_id, depth + 1, scope)

    def _check_references(self) -> None:
        for link_id, item in self.items.items():
            _, path = self.raw_items[link_id]
            for i, condition in enumerate(item.enable_when):
                where = (*path, "enableWhen", i)
                target = self.items.get(condition.question)
                if target is None:
                    self.refuse(
                        where,
                        link_id,
                        "enableWhen",
                        f"names item {condition.question!r}, which does not exist",
                    )
                    continue
                if condition.question == link_id:
                    self.refuse(where, link_id, "enableWhen", "an item cannot depend on itself")
                    continue
                if not target.is_question:
                    self.refuse(
                        where,
                        link_id,
                        "enableWhen",
                        f"names {target.type} item {target.link_id!r}, which has no answers",
                    )
                    continue
                problem = _condition_problem(condition, target)
                if problem:
                    self.refuse(where, link_id, "enableWhen", problem)
            if (
                item.required
                and item.read_only
                and not (item.initial or item.calculated_expression or item.initial_expression)
            ):
                self.refuse(
                    path,
                    link_id,
                    "readOnly",
                    "a required read-only item needs an initial value or a calculation",
                )
