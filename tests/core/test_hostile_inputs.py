"""Every importer turns a hostile file into located problems, never a traceback, and writes nothing.

The corpus: Unicode digits (superscript, Arabic-Indic, full-width) where a number or code belongs,
NUL bytes, an overlong cell and an overlong line, binary garbage, an empty file, a byte-order mark
followed by garbage, Latin-1 and UTF-16 bytes, UTF-8 mixed with Latin-1, and files over the size
bound; for YAML and JSON also alias bombs, deep nesting, huge integers, tags and ``NaN``. Each goes
to each importer directly and through its command.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import override_settings

from upstream.community.geo import GEOGRAPHY_SETS, geography_set_load
from upstream.community.imports import import_long_csv_file, import_svi_csv
from upstream.community.services import indicator_define
from upstream.core.problems import DataError
from upstream.framework.services import framework_load_file

PACK = Path(__file__).resolve().parent.parent / "framework" / "packs" / "minimal.yaml"

ALIAS_BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
)

# Cases that replace a whole file, whatever its format.
WHOLE_FILE: dict[str, bytes] = {
    "empty": b"",
    "binary": bytes(range(256)) * 16,
    "bom-then-garbage": b"\xef\xbb\xbf" + bytes(range(128, 256)) * 4,
    "utf-16": "fips,indicator,year,value\n".encode("utf-16"),
    "only-nul": b"\x00" * 64,
    "overlong-line": b"x" * 300_000,
}

# Cases that put a hostile value where a number, code or name belongs (the importer's template
# decides where); ``{}`` in the templates below is that place.
IN_PLACE: dict[str, bytes] = {
    "superscript-digits": "²⁰²²".encode(),
    "arabic-indic-digits": "٢٠٢٢".encode(),
    "full-width-digits": "２０２２".encode(),
    "nul-byte": b"20\x0022",
    "escape-sequence": b"\x1b[2J2022",
    "overlong-field": b"2" * 200_000,
    "latin-1": "2022é".encode("latin-1"),
    "c1-control": "20\u009b22".encode(),
}

# YAML and JSON documents.
YAML_ONLY: dict[str, bytes] = {
    "alias-bomb": ALIAS_BOMB.encode(),
    "anchor-and-alias": b"a: &x 1\nb: *x\n",
    "merge-key": b"base: &b {k: 1}\nother:\n  <<: *b\n",
    "deep-nesting": b"[" * 5000 + b"]" * 5000,
    "huge-integer": b"n: " + b"9" * 50_000 + b"\n",
    "binary-tag": b"n: !!binary aGVsbG8=\n",
    "python-tag": b"n: !!python/object/apply:os.system ['true']\n",
    "invalid-date": b"date: 2024-13-45\n",
    "two-documents": b"a: 1\n---\nb: 2\n",
    "top-level-scalar": b"just text\n",
    "tab-indent": b"a:\n\tb: 1\n",
}
JSON_ONLY: dict[str, bytes] = {
    "deep-nesting": b"[" * 5000 + b"]" * 5000,
    "nan": b'{"type": "Topology", "objects": NaN}',
    "huge-integer": b'{"n": ' + b"9" * 50_000 + b"}",
    "truncated": b'{"type": "Topology", "objects": {"counties": ',
    "top-level-list": b"[1, 2, 3]",
    "wrong-shapes": b'{"objects": {"counties": {"geometries": [1, "x", {"id": [1]}]}}}',
}


def _mixed(template: bytes) -> bytes:
    """Valid UTF-8 text with Latin-1 bytes appended: two encodings in one file."""
    return template.replace(b"{}", b"2022") + "\n# café\n".encode("latin-1")


def _cases(template: bytes, extra: dict[str, bytes]) -> dict[str, bytes]:
    cases = dict(WHOLE_FILE)
    cases.update({name: template.replace(b"{}", value) for name, value in IN_PLACE.items()})
    cases["mixed-encodings"] = _mixed(template)
    cases.update(extra)
    return cases


def _row_counts() -> dict[str, int]:
    counted = ("community", "framework", "planning", "accounts", "audit")
    return {
        model._meta.label: model._default_manager.count()
        for label in counted
        for model in apps.get_app_config(label).get_models()
    }


def _assert_refused(run: Callable[[], Any], path: Path) -> None:
    """``run`` raises a DataError whose every problem says where it is, and nothing changed."""
    before = _row_counts()
    with pytest.raises(DataError) as caught:
        run()
    error = caught.value
    assert error.problems
    for problem in error.problems:
        named = str(path) in (error.source, problem.file)
        placed = problem.row is not None or problem.line is not None or problem.path is not None
        assert named or placed, f"problem without a location: {problem}"
        assert len(str(problem)) < 600  # a hostile cell is not echoed back whole
    assert _row_counts() == before


def _assert_command_refuses(args: list[str]) -> None:
    before = _row_counts()
    with pytest.raises(CommandError):
        call_command(*args)
    assert _row_counts() == before


# --- fixtures ----------------------------------------------------------------------------------

TOPOLOGY = {
    "type": "Topology",
    "objects": {
        "counties": {
            "type": "GeometryCollection",
            "geometries": [
                {"id": "01001", "properties": {"name": "Autauga"}},
                {"id": "01003", "properties": {"name": "Baldwin"}},
                {"id": "42001", "properties": {"name": "Adams"}},
            ],
        }
    },
}


def _node_modules(tmp_path: Path, content: bytes) -> Path:
    spec = GEOGRAPHY_SETS["us-2023"]
    folder = tmp_path / "node_modules" / spec.package
    folder.mkdir(parents=True, exist_ok=True)
    (folder / spec.file).write_bytes(content)
    return tmp_path / "node_modules"


@pytest.fixture
def small_set(db: None, tmp_path: Path) -> None:
    """The us-2023 set with three counties, and one indicator."""
    modules = _node_modules(tmp_path / "good", json.dumps(TOPOLOGY).encode())
    geography_set_load(key="us-2023", node_modules=modules)
    indicator_define(key="youth-idle", name="Young people neither in school nor working")


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


# --- community long CSV ------------------------------------------------------------------------

LONG_CSV = b"fips,indicator,year,value,moe\n42001,youth-idle,{},7.5,1.2\n01001,youth-idle,2022,3,\n"
LONG_CASES = _cases(LONG_CSV, {"arabic-value": LONG_CSV.replace(b"7.5", "٧".encode())})


@pytest.mark.parametrize("case", LONG_CASES)
def test_long_csv_import_turns_every_hostile_file_into_problems(
    small_set: None, tmp_path: Path, case: str
) -> None:
    path = _write(tmp_path, "data.csv", LONG_CASES[case].replace(b"{}", b"2022"))
    _assert_refused(lambda: import_long_csv_file(path=path), path)


@pytest.mark.parametrize("case", ["superscript-digits", "overlong-field", "binary", "empty"])
def test_import_csv_command_reports_problems_not_a_traceback(
    small_set: None, tmp_path: Path, case: str
) -> None:
    path = _write(tmp_path, "data.csv", LONG_CASES[case])
    _assert_command_refuses(["community", "import-csv", str(path)])


def test_a_superscript_year_is_a_problem_of_its_row(small_set: None, tmp_path: Path) -> None:
    path = _write(tmp_path, "data.csv", LONG_CASES["superscript-digits"])
    with pytest.raises(DataError) as caught:
        import_long_csv_file(path=path)
    assert [str(p) for p in caught.value.problems] == [
        "row 1, column year: year '²⁰²²' is not a year"
    ]


def test_a_cell_over_the_csv_limit_is_a_problem_of_its_row(small_set: None, tmp_path: Path) -> None:
    path = _write(tmp_path, "data.csv", LONG_CASES["overlong-field"])
    with pytest.raises(DataError) as caught:
        import_long_csv_file(path=path)
    (problem,) = caught.value.problems
    assert problem.row == 1
    assert "field larger than field limit" in problem.message


@override_settings(MAX_TABLE_BYTES=1000)
def test_a_csv_over_the_size_bound_is_refused_before_it_is_read(
    small_set: None, tmp_path: Path
) -> None:
    lines = b"".join(b"42001,youth-idle,2022,7.5,\n" for _ in range(100))
    path = _write(tmp_path, "big.csv", b"fips,indicator,year,value,moe\n" + lines)
    with pytest.raises(DataError, match="larger than 1,000 bytes"):
        import_long_csv_file(path=path)
    _assert_command_refuses(["community", "import-csv", str(path)])


# --- community SVI CSV -------------------------------------------------------------------------


@pytest.fixture
def svi_template(shared_data: Path) -> bytes:
    """The real SVI 2020 header and its first data row, with ``{}`` as that row's EP_POV150."""
    lines = (shared_data / "svi" / "SVI_2020_US_county.csv").read_bytes().splitlines()
    header, row = lines[0], lines[1]
    names = header.decode("utf-8-sig").split(",")
    cells = row.split(b",")
    offset = row.decode().count('"') // 2  # the quoted LOCATION holds one comma
    cells[names.index("EP_POV150") + offset] = b"{}"
    return header + b"\n" + b",".join(cells) + b"\n"


