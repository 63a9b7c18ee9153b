from django.apps import AppConfig


class CoproductionConfig(AppConfig):
    name = "coproduction"
    verbose_name = "Co-production"

    def ready(self) -> None:
        from coproduction import checks

        checks.register_all()
