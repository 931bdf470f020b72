"""Object rules for people and consents.

``accounts.policy`` says which roles may act (``person.view``, ``person.edit``, ``person.export``,
``person.configure``). This module adds the facts of the object:

- A person belongs to exactly one organization; only members of that organization reach it (the
  selectors scope every read, so anyone else gets a 404). Coalition partners see nothing personal.
- Screeners read and record. Administrators may read only with a stated reason, which the audit
  event of the read keeps. Analysts and viewers see nothing personal.
- A consent can be shared only with organizations that are partners in one of the organization's
  coalitions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext

from upstream.accounts.models import Organization
from upstream.accounts.policy import Role, check
from upstream.accounts.selectors import coalition_organizations, coalitions_of

if TYPE_CHECKING:
    from upstream.accounts.models import Membership

REASON_MIN_LENGTH = 10


class ReasonRequired(PermissionDenied):
    """An administrator must state why they read personal records."""

    explained = True

    def __init__(self) -> None:
        super().__init__(
            gettext(
                "Administrators read personal records only with a stated reason "
                "(at least %(count)d characters); the reason is kept in the audit log."
            )
            % {"count": REASON_MIN_LENGTH}
        )


def reason_needed(membership: Membership) -> bool:
    return bool(membership.role == Role.ADMIN)


def require_read(*, membership: Membership, reason: str) -> str:
    """Refuse a read of personal records unless the role may read them and, for an
    administrator, a reason is given. Returns the reason to audit ("" for screeners)."""
    check(membership, "person.view")
    if not reason_needed(membership):
        return ""
    reason = " ".join(reason.split())
    if len(reason) < REASON_MIN_LENGTH:
        raise ReasonRequired
    return reason[:500]


def share_candidates(*, membership: Membership) -> QuerySet[Organization]:
    """The organizations a consent may name: partners in the organization's coalitions."""
    coalitions = list(coalitions_of(membership=membership).values_list("pk", flat=True))
    partners = Organization.objects.none()
    for coalition_id in coalitions:
        partners = partners | coalition_organizations(coalition_id=coalition_id)
    return partners.exclude(pk=membership.organization_id).distinct().order_by("name")
