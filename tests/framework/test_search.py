"""Full-text search works the same on SQLite (FTS5) and PostgreSQL."""

from __future__ import annotations

import pytest

from upstream.framework.models import FrameworkVersion
from upstream.framework.search import search

pytestmark = pytest.mark.django_db


def test_search_finds_items_by_words_in_their_text(minimal_version: FrameworkVersion) -> None:
    hits = search(minimal_version, "grooming")
    assert [(h.kind, h.key) for h in hits] == [("activity", "school-lessons")]
    assert "<mark>" in hits[0].snippet_html


def test_search_matches_prefixes_and_requires_every_word(
    minimal_version: FrameworkVersion,
) -> None:
    assert {h.key for h in search(minimal_version, "hous")} == {"safe-housing"}
    assert search(minimal_version, "housing grooming") == []


def test_search_ranks_title_matches_first(minimal_version: FrameworkVersion) -> None:
    hits = search(minimal_version, "coercion")
    assert hits[0].key == "coercion"


def test_search_filters_by_kind(minimal_version: FrameworkVersion) -> None:
    assert {h.kind for h in search(minimal_version, "skills", kinds=["strategy"])} == {"strategy"}


def test_search_ignores_query_syntax_and_markup(minimal_version: FrameworkVersion) -> None:
    assert search(minimal_version, '"') == []
    assert search(minimal_version, "NEAR(") == []
    hits = search(minimal_version, "<script>coercion")
    assert all("<script>" not in h.snippet_html for h in hits)


def test_search_stays_within_one_version(minimal_version: FrameworkVersion) -> None:
    other = FrameworkVersion.objects.exclude(pk=minimal_version.pk)
    assert not other.exists()
    assert all(h.key for h in search(minimal_version, "skills"))
