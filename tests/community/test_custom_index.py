"""Custom indices: chosen indicators in themes, with weights and direction, saved with
provenance and reproducible from the saved definition."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.community.conftest import spec, write
from upstream.community.models import IndexDefinition, IndexResult
from upstream.community.problems import CommunityDataError
from upstream.community.services import index_compute, index_define


def results(index: IndexDefinition, scope: str = "national") -> dict[str, IndexResult]:
    return {
        r.geography.fips: r
        for r in IndexResult.objects.filter(index=index, scope=scope).select_related("geography")
    }


@pytest.mark.django_db
def test_weights_directions_and_exclusions_follow_the_definition(small_data: None) -> None:
    user = get_user_model().objects.create_user("coordinator")
    index = index_define(spec=spec(), actor=user)
    index_compute(index=index, actor=user)
    rows = results(index)
    assert rows["42007"].percentile is None  # zero population: left out
    ranked = ["42001", "42003", "42005", "36001"]
    # clinics: lower is more vulnerable, so the county with 1 clinic has the top percentile
    assert [rows[f].variables["clinics"]["percentile"] for f in ranked] == [
        1.0,
        0.6667,
        0.3333,
        0.0,
    ]
    # idle has weight 2: YOUTH score = 2 * idle percentile + clinics percentile
    assert rows["42001"].themes["YOUTH"]["score"] == 3.0
    assert [rows[f].themes["YOUTH"]["percentile"] for f in ranked] == [1.0, 0.6667, 0.3333, 0.0]
    # overall score = sum of the theme scores (SPL), ranked
    assert [rows[f].score for f in ranked] == [3.0, 2.3334, 1.6666, 1.0]
    assert [rows[f].percentile for f in ranked] == [1.0, 0.6667, 0.3333, 0.0]
    assert index.created_by == user
    assert index.provenance["defined_by"] == "command line"  # a person is never named
    sources = {i["indicator"]: i["source"] for i in index.provenance["inputs"]}
    assert sources == {
        "pov": "pov source",
        "idle": "idle source",
        "clinics": "clinics source",
        "pop": "pop source",
    }
    assert index.provenance["computed"]["by"] == "command line"


@pytest.mark.django_db
def test_within_state_ranking_uses_only_the_state_counties(small_data: None) -> None:
    index = index_define(spec=spec())
    index_compute(index=index)
    state = results(index, "state")
    assert state["36001"].percentile is None  # a single county in its state cannot be ranked
    assert state["42001"].variables["pov"]["percentile"] == 0.0
    assert state["42005"].variables["pov"]["percentile"] == 1.0


@pytest.mark.django_db
def test_a_bad_definition_lists_every_problem(small_data: None) -> None:
    bad = spec(
        key="bad key",
        year="2022",
        ranking="county",
        themes=[
            {"key": "A", "variables": [{"indicator": "nope", "weight": -1, "direction": "up"}]},
            {"key": "A", "variables": [{"indicator": "pov"}, {"indicator": "pov"}]},
            {"key": "B"},
        ],
    )
    with pytest.raises(CommunityDataError) as caught:
        index_define(spec=bad)
    messages = [str(p) for p in caught.value.problems]
    assert "key 'bad key' must be letters, digits, '-' or '_'" in messages
    assert "year '2022' must be a whole number" in messages
    assert "ranking must be 'national' or 'state'" in messages
    assert "theme 1 (A), variable 1: weight must be a positive number" in messages
    assert "theme 1 (A), variable 1: direction must be 'higher' or 'lower'" in messages
    assert "theme 2: theme key 'A' is used twice" in messages
    assert "theme 3: needs a key and a list of variables" in messages
    assert "indicators used more than once: pov" in messages
    assert "unknown indicators: nope" in messages
    assert not IndexDefinition.objects.exists()


@pytest.mark.django_db
def test_index_commands_create_list_compute_and_export(
    small_data: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import yaml

    path = write(tmp_path, "tvi.yaml", yaml.safe_dump(spec()))
    call_command("community", "index", "create", "--spec", str(path))
    out = capsys.readouterr().out
    assert "Defined index tvi: Trafficking vulnerability." in out
    assert "Computed tvi for 5 geographies (4 ranked" in out
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("community", "index", "create", "--spec", str(path))
    assert "index 'tvi' already exists" in capsys.readouterr().err
    call_command("community", "index", "list")
    assert "tvi\t2022\tus-2023\tcomputed" in capsys.readouterr().out
    call_command("community", "index", "compute", "tvi")
    assert "Computed tvi" in capsys.readouterr().out
    call_command("community", "export", "tvi", "--csv", "--state", "42")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "fips,county,state,score,percentile,state_percentile,flags,ECON_percentile,YOUTH_percentile"
    )
    assert [line.split(",")[0] for line in lines[1:]] == ["42001", "42003", "42005", "42007"]
    assert lines[4].startswith("42007,Beaver,Pennsylvania,,,,")
    with pytest.raises(CommandError, match="no index 'nope'"):
        call_command("community", "index", "compute", "nope")
