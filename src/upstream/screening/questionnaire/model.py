"""The supported Questionnaire subset and the immutable instrument read from one."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from upstream.screening.expressions import (
    WEIGHT_URLS,
    Expression,
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
