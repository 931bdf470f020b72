"""Demo mode only: the demo accounts on the sign-in page and a "show my demo code" button.

A visitor with only a browser can sign in to the demo: the accounts are listed and a demo user's
current one-time code is one click away. Outside demo mode (``UPSTREAM_DEMO`` unset) the view
answers 404 and the sign-in pages name no account.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from upstream.accounts import demo
from upstream.core.access import public


@public
def demo_code(request: HttpRequest) -> HttpResponse:
    """POST ``email`` (and ``next``): back to ``next`` with the demo user's current code."""
    if not settings.DEMO_MODE:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    email = request.POST.get("email", "").strip().lower()
    code = demo.current_code(email)
    if code is None:
        messages.error(request, gettext("That is not a demo account with two-factor sign-in."))
    else:
        messages.info(
            request,
            f"The one-time code for {email} is {code}. It changes every 30 seconds; "
            "in real use it comes from the person's authenticator app.",
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("accounts:two_factor_verify")
    return redirect(target)
