from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def demo_modules() -> list[ModuleType]:
    """Each Upstream app's ``demo`` module, in INSTALLED_APPS order (lower layers first, so the
    framework and the accounts exist before the plans that use them).

    A ``demo`` module has ``load_demo(stdout)``; the accounts one also has ``current_code(email)``.
    Found by name, so ``core`` depends on no app above it.
    """
    return [
        importlib.import_module(f"{config.name}.demo")
        for config in apps.get_app_configs()
        if config.name.startswith("upstream.") and module_has_submodule(config.module, "demo")
    ]


class Command(BaseCommand):
    # Lazy, so it is translated when shown; Django declares it as str.
    help = gettext_lazy(  # type: ignore[assignment]
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
        with transaction.atomic():  # all the demo content, or none of it
            for module in demo_modules():
                module.load_demo(self.stdout)
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(_("Demo ready. Open %(url)s") % {"url": url}))
        self.stdout.write(
            _("Sign in at %(url)s with a demo account listed above.")
            % {"url": f"{url}account/sign-in/"}
        )

    def _code(self, email: str) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(_("`demo code` works only in demo mode (UPSTREAM_DEMO=1)."))
        codes = [m.current_code for m in demo_modules() if hasattr(m, "current_code")]
        code = codes[0](email) if codes else None
        if code is None:
            raise CommandError(
                _("%(email)s is not a demo user with two-factor sign-in.")
                % {"email": email or "EMAIL"}
            )
        self.stdout.write(code)
