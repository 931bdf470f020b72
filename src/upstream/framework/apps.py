from django.apps import AppConfig


class FrameworkConfig(AppConfig):
    name = "upstream.framework"
    label = "framework"
    verbose_name = "Framework knowledge base"
