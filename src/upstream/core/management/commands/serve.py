from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from gunicorn.app.base import BaseApplication

from upstream.settings import env_int


class Command(BaseCommand):
    # Lazy, so it is translated when shown; Django declares it as str.
    help = gettext_lazy(  # type: ignore[assignment]
        "Serve Upstream with gunicorn (production WSGI server; WhiteNoise serves static files)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("UPSTREAM_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=env_int("UPSTREAM_PORT", 8000))
        parser.add_argument(
            "--workers",
            type=int,
            default=env_int("UPSTREAM_WORKERS", 2),
            help=_("Worker processes (default 2, or UPSTREAM_WORKERS)."),
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=env_int("UPSTREAM_THREADS", 4),
            help=_("Threads per worker (default 4, or UPSTREAM_THREADS)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Imported here, not at the top: loading the WSGI application checks the data key against
        # the database, which `upstream --help` (it loads every command) must not do.
        from upstream.wsgi import application  # noqa: PLC0415

        bind = f"{options['host']}:{options['port']}"
        config = {
            "bind": bind,
            "workers": options["workers"],
            "threads": options["threads"],
            "worker_class": "gthread",
            "accesslog": "-",
            # Query strings can carry search words; log only the path.
            "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
            # ...and with single-use tokens in invitation and reset links redacted.
            "logger_class": "upstream.core.access_log.RedactingLogger",
            "timeout": 60,
        }

        class Server(BaseApplication):
            def load_config(self) -> None:
                for key, value in config.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                return application

        self.stdout.write(
            _("Upstream is serving on %(url)s (debug=%(debug)s)")
            % {"url": f"http://{bind}/", "debug": settings.DEBUG}
        )
        Server().run()
