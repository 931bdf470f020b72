"""The main journey once in Spanish: switch language with the keyboard on the sign-in page, sign
in, then home, plans, a plan, the framework and the community map, each scanned by axe, each
with <html lang="es"> and the header, menus and switcher in Spanish."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import make_member
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_community_map import wait_for_map

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "coordinator-password-for-the-journey"


def _assert_spanish(page: Any) -> None:
    assert page.locator("html").get_attribute("lang") == "es"
    nav = page.get_by_role("navigation", name="Navegación principal")
    assert nav.get_by_role("link", name="Planes").count() == 1
    assert nav.get_by_role("link", name="Datos de la comunidad").count() == 1
    switch = page.get_by_role("form", name="Idioma")
    assert switch.locator("[lang=es][aria-current=true]").inner_text() == "Español"
    assert switch.get_by_role("button", name="English").get_attribute("lang") == "en"
    assert_accessible(page)


def test_the_main_journey_in_spanish(live_server: Any, page: Any) -> None:
    from upstream.accounts import services as account_services
    from upstream.community.demo import load_demo
    from upstream.framework.services import framework_load_file
    from upstream.planning import services as plans

    version = framework_load_file(path=settings.FRAMEWORK_PACK_DIR / "hhs-2024.yaml").version
    load_demo(io.StringIO())
    org = account_services.organization_create(
        actor=None, name="Riverbend Health", sectors=["health-care"], state_fips="39"
    )
    coordinator = make_member(
        org, "coordinator", email="coordinadora@example.org", password=PASSWORD
    )
    coalition = account_services.coalition_create(
        actor=coordinator, name="Riverbend Coalition", state_fips="39"
    )
    plan = plans.plan_create(
        actor=coordinator,
        title="Plan de Riverbend",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        state_fips="39",
        framework_version=version,
        coalition=coalition,
        strategies=[version.strategies.order_by("key").first()],
    )

    # An English page; the switcher is reached and used with the keyboard alone.
    page.goto(live_server.url + "/account/sign-in/")
    assert page.locator("html").get_attribute("lang") == "en"
    switch_to_spanish = page.get_by_role("button", name="Español")
    for _ in range(60):
        if switch_to_spanish.evaluate("(el) => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError("the language switcher cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.documentElement.lang === 'es'")
    assert page.url == live_server.url + "/account/sign-in/"
    assert page.locator("h1").inner_text() == "Entrar"
    _assert_spanish(page)

    page.get_by_label("Correo electrónico").fill(coordinator.user.email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Entrar").click()
    page.wait_for_url("**/plans/")
    _assert_spanish(page)  # their plans

    page.goto(live_server.url + "/")
    assert page.get_by_text("Upstream ayuda a coaliciones").is_visible()
    _assert_spanish(page)

    page.goto(f"{live_server.url}/orgs/{org.uuid}/plans/{plan.uuid}/")
    assert page.locator("h1").inner_text() == "Plan de Riverbend"
    _assert_spanish(page)

    page.goto(
        live_server.url
        + reverse("framework:landing", args=[version.framework.slug, version.version])
    )
    _assert_spanish(page)

    page.goto(live_server.url + "/community/?show=index:demo-tvi")
    wait_for_map(page)
    _assert_spanish(page)

    # The choice was not saved before signing in; switching now saves it for the person.
    page.get_by_role("form", name="Idioma").get_by_role("button", name="English").click()
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    coordinator.user.refresh_from_db()
    assert coordinator.user.language == "en"