def test_svi_import_turns_every_hostile_file_into_problems(
    small_set: None, tmp_path: Path, svi_template: bytes
) -> None:
    cases = _cases(svi_template, {})
    cases["fips-in-unicode-digits"] = svi_template.replace(b"{}", b"22.9").replace(
        b",01001,", ",٠١٠٠١,".encode()
    )
    for number, (case, content) in enumerate(cases.items()):
        path = _write(tmp_path, f"SVI_2020_US_county_{number}.csv", content)
        try:
            _assert_refused(lambda path=path: import_svi_csv(path=path), path)
        except AssertionError as exc:  # name the case that failed
            raise AssertionError(f"{case}: {exc}") from exc


@pytest.mark.parametrize("case", ["superscript-digits", "overlong-field", "binary", "nul-byte"])
def test_import_svi_command_reports_problems_not_a_traceback(
    small_set: None, tmp_path: Path, svi_template: bytes, case: str
) -> None:
    content = _cases(svi_template, {})[case]
    path = _write(tmp_path, "SVI_2020_US_county.csv", content)
    _assert_command_refuses(["community", "import-svi", str(path)])


# --- framework packs ---------------------------------------------------------------------------


def _pack_template() -> bytes:
    """The minimal pack with ``{}`` as its framework version."""
    text = PACK.read_text(encoding="utf-8")
    assert '  version: "1.0"\n' in text
    return text.replace('  version: "1.0"\n', "  version: '{}'\n", 1).encode()


