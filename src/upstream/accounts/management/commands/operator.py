from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from upstream.accounts import services
from upstream.core.models import InstanceOperator


class Command(BaseCommand):
    # Lazy, so it is translated when shown; Django declares it as str.
    help = gettext_lazy(  # type: ignore[assignment]
        "Grant, revoke or list instance operators (they see the periodic jobs page)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help=_("Every instance operator."))
        sub.add_parser("grant", help=_("Grant operator rights.")).add_argument("email")
        sub.add_parser("revoke", help=_("Revoke operator rights.")).add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            for row in InstanceOperator.objects.select_related("user").order_by("user__email"):
                self.stdout.write(row.user.email)
            return
        try:
            if action == "grant":
                changed = services.operator_grant(email=options["email"])
            else:
                changed = services.operator_revoke(email=options["email"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(_("Done.") if changed else _("Nothing to change."))
