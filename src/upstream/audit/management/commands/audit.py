from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from upstream.audit.chain import verify_chain
from upstream.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Audit log tools: `upstream audit verify` checks the hash chain of every event."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Check the hash chain; exit 1 at the first break.")
        verify.add_argument(
            "--expect-head",
            default="",
            help="A head hash recorded earlier; fail if it is no longer in the chain's history.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if result.broken is not None:
            raise CommandError(
                f"audit chain broken at event #{result.broken.seq} ({result.broken.uuid}): "
                f"{result.reason}. {result.checked} events before it are intact."
            )
        expect = options.get("expect_head") or ""
        if expect and not AuditEvent.objects.filter(hash=expect).exists():
            raise CommandError(f"the recorded head {expect} is no longer in the chain.")
        self.stdout.write(
            self.style.SUCCESS(f"audit chain intact: {result.checked} events, head {result.head}")
        )
