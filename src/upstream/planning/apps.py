from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "upstream.planning"
    label = "planning"
    verbose_name = "Prevention planning"
