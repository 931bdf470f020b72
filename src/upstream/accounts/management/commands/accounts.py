from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from upstream.accounts import services
from upstream.accounts.models import Membership, Organization, User
from upstream.core.vocabularies import SECTORS


class Command(BaseCommand):
    # Lazy, so it is translated when shown; Django declares it as str.
    help = gettext_lazy(  # type: ignore[assignment]
        "Operator tasks: `upstream accounts bootstrap` creates an organization and invites its "
        "first administrator; `upstream accounts reset-two-factor EMAIL` forgets the "
        "authenticator and recovery codes of someone who lost both."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        boot = sub.add_parser(
            "bootstrap", help=_("Create an organization and invite its first admin.")
        )
        boot.add_argument("--org", required=True, help=_("Organization name."))
        boot.add_argument(
            "--sector",
            action="append",
            required=True,
            choices=sorted(SECTORS),
            help=_("A sector key (repeat for several)."),
        )
        boot.add_argument("--state", required=True, help=_("State FIPS code, e.g. 39."))
        boot.add_argument("--county", default="", help=_("County FIPS code, e.g. 39049."))
        boot.add_argument("--admin-email", required=True, help=_("Who becomes the first admin."))
        reset = sub.add_parser(
            "reset-two-factor",
            help=_(
                "Forget someone's authenticator and recovery codes and sign them out "
                "everywhere (check who is asking first: their password alone then lets them in)."
            ),
        )
        reset.add_argument("email", help=_("The person's sign-in email."))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "reset-two-factor":
            self._reset_two_factor(options["email"])
        else:
            self._bootstrap(options)

    def _reset_two_factor(self, email: str) -> None:
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(_("No account has the email “%(email)s”.") % {"email": email})
        member = Membership.active.filter(user=user).select_related("organization").first()
        if member is None:
            raise CommandError(
                _("%(email)s belongs to no organization: nothing to protect.") % {"email": email}
            )
        services.two_factor_reset(actor=None, member=member)
        self.stdout.write(
            _(
                "Two-factor sign-in of %(email)s is reset and they are signed out everywhere; "
                "they set it up again at their next sign-in."
            )
            % {"email": user.email}
        )

    def _bootstrap(self, options: dict[str, Any]) -> None:
        if Organization.objects.filter(name=options["org"]).exists():
            raise CommandError(
                _("An organization named “%(name)s” already exists.") % {"name": options["org"]}
            )
        try:
            with transaction.atomic():
                org = services.organization_create(
                    actor=None,
                    name=options["org"],
                    sectors=options["sector"],
                    state_fips=options["state"],
                    county_fips=options["county"],
                )
                _invitation, token = services.invitation_create_by_operator(
                    organization=org, email=options["admin_email"]
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        link = services.absolute_url(reverse("accounts:invitation_accept", args=[token]))
        self.stdout.write(_("Created %(name)s (%(uuid)s).") % {"name": org.name, "uuid": org.uuid})
        self.stdout.write(
            _(
                "The invitation was emailed. It works once, for a limited time; "
                "the link (prefix it with the site's address if it has none) is:\n%(link)s"
            )
            % {"link": link}
        )
