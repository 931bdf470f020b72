from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from upstream.accounts import services
from upstream.core.models import InstanceOperator


class Command(BaseCommand):
    help = "Grant, revoke or list instance operators (they see the periodic jobs page)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Every instance operator.")
        for name in ("grant", "revoke"):
            sub.add_parser(name, help=f"{name.capitalize()} operator rights.").add_argument("email")

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
        self.stdout.write("Done." if changed else "Nothing to change.")
