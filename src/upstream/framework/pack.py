"""Framework packs: parse a YAML file, validate it, report every problem with its location.

A pack goes through ``parse`` (YAML with line numbers, duplicate keys refused) and ``validate``
(the JSON Schema in ``pack.schema.json``, then cross-references such as an activity's strategy).
Both collect every problem instead of stopping at the first, so an author fixes a pack in one pass.
Writing to the database is ``services.framework_load``; nothing here touches it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jsonschema import Draft202012Validator, FormatChecker

from upstream.core.problems import DataError, JsonPath, Problem, shown
from upstream.core.readers import document_limit, read_text, yaml_compose, yaml_text
from upstream.core.vocabularies import SECTORS

SCHEMA_PATH = Path(__file__).with_name("pack.schema.json")
PACK_FORMAT = "upstream-framework-pack/1"

PackError = DataError
"""The name framework code has always used for :class:`~upstream.core.problems.DataError`."""


def PackProblem(file: str, line: int | None, path: JsonPath, message: str) -> Problem:
    """A problem at ``path`` (and ``line``) of the pack ``file``."""
    return Problem(message, file=file, line=line, path=path)


@dataclass
class Pack:
    file: str
    data: dict[str, Any]
    lines: dict[JsonPath, int] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return str(self.data["framework"]["slug"])

    @property
    def version(self) -> str:
        return str(self.data["framework"]["version"])

    @property
    def content_hash(self) -> str:
        return content_hash(self.data)

    def line_of(self, path: JsonPath) -> int | None:
        """The line of the nearest node to ``path`` that has one."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), None)


