"""The language switcher and a person's own settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from upstream.accounts import forms, services
from upstream.accounts.decorators import signed_in
from upstream.accounts.views.auth import _safe_next
from upstream.core.access import public


def _remember(response: HttpResponse, language: str) -> None:
    """The language cookie for ``language``; none at all for "" (follow the browser)."""
    if not language:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            samesite="Lax",
        )
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",
    )


@public
@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Set the language cookie, and for a signed-in person save the choice, then go back to the
    page the switcher was on (this site only). Works without JavaScript: a plain form POST."""
    form = forms.LanguageSwitchForm(request.POST)
    back = _safe_next(request, reverse("framework:home"))
    if not form.is_valid():
        messages.error(request, gettext("Choose one of the languages offered."))
        return redirect(back)
    language = form.cleaned_data["language"]
    user: Any = request.user
    if user.is_authenticated:
        services.user_language_set(actor=user, language=language)
    response = redirect(back)
    _remember(response, language)
    return response


@signed_in
def account_settings(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own settings: the language Upstream speaks to them."""
    user: Any = request.user
    form = forms.AccountSettingsForm(request.POST or None, initial={"language": user.language})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_language_set(actor=user, language=form.cleaned_data["language"])
        except ValidationError as exc:
            form.add_error("language", exc)
        else:
            # said in the language the next page will be in
            with translation.override(user.language or translation.get_language()):
                messages.success(request, gettext("Your settings are saved."))
            response = redirect("accounts:account_settings")
            _remember(response, user.language)
            return response
    return render(request, "accounts/account_settings.html", {"form": form})
