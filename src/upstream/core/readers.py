"""Reading what users give us: bounded in size, strictly decoded, YAML without aliases.

Every importer reads its file through here, so a hostile file (too big, not UTF-8, NUL bytes, a
YAML alias bomb, JSON nested ten thousand deep, an integer of a million digits) becomes a
:class:`~upstream.core.problems.DataError` with its location, never a traceback or an exhausted
machine.

* :func:`read_bytes` refuses files over a size limit (``MAX_DOCUMENT_BYTES`` for YAML and JSON,
  ``MAX_TABLE_BYTES`` for CSV) before reading them whole; :func:`read_stream` does the same for
  an open file (a browser upload).
* :func:`decode_text` accepts UTF-8 (with or without a byte-order mark) and refuses control
  characters other than tab, line feed and carriage return, naming the line.
* :func:`yaml_compose` / :func:`yaml_load` read YAML with only JSON's types (mappings, lists,
  text, numbers, booleans, null): anchors and aliases, tags such as ``!!binary`` and nesting
  deeper than :data:`MAX_DEPTH` are refused. Dates stay text, so a schema checks their format.
* :func:`json_load` reads JSON, refusing ``NaN``/``Infinity`` and deep nesting.
"""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path
from typing import Any, BinaryIO

import yaml
from django.conf import settings

from upstream.core.problems import DataError, Problem

MAX_DEPTH = 64
"""Deepest nesting of lists and mappings a YAML or JSON document may have."""

MAX_REPORTED = 10

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def document_limit() -> int:
    return int(settings.MAX_DOCUMENT_BYTES)


def table_limit() -> int:
    return int(settings.MAX_TABLE_BYTES)


def _refuse(message: str, *, file: str | None, line: int | None = None) -> DataError:
    return DataError([Problem(message, file=file, line=line)], source=file or "")


def read_bytes(path: Path, *, limit: int, file: str | None = None) -> bytes:
    """The bytes of ``path``, refusing files larger than ``limit`` (and unreadable ones)."""
    name = file if file is not None else str(path)
    try:
        with path.open("rb") as handle:
            return read_stream(handle, limit=limit, file=name)
    except IsADirectoryError:
        raise _refuse("cannot read: it is a folder, not a file", file=name) from None
    except OSError as exc:
        raise _refuse(f"cannot read: {exc.strerror or exc}", file=name) from None


def read_stream(handle: BinaryIO, *, limit: int, file: str | None = None) -> bytes:
    """The bytes of an open file (an upload, say), refusing more than ``limit`` of them."""
    return within_limit(handle.read(limit + 1), limit=limit, file=file)


def within_limit(data: bytes, *, limit: int, file: str | None = None) -> bytes:
    """``data``, or a DataError if there is more than ``limit`` bytes of it."""
    if len(data) > limit:
        raise _refuse(
            f"the file is larger than {limit:,} bytes, the most an import accepts "
            "(split it, or raise the limit: see the configuration reference)",
            file=file,
        )
    return data


def _line_at(text: str | bytes, offset: int) -> int:
    newline = "\n" if isinstance(text, str) else b"\n"
    return text[:offset].count(newline) + 1  # type: ignore[arg-type]


