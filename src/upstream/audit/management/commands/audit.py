from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from upstream.audit.chain import chain_heads, hash_in_any_chain, verify_chain


class Command(BaseCommand):
    # Lazy, so it is translated when shown; Django declares it as str.
    help = gettext_lazy(  # type: ignore[assignment]
        "Audit log tools: `upstream audit verify` checks the hash chain of every organization; "
        "`upstream audit heads` prints each chain's last event, to keep outside the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify",
            help=_(
                "Check every chain; exit 1 naming the organization and event of the first break."
            ),
        )
        verify.add_argument(
            "--expect-head",
            action="append",
            default=[],
            metavar="HASH",
            help=_(
                "A head hash recorded earlier (repeatable); fail if it is no longer in any chain."
            ),
        )
        sub.add_parser("heads", help=_("Print each chain's head: organization, sequence, hash."))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "heads":
            for organization, seq, head in chain_heads():
                self.stdout.write(f"{organization}\t{seq}\t{head}")
            return
        result = verify_chain()
        if result.failure is not None:
            raise CommandError(
                _("audit chain broken: %(failure)s") % {"failure": result.failure.describe()}
            )
        for expect in options.get("expect_head") or []:
            if not hash_in_any_chain(expect):
                raise CommandError(
                    _("the recorded head %(hash)s is no longer in any chain.") % {"hash": expect}
                )
        self.stdout.write(
            self.style.SUCCESS(
                _("audit chain intact: %(events)s in %(chains)s")
                % {
                    "events": ngettext("%(count)d event", "%(count)d events", result.checked)
                    % {"count": result.checked},
                    "chains": ngettext("%(count)d chain", "%(count)d chains", result.chains)
                    % {"count": result.chains},
                }
            )
        )
