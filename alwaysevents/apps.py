from django.apps import AppConfig


class AlwaysEventsConfig(AppConfig):
    """The project package as an app: hooks that hold for every app, installed first.

    Listed first in INSTALLED_APPS so that `ready` runs before any other app's (the admin's
    autodiscovery and our apps' `ready` import forms and views).
    """

    name = "alwaysevents"
    verbose_name = "Always Events"

    def ready(self) -> None:
        from alwaysevents.validators import install_text_checks

        # Nothing stored that the app cannot show (ADR 5): every text field of every form and
        # API serializer refuses control characters, without each form having to ask for it.
        # Fields copy `default_validators` when they are made, hence here and first.
        install_text_checks()
