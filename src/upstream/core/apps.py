from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "upstream.core"
    label = "core"
    verbose_name = "Upstream core"

    def ready(self) -> None:
        from upstream.core import checks  # noqa: F401  (registers system checks)
