"""Read a FHIR R4 Questionnaire into an instrument Upstream can run, or refuse it.

``parse → validate``: the JSON is validated against the FHIR model (``fhir.resources.R4B``, whose
Questionnaire is the R4 one), then walked for Upstream's supported subset. Every problem is
collected with the item's linkId and the feature named, and :class:`DataError` lists them all;
an instrument that uses anything else is never run. What comes out is immutable: items, options
with weights, conditions, compiled expressions, result rules and the instrument's record.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from types import MappingProxyType
from typing import Any, Literal

from fhir.resources.R4B.questionnaire import Questionnaire
from pydantic import ValidationError

from upstream.core.problems import DataError, JsonPath, Problem
from upstream.screening.expressions import (
    RESERVED_NAMES,
    WEIGHT_URLS,
    Expression,
    ExpressionSyntaxError,
    weight_of,
)

# ---------------------------------------------------------------------------- vocabularies

ItemType = Literal[
    "group",
    "display",
    "boolean",
    "choice",
    "open-choice",
    "string",
    "text",
    "integer",
    "decimal",
    "date",
]
ITEM_TYPES: tuple[str, ...] = ItemType.__args__  # type: ignore[attr-defined]
QUESTION_TYPES = frozenset(ITEM_TYPES) - {"group", "display"}
Operator = Literal["exists", "=", "!=", ">", "<", ">=", "<="]
OPERATORS: tuple[str, ...] = Operator.__args__  # type: ignore[attr-defined]
ORDERED_TYPES = frozenset({"integer", "decimal", "date", "string", "text"})
ItemControl = Literal["drop-down", "radio-button", "check-box", "help"]
ITEM_CONTROLS: tuple[str, ...] = ItemControl.__args__  # type: ignore[attr-defined]

Mode = Literal["interview", "self-administered", "information-integration"]
MODES: tuple[str, ...] = Mode.__args__  # type: ignore[attr-defined]
LicenceStatus = Literal[
    "open", "free-to-use", "permission-required", "proprietary", "project", "unknown"
]
LICENCE_STATUSES: tuple[str, ...] = LicenceStatus.__args__  # type: ignore[attr-defined]
NEED_DOMAINS: tuple[str, ...] = (
    "housing",
    "food",
    "income-employment",
    "safety",
    "immigration-legal",
    "health-behavioral-health",
    "education",
    "family-relationships",
)

# ---------------------------------------------------------------------------- extension URLs

FHIR_SD = "http://hl7.org/fhir/StructureDefinition/"
SDC_SD = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
TRANSLATION = FHIR_SD + "translation"
VARIABLE = FHIR_SD + "variable"
ITEM_CONTROL = FHIR_SD + "questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
HIDDEN = FHIR_SD + "questionnaire-hidden"
MIN_VALUE = FHIR_SD + "minValue"
MAX_VALUE = FHIR_SD + "maxValue"
MIN_LENGTH = FHIR_SD + "minLength"
REGEX = FHIR_SD + "regex"
ENTRY_FORMAT = FHIR_SD + "entryFormat"
UNIT = FHIR_SD + "questionnaire-unit"
OPTION_PREFIX = FHIR_SD + "questionnaire-optionPrefix"
ENABLE_WHEN_EXPRESSION = SDC_SD + "sdc-questionnaire-enableWhenExpression"
CALCULATED_EXPRESSION = SDC_SD + "sdc-questionnaire-calculatedExpression"
INITIAL_EXPRESSION = SDC_SD + "sdc-questionnaire-initialExpression"
INITIAL_EXPRESSION_CORE = FHIR_SD + "questionnaire-initialExpression"
ANSWER_EXPRESSION = SDC_SD + "sdc-questionnaire-answerExpression"
TARGET_STRUCTURE_MAP = SDC_SD + "sdc-questionnaire-targetStructureMap"

UPSTREAM_SD = "https://upstream.invalid/fhir/StructureDefinition/"
INSTRUMENT = UPSTREAM_SD + "instrument"
RESULT_RULES = UPSTREAM_SD + "result-rules"

ROOT_EXTENSIONS = frozenset({VARIABLE, INSTRUMENT, RESULT_RULES, TARGET_STRUCTURE_MAP})
ITEM_EXTENSIONS = frozenset(
    {
        VARIABLE,
        ITEM_CONTROL,
        HIDDEN,
        MIN_VALUE,
        MAX_VALUE,
        MIN_LENGTH,
        REGEX,
        ENTRY_FORMAT,
        UNIT,
        ENABLE_WHEN_EXPRESSION,
        CALCULATED_EXPRESSION,
        INITIAL_EXPRESSION,
        INITIAL_EXPRESSION_CORE,
        ANSWER_EXPRESSION,
    }
)
OPTION_EXTENSIONS = frozenset({*WEIGHT_URLS, OPTION_PREFIX})
# Extensions a Coding may carry (R4 puts ordinalValue on the Coding itself).
CODING_EXTENSIONS = frozenset(WEIGHT_URLS)
EXPRESSION_EXTENSIONS = {
    ENABLE_WHEN_EXPRESSION: "enableWhenExpression",
    CALCULATED_EXPRESSION: "calculatedExpression",
    INITIAL_EXPRESSION: "initialExpression",
    INITIAL_EXPRESSION_CORE: "initialExpression",
    ANSWER_EXPRESSION: "answerExpression",
}

_ROOT_KEYS = frozenset(
    [
        "resourceType",
        "id",
        "meta",
        "text",
        "language",
        "extension",
        "url",
        "identifier",
        "version",
        "name",
        "title",
        "derivedFrom",
        "status",
        "experimental",
        "subjectType",
        "date",
        "publisher",
        "contact",
        "description",
        "useContext",
        "jurisdiction",
        "purpose",
        "copyright",
        "approvalDate",
        "lastReviewDate",
        "effectivePeriod",
        "code",
        "item",
    ]
)
_ITEM_KEYS = frozenset(
    [
        "id",
        "extension",
        "linkId",
        "definition",
        "code",
        "prefix",
        "text",
        "type",
        "enableWhen",
        "enableBehavior",
        "required",
        "repeats",
        "readOnly",
        "maxLength",
        "answerOption",
        "initial",
        "item",
    ]
)
_TEXT_KEYS = {
    "_text": "text",
    "_prefix": "prefix",
    "_title": "title",
    "_description": "description",
}

# ---------------------------------------------------------------------------- the model


@dataclass(frozen=True, slots=True)
class Coding:
    system: str | None
    code: str
    display: str | None = None

    def matches(self, other: Coding) -> bool:
        """Same code, and the same system when both name one (display never counts)."""
        if self.code != other.code:
            return False
        return self.system is None or other.system is None or self.system == other.system

    def as_fhir(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.system:
            out["system"] = self.system
        out["code"] = self.code
        if self.display:
            out["display"] = self.display
        return out


AnswerValue = bool | int | Decimal | str | date | Coding


@dataclass(frozen=True, slots=True)
class Text:
    """A text in the instrument's own language and its translations (``lang`` → content)."""

    base: str | None = None
    translations: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.base or self.translations)

    def has(self, language: str | None) -> bool:
        return language is None or _lang_key(language, self.translations) is not None

    def get(self, language: str | None = None) -> str | None:
        """The text in ``language`` (``es`` matches ``es-MX``), else the base text."""
        if language:
            key = _lang_key(language, self.translations)
            if key is not None:
                return self.translations[key]
        return self.base


