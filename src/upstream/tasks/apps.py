from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "upstream.tasks"
    label = "tasks"
    verbose_name = "Background work"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from upstream.tasks import checks  # noqa: F401  (registers system checks)

        # Each app declares its periodic jobs in its own ``jobs.py``.
        autodiscover_modules("jobs")
