"""The reader's shared state and primitives: refusals, modifier extensions, texts, expressions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from upstream.core.problems import JsonPath, Problem
from upstream.screening.expressions import (
    RESERVED_NAMES,
    Expression,
    ExpressionSyntaxError,
)
from upstream.screening.questionnaire.model import TRANSLATION, Item, Text
from upstream.screening.questionnaire.support import _problem


class _ReaderBase:
    """What every part of the reader shares: the document, problems, texts, expressions."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.problems: list[Problem] = []
        self.items: dict[str, Item] = {}
        self.raw_items: dict[str, tuple[Mapping[str, Any], JsonPath]] = {}
        self.languages: set[str] = set()

    def refuse(self, path: JsonPath, link_id: str | None, feature: str, message: str) -> None:
        self.problems.append(_problem(path, link_id, feature, message))

    # ---- the document

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
