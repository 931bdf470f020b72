"""English and Spanish: how a request's language is chosen, the switcher, the saved choice, and
Spanish dates, numbers and emails."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import formats, translation

from tests.conftest import sign_in_as
from upstream.core.languages import request_language, supported

SIGN_IN = "/account/sign-in/"
SWITCH = "/language/"
SETTINGS = "/account/settings/"


def _lang(response: Any) -> str:
    body = response.content.decode()
    start = body.index('<html lang="') + len('<html lang="')
    return body[start : body.index('"', start)]


@pytest.mark.parametrize(
    ("code", "expected"),
    [("es", "es"), ("es-MX", "es"), ("es-419", "es"), ("en-US", "en"), ("EN", "en")],
)
def test_supported_codes(code: str, expected: str) -> None:
    assert supported(code) == expected


@pytest.mark.parametrize("code", ["", "xx", "fr", "<script>", "es" * 40, None, 7])
def test_unknown_or_garbage_codes_are_not_supported(code: Any) -> None:
    assert supported(code) is None


@pytest.mark.django_db
def test_english_when_nothing_chooses(client: Client) -> None:
    response = client.get(SIGN_IN)
    assert _lang(response) == "en"
    assert "<h1>Sign in</h1>" in response.content.decode()
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
def test_the_browser_language_is_used(client: Client) -> None:
    response = client.get(SIGN_IN, HTTP_ACCEPT_LANGUAGE="fr;q=1, es-MX;q=0.8, en;q=0.5")
    assert _lang(response) == "es"
    assert "<h1>Entrar</h1>" in response.content.decode()


@pytest.mark.django_db
def test_the_cookie_outranks_the_browser(client: Client) -> None:
    client.cookies["django_language"] = "es"
    assert _lang(client.get(SIGN_IN, HTTP_ACCEPT_LANGUAGE="en")) == "es"


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", ["xx", "fr", "es\x00", "'; DROP TABLE", "e" * 500])
def test_a_garbage_cookie_and_header_fall_back_to_english(client: Client, cookie: str) -> None:
    client.cookies["django_language"] = cookie
    response = client.get(SIGN_IN, HTTP_ACCEPT_LANGUAGE="zz-ZZ, *;q=0.1, ;;;")
    assert response.status_code == 200
    assert _lang(response) == "en"


@pytest.mark.django_db
def test_the_saved_choice_outranks_the_cookie(client: Client, member: Any) -> None:
    member.user.language = "es"
    member.user.save(update_fields=["language"])
    sign_in_as(client, member.user)
    client.cookies["django_language"] = "en"
    assert _lang(client.get(SETTINGS, HTTP_ACCEPT_LANGUAGE="en")) == "es"


def test_request_language_order() -> None:
    from django.test import RequestFactory

    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="es")
    request.COOKIES["django_language"] = "en"
    assert request_language(request, saved="es") == "es"
    assert request_language(request, saved="") == "en"
    assert request_language(request, saved="xx") == "en"
    del request.COOKIES["django_language"]
    assert request_language(request) == "es"


@pytest.mark.django_db
def test_answers_vary_on_what_chose_the_language(client: Client) -> None:
    vary = {part.strip() for part in client.get(SIGN_IN)["Vary"].split(",")}
    assert {"Accept-Language", "Cookie"} <= vary


@pytest.mark.django_db
def test_every_page_has_the_switcher_with_each_language_in_itself(client: Client) -> None:
    body = client.get(SIGN_IN).content.decode()
    assert f'action="{SWITCH}"' in body
    assert 'aria-label="Language"' in body
    assert '<button type="submit" name="language" value="es" lang="es"' in body
    assert (
        '<span class="upstream-language-current text-bold" lang="en" aria-current="true">English'
        in body
    )
    client.cookies["django_language"] = "es"
    body = client.get("/nowhere/").content.decode()  # the error pages too
    assert 'aria-label="Idioma"' in body
    assert 'value="en" lang="en"' in body and ">English</button>" in body


@pytest.mark.django_db
def test_switching_sets_the_cookie_and_returns_to_the_page() -> None:
    client = Client(enforce_csrf_checks=True)
    client.get(SIGN_IN)
    token = client.cookies["upstream_csrf"].value
    response = client.post(
        SWITCH,
        {"language": "es", "next": "/account/sign-in/?next=/orgs/"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/?next=/orgs/"
    cookie = response.cookies["django_language"]
    assert cookie.value == "es"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert _lang(client.get(SIGN_IN)) == "es"


@pytest.mark.django_db
def test_switching_needs_the_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(SWITCH, {"language": "es", "next": "/"})
    assert response.status_code == 403
    assert "django_language" not in response.cookies


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""]
)
def test_switching_goes_back_only_to_this_site(client: Client, target: str) -> None:
    response = client.post(SWITCH, {"language": "es", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_an_unknown_language_changes_nothing(client: Client) -> None:
    response = client.post(SWITCH, {"language": "xx", "next": SIGN_IN}, follow=True)
    assert "django_language" not in client.cookies
    assert "Choose one of the languages offered." in response.content.decode()
    assert _lang(response) == "en"


@pytest.mark.django_db
def test_the_switcher_is_post_only(client: Client) -> None:
    assert client.get(SWITCH, {"language": "es"}).status_code == 405


@pytest.mark.django_db
def test_switching_when_signed_in_saves_the_choice(client: Client, member: Any) -> None:
    sign_in_as(client, member.user)
    client.post(SWITCH, {"language": "es", "next": SETTINGS})
    member.user.refresh_from_db()
    assert member.user.language == "es"
    client.cookies.clear()
    sign_in_as(client, member.user)  # another browser: the saved choice follows the person
    assert _lang(client.get(SETTINGS)) == "es"


@pytest.mark.django_db
def test_the_settings_page_saves_and_clears_the_language(client: Client, member: Any) -> None:
    sign_in_as(client, member.user)
    page = client.get(SETTINGS).content.decode()
    assert 'lang="es">Español</label>' in page
    assert "Your browser&#x27;s language" in page
    response = client.post(SETTINGS, {"language": "es"}, follow=True)
    member.user.refresh_from_db()
    assert member.user.language == "es"
    assert "Su configuración está guardada." in response.content.decode()
    response = client.post(SETTINGS, {"language": ""})
    member.user.refresh_from_db()
    assert member.user.language == ""
    assert response.cookies["django_language"].value == ""  # deleted: the browser decides


@pytest.mark.django_db
def test_the_settings_page_refuses_an_unknown_language(client: Client, member: Any) -> None:
    sign_in_as(client, member.user)
    response = client.post(SETTINGS, {"language": "xx"})
    assert response.status_code == 200
    assert "usa-error-message" in response.content.decode()
    member.user.refresh_from_db()
    assert member.user.language == ""


@pytest.mark.django_db
def test_the_service_refuses_an_unknown_language(member: Any) -> None:
    from django.core.exceptions import ValidationError

    from upstream.accounts import services

    with pytest.raises(ValidationError):
        services.user_language_set(actor=member.user, language="fr")
    member.user.refresh_from_db()
    assert member.user.language == ""


def test_spanish_dates_and_numbers_for_us_readers() -> None:
    day = dt.date(2026, 12, 2)
    with translation.override("es"):
        assert formats.date_format(day) == "2 de diciembre de 2026"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "2 dic 2026"
        assert formats.number_format(1234.5, 1, force_grouping=True) == "1,234.5"
        # a date field's value goes back into <input type="date"> as ISO
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"
    with translation.override("en"):
        assert formats.date_format(day) == "Dec. 2, 2026"


@pytest.mark.django_db
def test_the_password_reset_email_is_in_the_persons_language(
    client: Client, member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member.user.language = "es"
    member.user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/password-reset/", {"email": member.user.email})
    (message,) = mail.outbox
    assert message.subject == "Cambie su contraseña de Upstream"
    assert "Alguien pidió cambiar la contraseña" in message.body
