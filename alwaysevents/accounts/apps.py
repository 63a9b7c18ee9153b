from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "alwaysevents.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from alwaysevents.accounts import session_timeout  # noqa: F401 - connects its receiver