def _lang_key(language: str, translations: Mapping[str, str]) -> str | None:
    if language in translations:
        return language
    primary = language.split("-")[0].lower()
    for key in translations:
        if key.split("-")[0].lower() == primary:
            return key
    return None


@dataclass(frozen=True, slots=True)
class AnswerOption:
    value: AnswerValue
    display: Text = Text()
    prefix: Text = Text()
    weight: Decimal | None = None
    initial_selected: bool = False


@dataclass(frozen=True, slots=True)
class EnableWhen:
    question: str
    operator: Operator
    answer: AnswerValue


@dataclass(frozen=True, slots=True)
class Item:
    link_id: str
    type: ItemType
    text: Text = Text()
    prefix: Text = Text()
    parent: str | None = None
    depth: int = 0
    required: bool = False
    repeats: bool = False
    read_only: bool = False
    hidden: bool = False
    control: ItemControl | None = None
    max_length: int | None = None
    min_length: int | None = None
    min_value: int | Decimal | date | None = None
    max_value: int | Decimal | date | None = None
    regex: re.Pattern[str] | None = None
    entry_format: Text = Text()
    unit: str | None = None
    options: tuple[AnswerOption, ...] = ()
    initial: tuple[AnswerValue, ...] = ()
    enable_when: tuple[EnableWhen, ...] = ()
    enable_behavior: Literal["all", "any"] = "all"
    enable_when_expression: Expression | None = None
    variables: tuple[Expression, ...] = ()
    calculated_expression: Expression | None = None
    initial_expression: Expression | None = None
    answer_expression: Expression | None = None
    children: tuple[str, ...] = ()
    codes: tuple[Coding, ...] = ()

    @property
    def is_question(self) -> bool:
        return self.type in QUESTION_TYPES

    @property
    def is_computed(self) -> bool:
        """The server sets the answer: a calculation, or a read-only or hidden initial value."""
        return self.calculated_expression is not None or self.read_only or self.hidden

    def option_for(self, value: AnswerValue) -> AnswerOption | None:
        for option in self.options:
            if same_value(option.value, value):
                return option
        return None


