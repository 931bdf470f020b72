"""Writes of the core app: granting and revoking instance operators (audited)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from upstream.accounts.models import User
from upstream.audit.services import audit_record
from upstream.core.models import InstanceOperator


def _user(email: str) -> User:
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None:
        raise ValidationError("No active account has that email address.")
    return user


@transaction.atomic
def operator_grant(*, email: str) -> bool:
    """Make an account an instance operator; False if it already was."""
    user = _user(email)
    _, created = InstanceOperator.objects.get_or_create(user=user)
    if created:
        audit_record(action="operator.granted", actor_label="command line", target=user)
    return created


@transaction.atomic
def operator_revoke(*, email: str) -> bool:
    """Take instance-operator rights away; False if the account had none."""
    user = _user(email)
    deleted, _ = InstanceOperator.objects.filter(user=user).delete()
    if deleted:
        audit_record(action="operator.revoked", actor_label="command line", target=user)
    return bool(deleted)
