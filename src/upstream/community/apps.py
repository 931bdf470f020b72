from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "upstream.community"
    label = "community"
    verbose_name = "Community risk analytics"
