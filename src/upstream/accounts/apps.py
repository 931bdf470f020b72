from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "upstream.accounts"
    label = "accounts"
    verbose_name = "Organizations, coalitions and accounts"

    def ready(self) -> None:
        from upstream.accounts import signals  # noqa: F401  (audits sign-in events)