PACK_CASES = _cases(_pack_template(), YAML_ONLY)


@pytest.mark.parametrize("case", PACK_CASES)
def test_pack_loading_turns_every_hostile_file_into_problems(
    db: None, tmp_path: Path, case: str
) -> None:
    path = _write(tmp_path, "pack.yaml", PACK_CASES[case])
    _assert_refused(lambda: framework_load_file(path=path), path)


@pytest.mark.parametrize("action", ["validate", "load"])
@pytest.mark.parametrize(
    "case", ["alias-bomb", "deep-nesting", "huge-integer", "binary", "nul-byte"]
)
def test_framework_commands_report_problems_not_a_traceback(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], action: str, case: str
) -> None:
    path = _write(tmp_path, "pack.yaml", PACK_CASES[case])
    _assert_command_refuses(["framework", action, str(path)])
    assert f"error: {path}" in capsys.readouterr().err


def test_the_alias_bomb_is_refused_at_its_first_anchor(db: None, tmp_path: Path) -> None:
    path = _write(tmp_path, "bomb.yaml", ALIAS_BOMB.encode())
    assert len(ALIAS_BOMB) < 400
    with pytest.raises(DataError) as caught:
        framework_load_file(path=path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:1: invalid YAML: anchors and aliases (&name, *name) are not accepted; "
        "write the value out"
    ]


