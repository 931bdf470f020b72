"""Password reset and setting a new password."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from upstream.accounts.models import Membership, User
from upstream.accounts.services._common import _send, absolute_url
from upstream.audit.services import audit_record

# Password reset -----------------------------------------------------------------------------


RESET_EMAIL_INTERVAL = timedelta(minutes=10)


@transaction.atomic
def password_reset_request(*, email: str, request: HttpRequest) -> None:
    """Email a reset link if an active account has this address. Says nothing either way.

    At most one email per account every ``RESET_EMAIL_INTERVAL``, so the form cannot be used
    to flood someone's inbox.
    """
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None:
        return
    now = timezone.now()
    # one conditional UPDATE, so two requests at once cannot both send
    due = Q(password_reset_sent_at__isnull=True) | Q(
        password_reset_sent_at__lte=now - RESET_EMAIL_INTERVAL
    )
    if not User.objects.filter(due, pk=user.pk).update(password_reset_sent_at=now):
        return
    token = default_token_generator.make_token(user)
    link = absolute_url(
        reverse("accounts:password_reset_confirm", args=[user.uuid, token]), request
    )
    for membership in Membership.active.filter(user=user).select_related("organization"):
        audit_record(
            action="auth.password_reset_requested",
            actor=user,
            organization=membership.organization,
            target=user,
            request=request,
        )
    _send(
        to=user.email,
        subject=_("Reset your Upstream password"),
        language=user.language,
        template="accounts/email/password_reset.txt",
        context={"user": user, "link": link, "hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
        # the page answers the same whether or not this works; let the next request try again
        on_failure=lambda: User.objects.filter(pk=user.pk, password_reset_sent_at=now).update(
            password_reset_sent_at=None
        ),
    )


@transaction.atomic
def password_set(*, user: User, password: str, request: HttpRequest | None = None) -> None:
    """Set a new password (after a reset link). Signs the user out everywhere else."""
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    for membership in Membership.active.filter(user=user).select_related("organization"):
        audit_record(
            action="auth.password_reset",
            actor=user,
            organization=membership.organization,
            target=user,
            request=request,
        )
