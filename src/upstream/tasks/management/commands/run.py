from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from upstream.settings import env_int


class Command(BaseCommand):
    # Lazy, so it is translated when shown; Django declares it as str.
    help = gettext_lazy(  # type: ignore[assignment]
        "Serve Upstream and run one background worker beside it; Ctrl-C stops both."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("UPSTREAM_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=env_int("UPSTREAM_PORT", 8000))

    def handle(self, *args: Any, **options: Any) -> None:
        upstream = [sys.executable, "-m", "upstream.cli"]
        serve = [*upstream, "serve", "--host", options["host"], "--port", str(options["port"])]
        children = [
            subprocess.Popen(serve),  # noqa: S603  (our own command, no shell)
            subprocess.Popen([*upstream, "worker"]),  # noqa: S603
        ]
        code = 0
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
            stopped = next(child for child in children if child.returncode is not None)
            code = stopped.returncode
        except KeyboardInterrupt:
            pass  # Ctrl-C reached the children too (same process group)
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        if code:
            raise CommandError(
                _("a process stopped with exit status %(code)s; both are stopped") % {"code": code}
            )
