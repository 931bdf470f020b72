from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from upstream.core import keys
from upstream.core.crypto import configured_keyring, keyring
from upstream.core.keyring import generate_entry
from upstream.tasks.background import Progress, start


class _Printed(Progress):
    def __init__(self, command: BaseCommand) -> None:
        super().__init__()
        self.command = command

    def report(self, fraction: float, message: str = "") -> None:
        super().report(fraction, message)
        self.command.stdout.write(f"{self.fraction:6.1%}  {self.message}")


class Command(BaseCommand):
    # Lazy, so it is translated when shown; Django declares it as str.
    help = gettext_lazy(  # type: ignore[assignment]
        "Data keys of personal data: `upstream keys generate` prints a new keyring entry; "
        "`upstream keys status` shows which key encrypts how many values and whether the "
        "keyring reads them; `upstream keys rotate` re-encrypts everything to the current key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        generate = sub.add_parser("generate", help=_("Print a new keyring entry (<id>:<base64>)."))
        generate.add_argument(
            "--id", default="", help=_("Key id (default: k<n+1> after the keyring's).")
        )
        sub.add_parser("status", help=_("Keys in the keyring and the values each encrypts."))
        rotate = sub.add_parser(
            "rotate",
            help=_(
                "Re-encrypt every value to the current (first) key, as a background task "
                "(resumable: run it again after a crash)."
            ),
        )
        rotate.add_argument("--batch-size", type=int, default=keys.BATCH_SIZE)
        rotate.add_argument(
            "--foreground", action="store_true", help=_("Run here, printing progress, and wait.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None

    def _generate(self, options: dict[str, Any]) -> None:
        key_id = options["id"]
        if not key_id:
            ring = configured_keyring()
            numbers = [int(i[1:]) for i in (ring.ids if ring else ()) if i[1:].isdigit()]
            key_id = f"k{max(numbers, default=0) + 1}"
        try:
            entry = generate_entry(key_id)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(entry)
        self.stderr.write(
            _(
                "Put it first in UPSTREAM_DATA_KEY, keep the old keys after it, restart, then run "
                "`upstream keys rotate`. Keep a copy: without the key the data cannot be read."
            )
        )

    def _status(self, options: dict[str, Any]) -> None:
        ring = configured_keyring()
        if ring is None:
            self.stdout.write(_("UPSTREAM_DATA_KEY is not set."))
        else:
            self.stdout.write(
                _("keyring: %(ids)s (current: %(current)s)")
                % {"ids": ", ".join(ring.ids), "current": ring.current}
            )
        for column, counter in keys.key_usage().items():
            used = ", ".join(f"{k}={n}" for k, n in sorted(counter.items())) or _("no values")
            self.stdout.write(f"  {column}: {used}")
        problems = keys.keyring_problems()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(_("the keyring cannot read the stored personal data"))
        if ring is not None:
            stale = keys.stale_count()
            if stale:
                self.stdout.write(
                    ngettext(
                        "%(count)d row still uses an older key: run `upstream keys rotate`.",
                        "%(count)d rows still use an older key: run `upstream keys rotate`.",
                        stale,
                    )
                    % {"count": stale}
                )
            else:
                self.stdout.write(
                    self.style.SUCCESS(
                        _("every value uses the current key %(key)s.") % {"key": ring.current}
                    )
                )

    def _rotate(self, options: dict[str, Any]) -> None:
        ring = keyring()
        problems = keys.keyring_problems()
        if problems:
            raise CommandError(" ".join(problems))
        if options["batch_size"] < 1:
            raise CommandError(_("--batch-size must be at least 1"))
        if options["foreground"]:
            result = keys.rotate(batch_size=options["batch_size"], progress=_Printed(self))
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "re-encrypted %(rotated)d rows to key %(key)s in %(passes)d pass(es); "
                        "%(remaining)d rows left on older keys."
                    )
                    % {
                        "rotated": result.rotated_rows,
                        "key": ring.current,
                        "passes": result.passes,
                        "remaining": result.remaining,
                    }
                )
            )
            if result.remaining:
                raise CommandError(_("some rows kept changing: run `upstream keys rotate` again."))
            return
        run = start(keys.rotate_in_background, batch_size=options["batch_size"])
        self.stdout.write(
            _(
                "rotation queued as task run %(uuid)s; a worker (`upstream worker`) runs it. "
                "Follow it with `upstream keys status`."
            )
            % {"uuid": run.uuid}
        )
