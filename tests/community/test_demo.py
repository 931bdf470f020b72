"""The demo works offline: synthetic indicators, clearly labelled, when no real SVI is loaded."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.test import Client

from upstream.community.demo import load_demo
from upstream.community.imports import import_svi_csv
from upstream.community.models import GeographySet, IndexDefinition, IndicatorDefinition


@pytest.mark.django_db
def test_demo_adds_labelled_synthetic_indicators_and_two_indices(client: Client) -> None:
    out = io.StringIO()
    load_demo(out)
    assert "SYNTHETIC demo observations" in out.getvalue()
    assert IndicatorDefinition.objects.filter(synthetic=True).count() == 20
    assert all(i.name.startswith("Synthetic: ") for i in IndicatorDefinition.objects.all())
    tvi = IndexDefinition.objects.get(key="demo-tvi")
    assert tvi.synthetic and tvi.results.filter(scope="national").count() == 3144
    assert [t["key"] for t in tvi.themes][-1] == "YOUTH_LABOR"
    html = client.get("/community/?show=index:demo-tvi").content.decode()
    assert "Synthetic demo data." in html
    html = client.get("/community/counties/01001/?index=demo-svi").content.decode()
    assert "Synthetic demo data." in html

    again = io.StringIO()
    load_demo(again)
    assert "SYNTHETIC" not in again.getvalue()  # already there: nothing added


@pytest.mark.django_db
def test_demo_adds_no_synthetic_data_when_the_real_svi_is_loaded(
    us2023: GeographySet, svi_2022_file: Path
) -> None:
    import_svi_csv(path=svi_2022_file)
    out = io.StringIO()
    load_demo(out)
    assert "Real SVI data is loaded" in out.getvalue()
    assert not IndicatorDefinition.objects.filter(synthetic=True).exists()
