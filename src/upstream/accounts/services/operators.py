"""Granting and revoking instance operator rights."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from upstream.accounts.models import User
from upstream.audit.services import audit_record
from upstream.core.models import InstanceOperator

# Instance operators (the periodic jobs page) --------------------------------------------------


def _operator_account(email: str) -> User:
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None:
        raise ValidationError(gettext("No active account has that email address."))
    return user


@transaction.atomic
def operator_grant(*, email: str) -> bool:
    """Make an account an instance operator; False if it already was."""
    user = _operator_account(email)
    _, created = InstanceOperator.objects.get_or_create(user=user)
    if created:
        audit_record(action="operator.granted", actor_label="command line", target=user)
    return created


@transaction.atomic
def operator_revoke(*, email: str) -> bool:
    """Take instance-operator rights away; False if the account had none."""
    user = _operator_account(email)
    deleted, _ = InstanceOperator.objects.filter(user=user).delete()
    if deleted:
        audit_record(action="operator.revoked", actor_label="command line", target=user)
    return bool(deleted)
