"""A person's own settings."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from upstream.accounts.models import User


@transaction.atomic
def user_language_set(*, actor: User, language: str) -> None:
    """Save the language ``actor`` reads Upstream in ("" to follow the cookie and the browser).

    A display preference of the person's own, like the language cookie it stands in for: no
    audit event (it changes nothing anyone else sees or may do).
    """
    if language not in {"", *(code for code, _ in settings.LANGUAGES)}:
        raise ValidationError(gettext("Choose one of the languages offered."), code="language")
    if actor.language == language:
        return
    actor.language = language
    User.objects.filter(pk=actor.pk).update(language=language)