def decode_text(data: bytes, *, file: str | None = None) -> str:
    """UTF-8 text (a leading byte-order mark is dropped) without control characters."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _refuse("the file is UTF-16; save it as UTF-8", file=file, line=1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = _line_at(data, exc.start)
        raise _refuse(
            f"not UTF-8 text (byte {exc.start + 1} cannot be read); save the file as UTF-8",
            file=file,
            line=line,
        ) from None
    if "\ufeff" in text:
        line = _line_at(text, text.index("\ufeff"))
        raise _refuse("a byte-order mark in the middle of the file", file=file, line=line)
    problems: list[Problem] = []
    for match in _CONTROL.finditer(text):
        if len(problems) == MAX_REPORTED:
            problems.append(Problem("more control characters follow", file=file))
            break
        problems.append(
            Problem(
                f"control character U+{ord(match.group()):04X} is not allowed in text",
                file=file,
                line=_line_at(text, match.start()),
            )
        )
    if problems:
        raise DataError(problems, source=file or "")
    return text


def read_text(path: Path, *, limit: int, file: str | None = None) -> str:
    """:func:`read_bytes` then :func:`decode_text`."""
    name = file if file is not None else str(path)
    return decode_text(read_bytes(path, limit=limit, file=name), file=name)


# --- YAML --------------------------------------------------------------------------------------


class _JsonYamlLoader(yaml.SafeLoader):
    """A SafeLoader that builds only JSON values and refuses anchors, aliases and deep nesting."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    yaml_constructors = {
        tag: constructor
        for tag, constructor in yaml.SafeLoader.yaml_constructors.items()
        if tag
        in {
            "tag:yaml.org,2002:null",
            "tag:yaml.org,2002:bool",
            "tag:yaml.org,2002:int",
            "tag:yaml.org,2002:float",
            "tag:yaml.org,2002:str",
            "tag:yaml.org,2002:seq",
            "tag:yaml.org,2002:map",
            None,
        }
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(
                None,
                None,
                "anchors and aliases (&name, *name) are not accepted; write the value out",
                event.start_mark,
            )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _PlainDumper(yaml.SafeDumper):
    """Writes every value out in full: no anchors or aliases, which the loader refuses."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def yaml_text(value: Any) -> str:
    """``value`` as YAML that :func:`yaml_load` reads back (keys in order, Unicode as is)."""
    return yaml.dump(value, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=100)


def _yaml_problem(exc: yaml.YAMLError, file: str | None) -> Problem:
    line = None
    message = str(exc)
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = str(exc.problem or exc.context or exc)
        if exc.context and exc.problem:
            message = f"{exc.problem} ({exc.context})"
    elif isinstance(exc, yaml.reader.ReaderError):
        message = f"character {exc.character!r} is not allowed"
    return Problem(f"invalid YAML: {message}", file=file, line=line)


def yaml_compose(text: str, *, file: str | None = None) -> tuple[yaml.Node | None, _JsonYamlLoader]:
    """The YAML node tree of one document (``None`` if empty) and the loader that can build it.

    Raises DataError (with the line) for invalid YAML, anchors, aliases or deep nesting.
    """
    loader = _JsonYamlLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise DataError([_yaml_problem(exc, file)], source=file or "") from None
    except RecursionError:
        raise _refuse("invalid YAML: nested too deeply", file=file) from None
    finally:
        loader.dispose()
    return node, loader


def yaml_construct(loader: _JsonYamlLoader, node: yaml.Node, *, file: str | None = None) -> Any:
    """The value of one node: JSON types only; unknown tags and unreadable numbers refused."""
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise DataError([_yaml_problem(exc, file)], source=file or "") from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        line = node.start_mark.line + 1
        raise _refuse(f"invalid YAML value: {exc}", file=file, line=line) from None


def yaml_load(text: str, *, file: str | None = None) -> Any:
    """One YAML document as JSON values (``None`` if empty); see :func:`yaml_compose`."""
    node, loader = yaml_compose(text, file=file)
    if node is None:
        return None
    return yaml_construct(loader, node, file=file)


# --- JSON --------------------------------------------------------------------------------------


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _depth(value: Any) -> int:
    depth, level = 0, [value]
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            return depth
        nxt: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                nxt.extend(item.values())
            elif isinstance(item, list):
                nxt.extend(item)
        level = nxt
    return depth - 1


def json_load(text: str, *, file: str | None = None) -> Any:
    """One JSON document; invalid JSON, ``NaN``, huge integers and deep nesting are refused."""
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        message = f"invalid JSON: {exc.msg} (column {exc.colno})"
        raise _refuse(message, file=file, line=exc.lineno) from None
    except RecursionError:
        message = f"invalid JSON: nested more than {MAX_DEPTH} levels deep"
        raise _refuse(message, file=file) from None
    except ValueError as exc:
        raise _refuse(f"invalid JSON: {exc}", file=file) from None
    if _depth(value) > MAX_DEPTH:
        raise _refuse(f"invalid JSON: nested more than {MAX_DEPTH} levels deep", file=file)
    return value


def read_yaml(path: Path, *, file: str | None = None) -> Any:
    """A bounded, UTF-8 YAML file as JSON values; see :func:`yaml_load`."""
    name = file if file is not None else str(path)
    return yaml_load(read_text(path, limit=document_limit(), file=name), file=name)


def read_json(path: Path, *, file: str | None = None) -> Any:
    """A bounded, UTF-8 JSON file; see :func:`json_load`."""
    name = file if file is not None else str(path)
    return json_load(read_text(path, limit=document_limit(), file=name), file=name)
