"""Session inactivity expiry, the language of each answer, and the response headers Django does
not set itself."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from upstream.core.languages import request_language

LAST_SEEN_KEY = "upstream_last_seen"
# Refresh the stored time at most this often, so that most requests do not write the session.
_TOUCH_EVERY = 60


class SessionIdleTimeoutMiddleware:
    """Sign a person out after SESSION_IDLE_SECONDS without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if isinstance(last_seen, int) and now - last_seen > settings.SESSION_IDLE_SECONDS:
                logout(request)
                # lazy: said in the language this answer is given in (chosen after this middleware)
                messages.info(request, _("You were signed out after a period of inactivity."))
            elif not isinstance(last_seen, int) or now - last_seen >= _TOUCH_EVERY:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class LanguageMiddleware:
    """Answer in the signed-in person's saved language, else the cookie's, else the browser's,
    else English (upstream.core.languages). After authentication, so the saved choice is known."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        saved = user.language if user is not None and user.is_authenticated else ""
        language = request_language(request, saved=saved)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # the same address answers in different languages: caches must key on what chose it
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; no caching of signed-in pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
