from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programmes"

    def ready(self) -> None:
        from programmes import checks, home_due

        checks.register_all()
        home_due.register_all()
