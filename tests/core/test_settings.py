"""Settings are read from the environment with strict parsers."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from upstream import settings as s


def test_booleans_accept_common_spellings_and_refuse_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for raw, expected in (("1", True), ("TRUE", True), ("off", False), ("", False)):
        monkeypatch.setenv("X_FLAG", raw)
        assert s.env_bool("X_FLAG", not expected) is expected
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG must be a boolean"):
        s.env_bool("X_FLAG", False)


def test_integers_are_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_NUM", "12")
    assert s.env_int("X_NUM", 1) == 12
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ImproperlyConfigured, match="X_NUM must be an integer"):
        s.env_int("X_NUM", 1)


def test_secrets_can_come_from_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert s.env_secret("X_SECRET") == "from-a-file"
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="X_SECRET_FILE points to an unreadable"):
        s.env_secret("X_SECRET")


def test_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_HOSTS", "a.example, b.example,,")
    assert s.env_list("X_HOSTS", []) == ["a.example", "b.example"]


def test_generated_secret_key_is_kept_private_and_stable(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secret_key"
    first = s._local_secret_key(path)
    assert len(first) >= 50
    assert s._local_secret_key(path) == first
    assert path.stat().st_mode & 0o777 == 0o600


def test_the_cache_is_chosen_by_url() -> None:
    assert s._cache("locmem://")["BACKEND"].endswith("LocMemCache")
    redis = s._cache("redis://cache.internal:6379/1")
    assert redis == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/1",
    }
    assert s._cache("rediss://cache.internal:6380/1")["BACKEND"].endswith("RedisCache")
    assert s._cache("dummy://")["BACKEND"].endswith("DummyCache")
    with pytest.raises(ImproperlyConfigured, match="UPSTREAM_CACHE_URL must start with"):
        s._cache("memcached://cache.internal:11211")


def test_a_negative_fragment_lifetime_is_refused(settings: object) -> None:
    from upstream.core.checks import check_fragment_cache

    settings.FRAGMENT_CACHE_SECONDS = -1  # type: ignore[attr-defined]
    assert [m.id for m in check_fragment_cache(None)] == ["upstream.E020"]
    settings.FRAGMENT_CACHE_SECONDS = 0  # type: ignore[attr-defined]
    assert check_fragment_cache(None) == []
