"""FHIRPath for instruments: strict parsing, compiling once, and the SDC ``weight()`` function.

``fhirpathpy`` recovers from syntax errors silently (``item.where(`` compiles and quietly
evaluates to something), so an expression is parsed here with a listener that raises on the
first syntax error and a check that the whole text was read. Only then is it compiled, once,
into a function that is reused for every answer set.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from antlr4 import CommonTokenStream, InputStream, Token  # type: ignore[import-untyped]
from antlr4.error.ErrorListener import ErrorListener  # type: ignore[import-untyped]
from antlr4.tree.Tree import ParseTreeWalker  # type: ignore[import-untyped]
from fhirpathpy import apply_parsed_path
from fhirpathpy.engine.invocations import (
    invocation_registry as _builtin_functions,
)
from fhirpathpy.engine.util import set_paths
from fhirpathpy.models import models
from fhirpathpy.parser.ASTPathListener import ASTPathListener
from fhirpathpy.parser.generated.FHIRPathLexer import (
    FHIRPathLexer,
)
from fhirpathpy.parser.generated.FHIRPathParser import (
    FHIRPathParser,
)

ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ORDINAL_VALUE_STU3 = "http://hl7.org/fhir/StructureDefinition/questionnaire-ordinalValue"
WEIGHT_URLS = (ITEM_WEIGHT, ORDINAL_VALUE, ORDINAL_VALUE_STU3)

# Names the engine supplies; an instrument's own variable may not take one of them.
RESERVED_NAMES = frozenset(
    {"resource", "rootResource", "questionnaire", "qitem", "context", "ucum", "sct", "loinc"}
)

_MODEL = models["r4"]
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'")
_FUNCTION = re.compile(r"(?<![A-Za-z0-9_%`])([A-Za-z_][A-Za-z0-9_]*)\s*\(")
_VARIABLE = re.compile(r"%(?:([A-Za-z_][A-Za-z0-9_]*)|`([^`]*)`)")


class ExpressionSyntaxError(ValueError):
    """The text is not a FHIRPath expression."""


class ExpressionFailed(ValueError):
    """A FHIRPath expression could not be evaluated on an answer set."""


class _Raise(ErrorListener):
    def syntaxError(
        self, recognizer: object, offending: object, line: int, column: int, msg: str, e: object
    ) -> None:
        raise ExpressionSyntaxError(f"column {column + 1}: {msg}")


def parse_fhirpath(text: str) -> dict[str, Any]:
    """The fhirpathpy syntax tree of ``text``; :class:`ExpressionSyntaxError` if it is not valid."""
    if not text.strip():
        raise ExpressionSyntaxError("the expression is empty")
    lexer = FHIRPathLexer(InputStream(text))
    lexer.removeErrorListeners()
    lexer.addErrorListener(_Raise())
    tokens = CommonTokenStream(lexer)
    parser = FHIRPathParser(tokens)
    parser.removeErrorListeners()
    parser.addErrorListener(_Raise())
    listener = ASTPathListener()  # type: ignore[no-untyped-call]
    try:
        tree = parser.expression()
    except ExpressionSyntaxError:
        raise
    except Exception as exc:  # ANTLR raises its own recognition errors
        raise ExpressionSyntaxError(str(exc) or type(exc).__name__) from exc
    following = tokens.LT(1)
    if following is not None and following.type != Token.EOF:
        raise ExpressionSyntaxError(
            f"column {following.column + 1}: unexpected {following.text!r} after the expression"
        )
    unknown = sorted(functions_used(text) - KNOWN_FUNCTIONS)
    if unknown:
        raise ExpressionSyntaxError(f"unknown function {unknown[0]}()")
    ParseTreeWalker().walk(listener, tree)
    return listener.parentStack[0]


def variables_used(text: str) -> frozenset[str]:
    """The ``%names`` an expression reads (string literals are skipped)."""
    bare = _STRING.sub("''", text)
    return frozenset(m.group(1) or m.group(2) for m in _VARIABLE.finditer(bare))


def functions_used(text: str) -> frozenset[str]:
    """The function names an expression calls (string literals are skipped)."""
    bare = _STRING.sub("''", text)
    return frozenset(m.group(1) for m in _FUNCTION.finditer(bare)) - _KEYWORDS


_KEYWORDS = frozenset({"and", "or", "xor", "implies", "is", "as", "in", "contains", "div", "mod"})


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return Decimal(str(value))


def weight_of(value: object) -> Decimal | None:
    """The weight on a Coding (or an answer): ``itemWeight`` or either ``ordinalValue``."""
    if not isinstance(value, Mapping):
        return None
    for url in WEIGHT_URLS:
        for ext in value.get("extension") or ():
            if isinstance(ext, Mapping) and ext.get("url") == url:
                found = _number(ext.get("valueDecimal", ext.get("valueInteger")))
                if found is not None:
                    return found
    return None


def _weight(inputs: Sequence[object]) -> list[float | int]:
    out: list[float | int] = []
    for value in inputs:
        found = weight_of(value)
        if found is not None:
            out.append(int(found) if found == found.to_integral_value() else float(found))
    return out


KNOWN_FUNCTIONS = frozenset(_builtin_functions) | {"weight"}
_OPTIONS = {"userInvocationTable": {"weight": {"fn": _weight, "arity": {0: []}}}}


@dataclass(frozen=True, slots=True)
class Expression:
    """One FHIRPath expression of an instrument, parsed and compiled once.

    ``name`` is set for a ``variable``; ``reads`` are the ``%variables`` it uses.
    """

    text: str
    name: str | None = None
    reads: frozenset[str] = frozenset()
    _compiled: Callable[..., list[Any]] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def compile(cls, text: str, *, name: str | None = None) -> Expression:
        tree = parse_fhirpath(text)
        fn = set_paths(  # type: ignore[no-untyped-call]
            apply_parsed_path, parsedPath=tree, model=_MODEL, options=_OPTIONS
        )
        return cls(text=text, name=name, reads=variables_used(text), _compiled=fn)

    def evaluate(
        self, focus: object, variables: Mapping[str, object], *, cached: bool = True
    ) -> list[Any]:
        """The result on ``focus``; ``cached=False`` parses the text again (for benchmarks)."""
        try:
            if cached and self._compiled is not None:
                return self._compiled(focus, dict(variables))
            tree = parse_fhirpath(self.text)
            result: list[Any] = apply_parsed_path(  # type: ignore[no-untyped-call]
                focus, tree, dict(variables), _MODEL, _OPTIONS
            )
            return result
        except ExpressionSyntaxError:
            raise
        except Exception as exc:  # fhirpathpy raises bare ValueError/TypeError/Exception
            raise ExpressionFailed(f"{self.text!r} failed: {exc}") from exc
