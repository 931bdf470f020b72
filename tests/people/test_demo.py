"""The demo's people: pseudonymous records with consents, loaded once."""

from __future__ import annotations

import io

import pytest

pytestmark = pytest.mark.django_db


def test_demo_people_are_loaded_once_with_an_active_and_a_withdrawn_consent() -> None:
    from upstream.accounts import demo as accounts_demo
    from upstream.people import demo
    from upstream.people.models import Consent, Person

    accounts_demo.load_demo(io.StringIO())
    demo.load_demo(io.StringIO())
    demo.load_demo(io.StringIO())
    assert Person.objects.count() == 2
    assert sorted(c.state() for c in Consent.objects.all()) == ["active", "withdrawn"]
    assert {str(p.preferred_language) for p in Person.objects.all()} == {"es", "en"}