def same_value(a: AnswerValue, b: AnswerValue) -> bool:
    """FHIR equality of two answer values: Codings by system and code, numbers by value."""
    if isinstance(a, Coding) or isinstance(b, Coding):
        return isinstance(a, Coding) and isinstance(b, Coding) and a.matches(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    if isinstance(a, int | Decimal) and isinstance(b, int | Decimal):
        return Decimal(a) == Decimal(b)
    return type(a) is type(b) and a == b


@dataclass(frozen=True, slots=True)
class Licence:
    status: LicenceStatus = "unknown"
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Accuracy:
    """Published accuracy of an instrument, as reported by its study."""

    sensitivity: Decimal | None = None
    specificity: Decimal | None = None
    population: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Level:
    code: str
    min_score: Decimal
    label: Text = Text()


@dataclass(frozen=True, slots=True)
class NeedRule:
    domain: str
    item: str
    answers: tuple[AnswerValue, ...] = ()


@dataclass(frozen=True, slots=True)
class ResultRules:
    """How a completed screening becomes a result: score → level, answers → need domains.

    The score is the sum of the weights of the answers given (``score_item`` unset) or the value
    of one item, typically a ``calculatedExpression``.
    """

    score_item: str | None = None
    levels: tuple[Level, ...] = ()
    needs: tuple[NeedRule, ...] = ()


@dataclass(frozen=True, slots=True)
class Instrument:
    url: str
    version: str | None
    name: str | None
    title: Text
    status: str
    language: str | None
    languages: tuple[str, ...]
    mode: Mode | None
    licence: Licence
    training_required: bool | None
    accuracy: tuple[Accuracy, ...]
    validated: bool | None
    items: Mapping[str, Item]
    top: tuple[str, ...]
    variables: tuple[Expression, ...]
    rules: ResultRules
    resource: Mapping[str, Any] = field(repr=False)
    weighted_resource: Mapping[str, Any] = field(repr=False)
    raw_items: Mapping[str, Mapping[str, Any]] = field(repr=False, default_factory=dict)

    @property
    def canonical(self) -> str:
        """``url|version``, as a QuestionnaireResponse names its Questionnaire."""
        return f"{self.url}|{self.version}" if self.version else self.url

    @property
    def has_expressions(self) -> bool:
        return bool(self.variables) or any(
            i.variables
            or i.enable_when_expression
            or i.calculated_expression
            or i.answer_expression
            for i in self.items.values()
        )

    def walk(self) -> Iterator[Item]:
        """Every item in document order."""
        return iter(self.items.values())

    def item_path(self, link_id: str) -> tuple[str, ...]:
        path: list[str] = []
        current: str | None = link_id
        while current is not None:
            path.append(current)
            current = self.items[current].parent
        return tuple(reversed(path))


# ---------------------------------------------------------------------------- parsing


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


class _Reader:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.problems: list[Problem] = []
        self.items: dict[str, Item] = {}
        self.raw_items: dict[str, tuple[Mapping[str, Any], JsonPath]] = {}
        self.languages: set[str] = set()

    def refuse(self, path: JsonPath, link_id: str | None, feature: str, message: str) -> None:
        self.problems.append(_problem(path, link_id, feature, message))

    # ---- the document

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

    def _modifiers(self, node: object, path: JsonPath, link_id: str | None = None) -> None:
        """A ``modifierExtension`` anywhere changes meaning Upstream cannot know: refuse it."""
        if isinstance(node, Mapping):
            if isinstance(node.get("linkId"), str):
                link_id = node["linkId"]
            for key, value in node.items():
                if key in ("modifierExtension", "implicitRules") and path:
                    self.refuse((*path, key), link_id, key, "modifier elements are not supported")
                self._modifiers(value, (*path, key), link_id)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                self._modifiers(value, (*path, i), link_id)

    # ---- texts

    def _text(self, node: Mapping[str, Any], key: str, path: JsonPath, link_id: str | None) -> Text:
        base = node.get(key)
        shadow = node.get(f"_{key}")
        translations: dict[str, str] = {}
        if isinstance(shadow, Mapping):
            for i, ext in enumerate(shadow.get("extension") or ()):
                where = (*path, f"_{key}", "extension", i)
                if ext.get("url") != TRANSLATION:
                    self.refuse(
                        where, link_id, f"_{key}", f"extension {ext.get('url')!r} is not supported"
                    )
                    continue
                parts = {e.get("url"): e for e in ext.get("extension") or ()}
                lang = (parts.get("lang") or {}).get("valueCode")
                content = (parts.get("content") or {}).get("valueString")
                if not lang or not isinstance(content, str):
                    self.refuse(
                        where, link_id, "translation", "needs a 'lang' code and a 'content' string"
                    )
                    continue
                translations[lang] = content
                self.languages.add(lang)
        return Text(base if isinstance(base, str) else None, translations)

    # ---- expressions

    def _expression(
        self,
        ext: Mapping[str, Any],
        path: JsonPath,
        link_id: str | None,
        feature: str,
        scope: set[str],
    ) -> Expression | None:
        value = ext.get("valueExpression")
        if not isinstance(value, Mapping):
            self.refuse(path, link_id, feature, "needs a valueExpression")
            return None
        language = value.get("language")
        if language != "text/fhirpath":
            self.refuse(
                path,
                link_id,
                feature,
                f"language {language!r} is not supported (use text/fhirpath)",
            )
            return None
        text = value.get("expression")
        if not isinstance(text, str):
            self.refuse(
                path, link_id, feature, "needs an expression (a reference is not supported)"
            )
            return None
        try:
            expression = Expression.compile(
                text, name=value.get("name") if feature == "variable" else None
            )
        except ExpressionSyntaxError as exc:
            self.refuse(path, link_id, feature, f"the FHIRPath {text!r} does not parse ({exc})")
            return None
        unknown = sorted(expression.reads - scope - RESERVED_NAMES)
        if unknown:
            names = ", ".join(f"%{n}" for n in unknown)
            self.refuse(
                path,
                link_id,
                feature,
                f"{text!r} reads {names}, which no variable in scope defines",
            )
            return None
        return expression

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
