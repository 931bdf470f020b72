"""Object rules for plans: what one membership may do with one plan version.

``accounts.policy`` says what a *role* may do (``plan.edit``, ``plan.update_own_activity``...).
This module adds the facts of the object: which organization owns the plan, whether the
membership's organization is a partner in the plan's coalition, which organization leads an
activity, and whether the version is still a draft. Services ask it before every change,
selectors scope reads with it, and views, API routes and templates read its answers; nothing
else decides who may do what with a plan.

The rules:

- A plan is seen by members of its organization and of the organizations in its coalition
  (those that have not left), if their role may see plans.
- Only the owning organization changes a plan: its details, strategies, activities, outcomes,
  indicators and principle ratings, and only while the version is a draft. Coalition partners
  read it.
- Only the owning organization publishes a draft and starts a new draft from a published version.
- The status of an activity is changed by whoever may edit the plan, and by members of the
  organization that leads the activity (``plan.update_own_activity``), partners included, while
  the version is a draft.
- Anyone who sees a plan may download it if their role may export; who downloaded it shows in the
  plan's history only to the owning organization's administrators (``audit.view``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from upstream.accounts.policy import may
from upstream.accounts.selectors import coalitions_of

if TYPE_CHECKING:
    from upstream.accounts.models import Coalition, Membership
    from upstream.planning.models import Plan, PlanActivity

PUBLISHED = _("This version is published and cannot be changed. Start a new draft to make changes.")


def plans_visible(*, membership: Membership) -> Q:
    """The plans a membership's organization sees, as a filter: its own and its coalitions'."""
    return Q(organization_id=membership.organization_id) | Q(
        coalition_id__in=coalitions_of(membership=membership).values("pk")
    )


def coalition_plan_allowed(*, membership: Membership, coalition: Coalition) -> bool:
    """May the membership's organization start a plan for this coalition (it is a member)?"""
    return coalitions_of(membership=membership).filter(pk=coalition.pk).exists()


@dataclass(frozen=True, slots=True)
class PlanAccess:
    """The answers for one membership and one plan version. Read the properties; the
    ``require_*`` methods raise ``PermissionDenied`` (403) when the organization or role may not,
    and ``ValidationError`` with a message when the version's state is what stands in the way."""

    organization_id: int
    organization_uuid: str
    view: bool
    owner: bool
    manage: bool  # the owner's role may edit plans: this plan's versions are its to change
    sign_off: bool  # ... and may publish
    led_status: bool  # may change the status of activities its organization leads
    export: bool
    published: bool
    see_downloads: bool

    @property
    def edit(self) -> bool:
        """Change the plan's details, strategies, activities, outcomes, indicators and
        principle ratings."""
        return self.manage and not self.published

    @property
    def rate_principles(self) -> bool:
        return self.edit

    @property
    def publish(self) -> bool:
        return self.sign_off and not self.published

    @property
    def new_draft(self) -> bool:
        return self.sign_off and self.published

    def update_status(self, activity: PlanActivity) -> bool:
        """May change the status of ``activity`` (an activity of this plan)."""
        return self._status(led_by_own=self._leads(activity))

    def update_status_led_by(self, lead_uuid: str) -> bool:
        """The same answer for an activity row of the plan document (which names its lead by
        uuid): decided without a query, for each of a large plan's rows."""
        return self._status(led_by_own=str(lead_uuid) == self.organization_uuid)

    def _status(self, *, led_by_own: bool) -> bool:
        return self._status_allowed(led_by_own=led_by_own) and not self.published

    def _status_allowed(self, *, led_by_own: bool) -> bool:
        return self.manage or (self.led_status and led_by_own)

    def _leads(self, activity: PlanActivity) -> bool:
        return activity.lead_organization_id == self.organization_id

    # The checks services make before changing anything.

    def require_view(self) -> None:
        if not self.view:
            raise PermissionDenied("plan.view")

    def require_edit(self) -> None:
        if not self.manage:
            raise PermissionDenied("plan.edit")
        if self.published:
            raise ValidationError(PUBLISHED)

    def require_publish(self) -> None:
        if not self.sign_off:
            raise PermissionDenied("plan.publish")
        if self.published:
            raise ValidationError(PUBLISHED)

    def require_new_draft(self) -> None:
        if not self.sign_off:
            raise PermissionDenied("plan.publish")
        if not self.published:
            raise ValidationError(_("Only a published version can start a new draft."))

    def require_update_status(self, activity: PlanActivity) -> None:
        if not self._status_allowed(led_by_own=self._leads(activity)):
            raise PermissionDenied("plan.update_own_activity")
        if self.published:
            raise ValidationError(PUBLISHED)

    def require_export(self) -> None:
        if not self.export:
            raise PermissionDenied("plan.export")


def plan_access(*, membership: Membership, plan: Plan) -> PlanAccess:
    """What ``membership`` may do with ``plan``. At most one query (for a plan the membership's
    organization does not own: is it a partner in the plan's coalition?)."""
    owner = plan.organization_id == membership.organization_id
    visible = owner or (
        plan.coalition_id is not None
        and coalitions_of(membership=membership).filter(pk=plan.coalition_id).exists()
    )
    view = visible and may(membership, "plan.view")
    manage = owner and may(membership, "plan.edit")
    return PlanAccess(
        organization_id=membership.organization_id,
        organization_uuid=str(membership.organization.uuid),
        view=view,
        owner=owner,
        manage=manage,
        sign_off=manage and may(membership, "plan.publish"),
        led_status=view and may(membership, "plan.update_own_activity"),
        export=view and may(membership, "plan.export"),
        published=plan.is_published,
        see_downloads=owner and may(membership, "audit.view"),
    )
