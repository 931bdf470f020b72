"""Reads of tenant data. Each takes the user (or their membership) and returns only what they may
see; another organization's object raises Http404 so that its existence is not revealed."""

from __future__ import annotations

import hmac
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from upstream.accounts.models import (
    ApiKey,
    Coalition,
    CoalitionInvitation,
    CoalitionMembership,
    Invitation,
    Membership,
    Organization,
    User,
)
from upstream.accounts.object_policy import coalition_access
from upstream.accounts.policy import check
from upstream.accounts.services import API_KEY_PREFIX, token_hash
from upstream.core.lookups import as_uuid, get_or_404
from upstream.core.vocabularies import SECTORS


def memberships_for(*, user: Any) -> QuerySet[Membership]:
    """The user's active memberships, with their organizations."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Membership.objects.none()
    return (
        Membership.active.filter(user=user)
        .select_related("organization", "user")
        .order_by("organization__name")
    )


def memberships_of_request(*, user: Any) -> list[Membership]:
    """``memberships_for`` as a list, read once per request: the access check, the two-factor
    rule and the page header all ask. Remembered on the user object, which lives for one request
    (a write that changes the person's memberships answers with a redirect)."""
    cached = getattr(user, "_upstream_memberships", None)
    if cached is None:
        cached = list(memberships_for(user=user))
        if getattr(user, "is_authenticated", False):
            user._upstream_memberships = cached
    return list(cached)


def membership_for(*, user: Any, org_uuid: Any) -> Membership:
    """The user's active membership in that organization, or 404."""
    wanted = as_uuid(org_uuid)
    for membership in memberships_of_request(user=user):
        if membership.organization.uuid == wanted:
            return membership
    raise Http404


def members_of(*, membership: Membership) -> QuerySet[Membership]:
    check(membership, "member.view")
    return (
        Membership.active.filter(organization_id=membership.organization_id)
        .select_related("user")
        .order_by("user__email")
    )


def member_get(*, membership: Membership, member_uuid: Any) -> Membership:
    check(membership, "member.view")
    return get_or_404(
        Membership.active.filter(organization_id=membership.organization_id).select_related(
            "user", "organization"
        ),
        uuid=member_uuid,
    )


def invitations_open(*, membership: Membership) -> list[Invitation]:
    check(membership, "member.invite")
    return [
        invitation
        for invitation in Invitation.objects.filter(
            organization_id=membership.organization_id,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        if invitation.is_open
    ]


def invitation_get(*, membership: Membership, invitation_uuid: Any) -> Invitation:
    check(membership, "member.invite")
    return get_or_404(
        Invitation.objects.filter(organization_id=membership.organization_id),
        uuid=invitation_uuid,
    )


def invitation_by_token(*, token: str) -> Invitation | None:
    """The open invitation a link's token belongs to, or None (unknown, used or expired)."""
    invitation = (
        Invitation.objects.select_related("organization")
        .filter(token_hash=token_hash(token))
        .first()
    )
    return invitation if invitation is not None and invitation.is_open else None


def member_counts(*, membership: Membership) -> dict[str, int]:
    check(membership, "org.view")
    rows = (
        Membership.active.filter(organization_id=membership.organization_id)
        .values("role")
        .annotate(n=Count("id"))
    )
    return {row["role"]: row["n"] for row in rows}


def apikeys_of(*, membership: Membership) -> QuerySet[ApiKey]:
    check(membership, "apikey.manage")
    return ApiKey.objects.filter(organization_id=membership.organization_id).select_related(
        "membership__user"
    )


def apikey_get(*, membership: Membership, key_uuid: Any) -> ApiKey:
    return get_or_404(apikeys_of(membership=membership), uuid=key_uuid)


def apikey_for_secret(*, secret: str) -> ApiKey | None:
    """The live key for a presented secret: not revoked, and its creator still a member."""
    if not secret.startswith(API_KEY_PREFIX):
        return None
    prefix = secret[len(API_KEY_PREFIX) :].split("_", 1)[0]
    key = (
        ApiKey.objects.select_related("membership__user", "membership__organization")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if key is None or not hmac.compare_digest(key.key_hash, token_hash(secret)):
        return None
    if not key.membership.is_active or not key.membership.user.is_active:
        return None
    return key


def coalitions_of(*, membership: Membership) -> QuerySet[Coalition]:
    check(membership, "coalition.view")
    return (
        Coalition.objects.filter(
            members__organization_id=membership.organization_id, members__left_at__isnull=True
        )
        .select_related("lead_organization")
        .distinct()
    )


def coalition_get(*, membership: Membership, coalition_uuid: Any) -> Coalition:
    """A coalition the organization belongs to, or has an open invitation from."""
    check(membership, "coalition.view")
    return get_or_404(
        Coalition.objects.filter(
            Q(members__organization_id=membership.organization_id, members__left_at__isnull=True)
            | Q(
                invitations__organization_id=membership.organization_id,
                invitations__accepted_at__isnull=True,
                invitations__declined_at__isnull=True,
            )
        )
        .select_related("lead_organization")
        .distinct(),
        uuid=coalition_uuid,
    )


def coalition_members_by_sector(
    *, membership: Membership, coalition: Coalition
) -> list[tuple[str, list[Organization]]]:
    """Member organizations grouped under each of their sectors, in vocabulary order."""
    check(membership, "coalition.view")
    orgs = Organization.objects.filter(
        coalition_memberships__coalition=coalition, coalition_memberships__left_at__isnull=True
    ).order_by("name")
    groups: dict[str, list[Organization]] = defaultdict(list)
    for org in orgs:
        for sector in org.sectors or ["other"]:
            groups[sector].append(org)
    return [(gettext(label), groups[key]) for key, label in SECTORS.items() if groups.get(key)]


def coalition_member_count(*, coalition: Coalition) -> int:
    return CoalitionMembership.objects.filter(coalition=coalition, left_at__isnull=True).count()


def coalition_invitations_for(*, membership: Membership) -> list[CoalitionInvitation]:
    check(membership, "coalition.view")
    return [
        invitation
        for invitation in CoalitionInvitation.objects.filter(
            organization_id=membership.organization_id,
            accepted_at__isnull=True,
            declined_at__isnull=True,
        ).select_related("coalition", "coalition__lead_organization")
        if invitation.is_open
    ]


def coalition_invitation_get(
    *, membership: Membership, invitation_uuid: Any
) -> CoalitionInvitation:
    check(membership, "coalition.view")
    return get_or_404(
        CoalitionInvitation.objects.filter(
            organization_id=membership.organization_id
        ).select_related("coalition", "coalition__lead_organization"),
        uuid=invitation_uuid,
    )


INVITE_RESULTS = 10  # at most this many organizations are offered per search
INVITE_MIN_QUERY = 3  # letters of a name needed before any name is offered


def _invitable(coalition: Coalition) -> QuerySet[Organization]:
    return Organization.objects.exclude(
        coalition_memberships__coalition=coalition, coalition_memberships__left_at__isnull=True
    )


def organizations_to_invite(
    *, membership: Membership, coalition: Coalition, query: str = "", sector: str = ""
) -> tuple[list[Organization], bool]:
    """Organizations the lead may invite that match a search, at most ``INVITE_RESULTS`` of them,
    and whether there were more. The instance's organizations are never listed whole: the search
    needs ``INVITE_MIN_QUERY`` letters of a name, or an organization's exact contact e-mail, or a
    sector (which then suggests that sector's organizations in the coalition's state).
    Only names and sectors are shown."""
    check(membership, "coalition.manage")
    if not coalition_access(membership=membership, coalition=coalition).invite:
        return [], False
    query = " ".join(query.split())
    sector = sector if sector in SECTORS else ""
    orgs = _invitable(coalition)
    if "@" in query:
        orgs = orgs.filter(contact_email__iexact=query)
    elif len(query) >= INVITE_MIN_QUERY:
        orgs = orgs.filter(name__icontains=query)
    elif sector:
        orgs = orgs.filter(state_fips=coalition.state_fips)
    else:
        return [], False
    if sector:
        # sectors is a JSON list of vocabulary keys: its text holds each key in quotes
        orgs = orgs.filter(sectors__icontains=f'"{sector}"')
    found = list(orgs.order_by("name", "id")[: INVITE_RESULTS + 1])
    return found[:INVITE_RESULTS], len(found) > INVITE_RESULTS


def organization_to_invite_get(
    *, membership: Membership, coalition: Coalition, organization_uuid: Any
) -> Organization:
    """One organization the lead found by search and may invite (404 if it may not)."""
    check(membership, "coalition.manage")
    if not coalition_access(membership=membership, coalition=coalition).invite:
        raise Http404
    return get_or_404(_invitable(coalition), uuid=organization_uuid)


def user_by_email(*, email: str) -> User | None:
    return User.objects.filter(email=email.strip().lower()).first()


# Coalition membership as other apps need it (plans of a coalition) -------------------------


def coalition_ids_of(*, organization_id: int) -> QuerySet[CoalitionMembership, int]:
    """The coalitions the organization is a member of now."""
    return CoalitionMembership.objects.filter(
        organization_id=organization_id, left_at__isnull=True
    ).values_list("coalition_id", flat=True)


def coalition_member_ids(*, coalition_id: int) -> set[int]:
    """The organizations that are members of the coalition now."""
    return set(
        CoalitionMembership.objects.filter(
            coalition_id=coalition_id, left_at__isnull=True
        ).values_list("organization_id", flat=True)
    )


def coalition_organizations(*, coalition_id: int) -> QuerySet[Organization]:
    """The coalition's member organizations now, by name."""
    return Organization.objects.filter(
        coalition_memberships__coalition_id=coalition_id,
        coalition_memberships__left_at__isnull=True,
    ).order_by("name")


def is_coalition_member(*, coalition_id: int, organization_id: int) -> bool:
    return CoalitionMembership.objects.filter(
        coalition_id=coalition_id, organization_id=organization_id, left_at__isnull=True
    ).exists()


def organization_names(*, uuids: Iterable[str]) -> dict[str, str]:
    """Organization uuid (as text) → name, for the given uuids that exist."""
    return {
        str(org_uuid): name
        for org_uuid, name in Organization.objects.filter(uuid__in=list(uuids)).values_list(
            "uuid", "name"
        )
    }


def member_organizations(
    *, user_ids: Iterable[int], organization_ids: Iterable[int]
) -> list[tuple[int, int, str]]:
    """(user id, organization id, organization name) of each membership of these people in these
    organizations, oldest membership first, to say which organization a person acted for."""
    return list(
        Membership.objects.filter(
            user_id__in=list(user_ids), organization_id__in=list(organization_ids)
        )
        .order_by("created_at")
        .values_list("user_id", "organization_id", "organization__name")
    )
