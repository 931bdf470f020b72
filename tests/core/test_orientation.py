"""Orientation: the home page says what Upstream is for and where to start, and every page has
the same header, with the search box and "Plans"."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import sign_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def hhs(db: None) -> Any:
    from upstream.framework.services import framework_load_file

    return framework_load_file(path=settings.FRAMEWORK_PACK_DIR / "hhs-2024.yaml").version


def _header(html: str) -> str:
    return html.split('<header class="usa-header', 1)[1].split("</header>", 1)[0]


def test_the_home_page_says_what_upstream_is_for_with_three_entry_points(
    client: Client, hhs: Any
) -> None:
    html = client.get("/").content.decode()
    assert "put the National Human Trafficking Prevention Framework into practice" in html
    assert 'href="#strategies"' in html and ">Explore the framework<" in html
    assert 'href="/community/"' in html and "See where vulnerability concentrates" in html
    assert 'href="/account/sign-in/?next=/plans/"' in html and "Sign in to your plans" in html


def test_signed_in_the_home_page_offers_the_plans_instead_of_sign_in(
    client: Client, hhs: Any, member: Any
) -> None:
    sign_in_as(client, member.user)
    html = client.get("/").content.decode()
    assert "Continue with your plans" in html
    assert "Sign in to your plans" not in html


def test_the_welcome_is_only_on_the_home_page(client: Client, hhs: Any) -> None:
    html = client.get(f"/frameworks/hhs-2024/{hhs.version}/").content.decode()
    assert "Explore the framework" not in html


@pytest.mark.parametrize(
    "path", ["/", "/account/sign-in/", "/community/", "/frameworks/", "/account/password-reset/"]
)
def test_every_public_page_has_search_and_plans_in_the_header(
    client: Client, hhs: Any, path: str
) -> None:
    header = _header(client.get(path).content.decode())
    assert 'role="search"' in header
    assert 'id="site-search"' in header
    assert 'href="/plans/"' in header and "<span>Plans</span>" in header
    assert "Sign in" in header


def test_signed_in_pages_have_the_same_header_with_the_organization(
    client: Client, hhs: Any, owner_org: Any, member: Any
) -> None:
    sign_in_as(client, member.user, sudo=True)
    for path in (
        "/plans/",
        f"/orgs/{owner_org.uuid}/",
        f"/orgs/{owner_org.uuid}/members/",
        f"/orgs/{owner_org.uuid}/coalitions/",
        f"/orgs/{owner_org.uuid}/keys/",
        f"/orgs/{owner_org.uuid}/plans/",
    ):
        header = _header(client.get(path).content.decode())
        assert 'role="search"' in header, path
        assert 'href="/plans/"' in header, path
        assert owner_org.name in header, path
        assert "Sign out" in header, path


def test_the_search_box_outside_the_framework_searches_the_default_version(
    client: Client, hhs: Any
) -> None:
    response = client.get("/search/", {"q": "youth"})
    assert response["Location"] == f"/frameworks/hhs-2024/{hhs.version}/search/?q=youth"
    assert client.get(response["Location"]).status_code == 200


def test_the_search_box_without_a_framework_explains_how_to_load_one(client: Client) -> None:
    response = client.get("/search/", {"q": "youth"})
    assert response.status_code == 200
    assert "No framework is loaded yet." in response.content.decode()
