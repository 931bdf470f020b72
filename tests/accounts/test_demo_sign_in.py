"""Demo mode: the sign-in pages list the demo accounts and show a demo user's one-time code on
one click. Outside demo mode none of it exists: the view is 404 and no account is named."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client

from tests.conftest import make_member
from upstream.accounts.demo import DEMO_PASSWORD, current_code, demo_email, load_demo
from upstream.accounts.policy import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings: Any) -> None:
    settings.DEMO_MODE = True
    load_demo(io.StringIO())


def _to_code_page(client: Client, role: str) -> str:
    response = client.post(
        "/account/sign-in/", {"email": demo_email(role), "password": DEMO_PASSWORD}
    )
    assert response["Location"].startswith("/account/two-factor/verify/")
    return str(response["Location"])


def test_the_sign_in_page_lists_every_demo_account_with_one_click_sign_in(
    client: Client, demo: None
) -> None:
    html = client.get("/account/sign-in/").content.decode()
    for role in Role:
        assert f'value="{demo_email(role.value)}"' in html
        assert f"Sign in as {role.label.lower()}" in html
    assert DEMO_PASSWORD in html


def test_a_demo_account_button_signs_in(client: Client, demo: None) -> None:
    response = client.post(
        "/account/sign-in/", {"email": demo_email("coordinator"), "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/orgs/", follow=True).status_code == 200


def test_show_my_demo_code_gives_a_code_that_signs_in(client: Client, demo: None) -> None:
    verify = _to_code_page(client, "admin")
    page = client.get(verify).content.decode()
    assert "Show my demo code" in page
    assert 'action="/account/demo-code/"' in page
    shown = client.post(
        "/account/demo-code/", {"email": demo_email("admin"), "next": verify}, follow=True
    )
    assert shown.redirect_chain[-1][0] == verify
    match = re.search(
        r"The one-time code for admin@demo\.example\.org is (\d{6})", shown.content.decode()
    )
    assert match
    response = client.post(verify, {"code": match.group(1)})
    assert response.status_code == 302
    assert not response["Location"].startswith("/account/two-factor/")


def test_the_demo_code_view_needs_the_csrf_token(demo: None) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/account/demo-code/", {"email": demo_email("admin")})
    assert response.status_code == 403


def test_the_demo_code_view_refuses_get_and_non_demo_accounts(
    client: Client, demo: None, owner_org: Any
) -> None:
    assert client.get("/account/demo-code/").status_code == 405
    make_member(owner_org, "admin", email="real.admin@example.org")
    shown = client.post(
        "/account/demo-code/", {"email": "real.admin@example.org", "next": "/"}, follow=True
    )
    assert "That is not a demo account" in shown.content.decode()
    assert current_code("real.admin@example.org") is None


def test_the_demo_code_view_does_not_redirect_off_site(client: Client, demo: None) -> None:
    response = client.post(
        "/account/demo-code/", {"email": demo_email("admin"), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/account/two-factor/verify/"


def test_outside_demo_mode_the_view_is_404_and_no_account_is_named(
    client: Client, settings: Any
) -> None:
    settings.DEMO_MODE = True
    load_demo(io.StringIO())  # the accounts exist, but the site is not in demo mode
    settings.DEMO_MODE = False
    assert client.post("/account/demo-code/", {"email": demo_email("admin")}).status_code == 404
    assert client.get("/account/demo-code/").status_code == 404
    sign_in = client.get("/account/sign-in/").content.decode()
    assert "demo.example.org" not in sign_in
    assert DEMO_PASSWORD not in sign_in
    assert "Demo accounts" not in sign_in
    verify = client.get(_to_code_page(client, "admin")).content.decode()
    assert "Show my demo code" not in verify
    assert "/account/demo-code/" not in verify


def test_the_confirm_identity_page_offers_the_demo_code_in_demo_mode_only(
    client: Client, demo: None, settings: Any
) -> None:
    from django.contrib.auth import get_user_model

    from tests.conftest import sign_in_as

    admin = get_user_model().objects.get(email=demo_email("admin"))
    sign_in_as(client, admin)
    assert "Show my demo code" in client.get("/account/confirm/").content.decode()
    settings.DEMO_MODE = False
    assert "Show my demo code" not in client.get("/account/confirm/").content.decode()


def test_the_demo_code_still_works_right_after_a_code_was_used(client: Client, demo: None) -> None:
    import time_machine

    with time_machine.travel(1_900_000_005, tick=False):  # early in one 30-second step
        verify = _to_code_page(client, "admin")
        first = current_code(demo_email("admin"))
        assert client.post(verify, {"code": first})["Location"] == "/plans/"
        second = current_code(demo_email("admin"))
        assert second != first
        confirm = client.post(
            "/account/confirm/", {"password": DEMO_PASSWORD, "code": second, "next": "/"}
        )
        assert confirm.status_code == 302
