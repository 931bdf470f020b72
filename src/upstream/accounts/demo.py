"""Invented demo organizations, a county coalition and one demo user per role.

Everything here is fictional: organization names are made up and emails use example.org.
Two-factor sign-in is enforced in the demo too; ``upstream demo code EMAIL`` prints the current
one-time code of a demo user so that a newcomer can sign in without an authenticator app.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from upstream.accounts import services
from upstream.accounts.models import Coalition, CoalitionMembership, Membership, Organization, User
from upstream.accounts.policy import Role, requires_two_factor

DEMO_PASSWORD = "demo-upstream-password"  # noqa: S105 (invented accounts in demo mode only)
DEMO_DOMAIN = "demo.example.org"
STATE, COUNTY = "39", "39049"  # Franklin County, Ohio: the place is real, the organizations are not

ORGANIZATIONS: list[tuple[str, list[str]]] = [
    ("Riverbend Public Health District", ["health-care", "state-local-government"]),
    ("Riverbend Behavioral Health Partners", ["behavioral-health"]),
    ("Riverbend Children and Family Services", ["child-welfare", "state-local-government"]),
    ("Riverbend Schools Consortium", ["education"]),
    ("Harbor Light Youth Shelter", ["runaway-homeless-youth", "housing"]),
    ("Riverbend Workforce Alliance", ["workforce-labor", "business-industry"]),
    ("Riverbend County Sheriff's Trafficking Unit", ["law-enforcement"]),
    ("Riverbend Legal Aid", ["justice-legal", "immigration-refugee"]),
    ("Survivors Rising Collective", ["survivor-led"]),
    ("Interfaith Outreach Network", ["faith-based"]),
]
LEAD = ORGANIZATIONS[0][0]
COALITION = "Riverbend County Anti-Trafficking Coalition"


def demo_email(role: str) -> str:
    return f"{role}@{DEMO_DOMAIN}"


@transaction.atomic
def load_demo(stdout: Any) -> None:
    orgs: dict[str, Organization] = {}
    for name, sectors in ORGANIZATIONS:
        org = Organization.objects.filter(name=name).first()
        if org is None:
            org = services.organization_create(
                actor=None,
                name=name,
                sectors=sectors,
                state_fips=STATE,
                county_fips=COUNTY,
                contact_email=f"info@{DEMO_DOMAIN}",
            )
        orgs[name] = org
    lead = orgs[LEAD]
    for role in Role:
        email = demo_email(role.value)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, DEMO_PASSWORD, full_name=f"Demo {role.label.lower()}"
            )
        if not Membership.active.filter(user=user, organization=lead).exists():
            services.membership_create(actor=None, user=user, organization=lead, role=role)
        if requires_two_factor(role) and not TOTPDevice.objects.filter(user=user).exists():
            TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
    coalition = Coalition.objects.filter(name=COALITION).first()
    if coalition is None:
        admin = Membership.active.get(user__email=demo_email(Role.ADMIN), organization=lead)
        coalition = services.coalition_create(
            actor=admin,
            name=COALITION,
            state_fips=STATE,
            county_fips=[COUNTY],
            description="Invented county coalition: partners from every sector plan prevention.",
        )
    for org in orgs.values():
        CoalitionMembership.objects.get_or_create(
            coalition=coalition, organization=org, left_at=None
        )
    stdout.write(
        f"Demo accounts: {', '.join(demo_email(r.value) for r in Role)}; "
        f"password {DEMO_PASSWORD!r}."
    )
    stdout.write(
        "Admin, screener and provider must give a one-time code: "
        "print it with `upstream demo code EMAIL`."
    )


def is_demo_account(email: str) -> bool:
    return email.lower().endswith("@" + DEMO_DOMAIN)


def demo_accounts() -> list[dict[str, Any]]:
    """The demo accounts that exist, one per role, for the sign-in page in demo mode."""
    emails = {demo_email(role.value): role for role in Role}
    present = set(
        User.objects.filter(email__in=emails, is_active=True).values_list("email", flat=True)
    )
    return [
        {
            "email": email,
            "role": role.label,
            "password": DEMO_PASSWORD,
            "needs_code": requires_two_factor(role),
        }
        for email, role in emails.items()
        if email in present
    ]


def current_code(email: str) -> str | None:
    """The demo user's one-time code that signs in now, or None if there is no such demo user.

    A code is accepted once: when this step's code was already used (signing in, then confirming
    identity within the same 30 seconds), the next step's code is given, which the device's
    tolerance of one step accepts.
    """
    if not is_demo_account(email):
        return None
    device = TOTPDevice.objects.filter(user__email=email.lower(), confirmed=True).first()
    if device is None:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    step = totp.t()
    if device.last_t >= step:
        step = device.last_t + 1
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"