@override_settings(MAX_DOCUMENT_BYTES=1000)
def test_a_pack_over_the_size_bound_is_refused(db: None, tmp_path: Path) -> None:
    path = _write(tmp_path, "pack.yaml", PACK.read_bytes())
    assert path.stat().st_size > 1000
    with pytest.raises(DataError, match="larger than 1,000 bytes"):
        framework_load_file(path=path)
    _assert_command_refuses(["framework", "validate", str(path)])


# --- custom index definitions (YAML) -----------------------------------------------------------

INDEX_SPEC = (
    b"key: tvi\nname: Test index\ngeography_set: us-2023\nyear: {}\n"
    b"themes:\n  - key: t1\n    variables:\n      - indicator: youth-idle\n"
)
INDEX_CASES = _cases(
    INDEX_SPEC,
    {
        **YAML_ONLY,
        "themes-not-a-list": INDEX_SPEC.replace(b"themes:", b"themes: 5\nx:"),
        "variables-a-number": INDEX_SPEC.replace(b"variables:", b"variables: 5\n    y:"),
        "ranking-a-list": INDEX_SPEC + b"ranking: [national]\n",
        "population-a-mapping": INDEX_SPEC + b"population: {a: 1}\n",
        "geography-set-a-list": INDEX_SPEC.replace(b"us-2023", b"[us-2023]"),
        "name-with-override": INDEX_SPEC.replace(b"Test index", "Test \u202eindex".encode()),
    },
)


@pytest.mark.parametrize("case", INDEX_CASES)
def test_index_definition_turns_every_hostile_file_into_problems(
    small_set: None, tmp_path: Path, case: str
) -> None:
    path = _write(tmp_path, "index.yaml", INDEX_CASES[case])
    _assert_command_refuses(["community", "index", "create", "--spec", str(path)])


# --- geography TopoJSON ------------------------------------------------------------------------

TOPO_TEMPLATE = json.dumps(TOPOLOGY).replace('"01003"', '"{}"').encode()
TOPO_CASES = _cases(TOPO_TEMPLATE, JSON_ONLY)


@pytest.mark.parametrize("case", TOPO_CASES)
def test_geography_loading_turns_every_hostile_file_into_problems(
    db: None, tmp_path: Path, case: str
) -> None:
    modules = _node_modules(tmp_path, TOPO_CASES[case])
    path = modules / GEOGRAPHY_SETS["us-2023"].package / GEOGRAPHY_SETS["us-2023"].file
    _assert_refused(lambda: geography_set_load(key="us-2023", node_modules=modules), path)


# --- the readers themselves --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [("a: &x 1\nb: *x\n", 1), ("a: 1\nb: [1, 2]\nc: &y {k: 1}\n", 3), ("- 1\n- *z\n", 2)],
)
def test_yaml_anchors_and_aliases_are_refused_at_their_line(text: str, line: int) -> None:
    from upstream.core.readers import yaml_load

    with pytest.raises(DataError) as caught:
        yaml_load(text, file="spec.yaml")
    (problem,) = caught.value.problems
    assert problem.line == line
    assert "anchors and aliases" in problem.message


def test_yaml_nested_deeper_than_the_bound_is_refused() -> None:
    from upstream.core.readers import MAX_DEPTH, yaml_load

    assert yaml_load("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    with pytest.raises(DataError, match=f"nested more than {MAX_DEPTH} levels deep"):
        yaml_load("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))


def test_yaml_dates_stay_text_and_unknown_tags_are_refused() -> None:
    from upstream.core.readers import yaml_load

    assert yaml_load("date: 2024-02-13\n") == {"date": "2024-02-13"}
    with pytest.raises(DataError, match="could not determine a constructor"):
        yaml_load("data: !!binary aGVsbG8=\n")


def test_json_refuses_nan_and_deep_nesting() -> None:
    from upstream.core.readers import MAX_DEPTH, json_load

    assert json_load('{"a": [1, 2.5, null]}') == {"a": [1, 2.5, None]}
    with pytest.raises(DataError, match="NaN is not a number JSON allows"):
        json_load('{"a": NaN}')
    with pytest.raises(DataError, match="nested more than"):
        json_load("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