def content_hash(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- parse -------------------------------------------------------------------------------------


def _scalar(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    # Only JSON's types are built (dates stay text: the schema checks their format).
    return loader.construct_object(node, deep=True)


def _build(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: JsonPath,
    lines: dict[JsonPath, int],
    problems: list[Problem],
    file: str,
) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(loader, key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                problems.append(
                    PackProblem(file, key_node.start_mark.line + 1, path, _("keys must be text"))
                )
                continue
            if key in result:
                problems.append(
                    PackProblem(
                        file,
                        key_node.start_mark.line + 1,
                        (*path, key),
                        _("duplicate key %(key)s (first at line %(line)d)")
                        % {"key": repr(key), "line": lines[(*path, key)]},
                    )
                )
                continue
            result[key] = _build(loader, value_node, (*path, key), lines, problems, file)
            # A block mapping or list starts on the line after its key: point at the key.
            lines[(*path, key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(loader, item, (*path, index), lines, problems, file)
            for index, item in enumerate(node.value)
        ]
    if not isinstance(node, yaml.ScalarNode):
        raise yaml.YAMLError(f"unsupported YAML node at line {node.start_mark.line + 1}")
    return _scalar(loader, node)


def parse_text(text: str, *, file: str) -> Pack:
    """Parse pack YAML. Raises PackError for invalid YAML, aliases or duplicate keys."""
    node, loader = yaml_compose(text, file=file)
    if node is None:
        raise PackError([PackProblem(file, 1, (), _("the file is empty"))])
    lines: dict[JsonPath, int] = {}
    problems: list[Problem] = []
    try:
        data = _build(loader, node, (), lines, problems, file)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        message = getattr(exc, "problem", None) or exc
        text = _("invalid YAML: %(error)s") % {"error": message}
        raise PackError([PackProblem(file, line, (), text)]) from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        text = _("invalid YAML value: %(error)s") % {"error": exc}
        raise PackError([PackProblem(file, None, (), text)]) from None
    if problems:
        raise PackError(problems)
    if not isinstance(data, dict):
        raise PackError([PackProblem(file, 1, (), _("a pack must be a mapping at the top level"))])
    return Pack(file=file, data=data, lines=lines)


def parse_file(path: Path) -> Pack:
    """Parse the pack at ``path``: at most ``MAX_DOCUMENT_BYTES``, UTF-8 text."""
    text = read_text(path, limit=document_limit(), file=str(path))
    return parse_text(text, file=str(path))


# --- validate ----------------------------------------------------------------------------------


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def languages() -> tuple[str, ...]:
    """The languages a pack may carry translations in (English, the source, is not one)."""
    return tuple(schema()["$defs"]["language"]["enum"])


def translatable_fields(kind: str) -> tuple[str, ...]:
    """The fields of an item of ``kind`` ("strategy", "practice", "framework"…) that translate."""
    definition = schema()["$defs"][f"{kind}_translations"]["additionalProperties"]
    return tuple(definition["properties"])


def _schema_problems(pack: Pack) -> Iterator[Problem]:
    validator = Draft202012Validator(schema(), format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(pack.data), key=lambda e: list(map(str, e.path)))
    for error in errors:
        path: JsonPath = tuple(error.absolute_path)
        message = error.message
        if isinstance(error.instance, str) and len(error.instance) > 60:
            message = message.replace(repr(error.instance), shown(error.instance))
        if "propertyNames" in error.absolute_schema_path:
            # A language code that is not offered: point at the key itself.
            path = (*path, str(error.instance))
            supported = ", ".join(languages())
            message = _("unknown language %(language)s (supported: %(supported)s)") % {
                "language": repr(error.instance),
                "supported": supported,
            }
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = error.schema.get("properties", {})
            for name in [k for k in error.instance if k not in known]:
                at: JsonPath = (*path, name)
                if name == "translations":
                    text = _("unknown field 'translations': only framework items are translated")
                elif "translations" in path:
                    fields = ", ".join(known)
                    text = _(
                        "unknown field %(field)s: the translatable fields here are %(fields)s"
                    ) % {"field": repr(name), "fields": fields}
                else:
                    text = _("unknown field %(field)s") % {"field": repr(name)}
                yield PackProblem(pack.file, pack.line_of(at), at, text)
            continue
        yield PackProblem(pack.file, pack.line_of(path), path, message)


_COLLECTIONS = ("principles", "levels", "tiers", "strategies", "activities", "outcomes")
_OPTIONAL_COLLECTIONS = ("factors", "definitions")


def _items(data: dict[str, Any], kind: str) -> list[tuple[int, dict[str, Any]]]:
    values = data.get(kind)
    if not isinstance(values, list):
        return []
    return [(i, item) for i, item in enumerate(values) if isinstance(item, dict)]


_UNKNOWN = {
    "tier": gettext_lazy("unknown tier %(value)s"),
    "level": gettext_lazy("unknown level %(value)s"),
    "strategy": gettext_lazy("unknown strategy %(value)s"),
    "definition": gettext_lazy("unknown definition %(value)s"),
}


def _reference_problems(pack: Pack) -> Iterator[Problem]:
    data = pack.data
    keys: dict[str, set[str]] = {}
    for kind in (*_COLLECTIONS, *_OPTIONAL_COLLECTIONS):
        seen: dict[str, int] = {}
        for index, item in _items(data, kind):
            key = item.get("key")
            if not isinstance(key, str):
                continue
            if key in seen:
                path: JsonPath = (kind, index, "key")
                yield PackProblem(
                    pack.file,
                    pack.line_of(path),
                    path,
                    _("duplicate %(kind)s key %(key)s (first at %(kind)s[%(index)d])")
                    % {"kind": kind, "key": repr(key), "index": seen[key]},
                )
            else:
                seen[key] = index
        keys[kind] = set(seen)

    def check(path: JsonPath, value: Any, kind: str, noun: str) -> Iterator[Problem]:
        if isinstance(value, str) and value not in keys[kind]:
            yield PackProblem(
                pack.file, pack.line_of(path), path, str(_UNKNOWN[noun]) % {"value": repr(value)}
            )

    def check_list(path: JsonPath, values: Any, kind: str, noun: str) -> Iterator[Problem]:
        if isinstance(values, list):
            for i, value in enumerate(values):
                yield from check((*path, i), value, kind, noun)

    framework = data.get("framework")
    if isinstance(framework, dict):
        for index, aim in enumerate(framework.get("aims") or []):
            if isinstance(aim, dict):
                yield from check_list(
                    ("framework", "aims", index, "tiers"), aim.get("tiers"), "tiers", "tier"
                )
    for index, item in _items(data, "strategies"):
        base: JsonPath = ("strategies", index)
        yield from check_list((*base, "levels"), item.get("levels"), "levels", "level")
        yield from check_list((*base, "tiers"), item.get("tiers"), "tiers", "tier")
        for i, sector in enumerate(item.get("sectors") or []):
            if isinstance(sector, str) and sector not in SECTORS:
                path = (*base, "sectors", i)
                message = _("unknown sector %(value)s") % {"value": repr(sector)}
                yield PackProblem(pack.file, pack.line_of(path), path, message)
    for kind in ("activities", "outcomes"):
        for index, item in _items(data, kind):
            base = (kind, index)
            yield from check((*base, "strategy"), item.get("strategy"), "strategies", "strategy")
            if kind == "activities":
                yield from check((*base, "level"), item.get("level"), "levels", "level")
                yield from check((*base, "tier"), item.get("tier"), "tiers", "tier")
    for index, item in _items(data, "factors"):
        base = ("factors", index)
        yield from check((*base, "level"), item.get("level"), "levels", "level")
        yield from check_list(
            (*base, "strategies"), item.get("strategies"), "strategies", "strategy"
        )
    for index, item in _items(data, "definitions"):
        yield from check_list(
            ("definitions", index, "see_also"), item.get("see_also"), "definitions", "definition"
        )


_KIND_OF = {
    "principles": "principle",
    "levels": "level",
    "tiers": "tier",
    "strategies": "strategy",
    "activities": "activity",
    "outcomes": "outcome",
    "factors": "factor",
    "definitions": "definition",
}


def translated_items(data: dict[str, Any]) -> Iterator[tuple[str, JsonPath, dict[str, Any]]]:
    """Every translatable item of a pack document: its kind, its path and the item itself."""
    framework = data.get("framework")
    if isinstance(framework, dict):
        yield "framework", ("framework",), framework
        for index, aim in enumerate(framework.get("aims") or []):
            if isinstance(aim, dict):
                yield "aim", ("framework", "aims", index), aim
    for collection, kind in _KIND_OF.items():
        for index, item in _items(data, collection):
            yield kind, (collection, index), item
            if kind == "principle":
                for i, practice in enumerate(item.get("practices") or []):
                    if isinstance(practice, dict):
                        yield "practice", (collection, index, "practices", i), practice


def _translation_problems(pack: Pack) -> Iterator[Problem]:
    sources = pack.data.get("translation_sources")
    credited = set(sources) if isinstance(sources, dict) else set()
    reported: set[str] = set()
    for kind, base, item in translated_items(pack.data):
        translations = item.get("translations")
        if not isinstance(translations, dict):
            continue
        for language, fields in translations.items():
            if language not in credited and language not in reported and language in languages():
                reported.add(language)
                path: JsonPath = (*base, "translations", language)
                yield PackProblem(
                    pack.file,
                    pack.line_of(path),
                    path,
                    _(
                        "translation into %(language)s but translation_sources does not say "
                        "who made it"
                    )
                    % {"language": repr(language)},
                )
            if not isinstance(fields, dict):
                continue
            for name, value in fields.items():
                path = (*base, "translations", language, name)
                if name not in translatable_fields(kind):
                    continue  # reported by the schema
                english = item.get(name)
                if english in (None, "", []):
                    yield PackProblem(
                        pack.file,
                        pack.line_of(path),
                        path,
                        _(
                            "unknown field %(field)s: this item has no English %(field)s to "
                            "translate"
                        )
                        % {"field": repr(name)},
                    )
                elif (
                    isinstance(english, list)
                    and isinstance(value, list)
                    and len(english) != len(value)
                ):
                    yield PackProblem(
                        pack.file,
                        pack.line_of(path),
                        path,
                        _(
                            "%(translated)d translated %(field)s for %(english)d in English; "
                            "translate each one, in the same order"
                        )
                        % {"translated": len(value), "field": name, "english": len(english)},
                    )


def validate(pack: Pack) -> list[Problem]:
    """Every problem with the pack; an empty list means it can be loaded."""
    problems = list(_schema_problems(pack))
    problems.extend(_reference_problems(pack))
    problems.extend(_translation_problems(pack))
    return problems


def load_valid(path: Path) -> Pack:
    """Parse and validate, raising PackError with every problem."""
    pack = parse_file(path)
    problems = validate(pack)
    if problems:
        raise PackError(problems)
    return pack


def pack_text(document: dict[str, Any], fmt: str) -> tuple[str, str]:
    """A pack document as YAML or JSON text, with its media type."""
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n", "application/json"
    if fmt == "yaml":
        return yaml_text(document), "application/yaml"
    raise ValueError(f"unknown pack format {fmt!r}")


def resolve_pack_path(name_or_path: str, pack_dir: Path) -> Path:
    """A path as given, or the name of a pack shipped with Upstream (``hhs-2024``)."""
    candidate = Path(name_or_path)
    if candidate.exists() or candidate.suffix in (".yaml", ".yml"):
        return candidate
    return pack_dir / f"{name_or_path}.yaml"


def shipped_packs(pack_dir: Path) -> list[Path]:
    return sorted(pack_dir.glob("*.yaml"))
