"""Instance operators: the people who run this Upstream installation (not an organization role).
Granted and revoked from the command line only (``upstream operator``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class InstanceOperator(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="instance_operator"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"operator {self.user_id}"


def is_operator(user: object) -> bool:
    pk = getattr(user, "pk", None)
    if pk is None or not getattr(user, "is_authenticated", False):
        return False
    return InstanceOperator.objects.filter(user_id=pk).exists()
