from __future__ import annotations

import importlib
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from upstream.framework.pack import shipped_packs
from upstream.framework.services import framework_load_file

# Apps that contribute demo content, each through ``<app>.demo.load_demo(stdout)``, in order.
DEMO_MODULES = ["upstream.accounts.demo", "upstream.planning.demo", "upstream.community.demo"]


class Command(BaseCommand):
    help = (
        "Load the framework packs and the invented demo content (safe to run again); "
        "`upstream demo code EMAIL` prints a demo user's current one-time code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("action", nargs="?", choices=["load", "code"], default="load")
        parser.add_argument("email", nargs="?", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "code":
            self._code(options["email"])
            return
        with transaction.atomic():
            for path in shipped_packs(settings.FRAMEWORK_PACK_DIR):
                self.stdout.write(framework_load_file(path=path).message)
            for name in DEMO_MODULES:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError as exc:
                    if exc.name != name:
                        raise
                    continue
                module.load_demo(self.stdout)
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"Demo ready. Open {url}"))
        self.stdout.write(f"Sign in at {url}account/sign-in/ with a demo account listed above.")

    def _code(self, email: str) -> None:
        from upstream.accounts.demo import current_code

        if not settings.DEMO_MODE:
            raise CommandError("`demo code` works only in demo mode (UPSTREAM_DEMO=1).")
        code = current_code(email)
        if code is None:
            raise CommandError(f"{email or 'EMAIL'} is not a demo user with two-factor sign-in.")
        self.stdout.write(code)
