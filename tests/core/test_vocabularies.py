"""Each vocabulary is written once: its Literal type and its labels name the same keys."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from upstream.community.models import Geography, IndexDefinition
from upstream.core import vocabularies as v
from upstream.framework.models import Factor, Outcome
from upstream.planning.models import PlanOutcome

PAIRS = [
    (v.Confidence, v.CONFIDENCE_NAMES),
    (v.Confidence, v.CONFIDENCE),
    (v.Horizon, v.HORIZONS),
    (v.FrameworkStatus, v.FRAMEWORK_STATUSES),
    (v.FactorKind, v.FACTOR_KINDS),
    (v.GeographyKind, v.GEOGRAPHY_KINDS),
    (v.IndicatorDirection, v.INDICATOR_DIRECTIONS),
    (v.Ranking, v.RANKINGS),
]


@pytest.mark.parametrize(("literal", "labels"), PAIRS)
def test_a_vocabularys_type_and_labels_name_the_same_keys_in_order(
    literal: Any, labels: dict[str, str]
) -> None:
    assert get_args(literal) == tuple(labels)
    assert all(label and label[0].isupper() for label in labels.values())


def test_model_choices_come_from_the_vocabularies() -> None:
    assert Outcome._meta.get_field("horizon").choices == v.choices(v.HORIZONS)
    assert PlanOutcome._meta.get_field("horizon").choices == v.choices(v.HORIZONS)
    assert Factor._meta.get_field("kind").choices == v.choices(v.FACTOR_KINDS)
    assert Geography._meta.get_field("kind").choices == v.choices(v.GEOGRAPHY_KINDS)
    assert IndexDefinition._meta.get_field("ranking").choices == v.choices(v.RANKINGS)
