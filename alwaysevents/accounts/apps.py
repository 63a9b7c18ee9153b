from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "alwaysevents.accounts"
    label = "accounts"
    verbose_name = "Accounts"
