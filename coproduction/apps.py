from django.apps import AppConfig


class CoproductionConfig(AppConfig):
    name = "coproduction"
    verbose_name = "Co-production"

    def ready(self) -> None:
        from coproduction import checks
        from programmes.views.event_base import register_tab

        checks.register_all()
        register_tab("coproduction:event-coproduction", "Co-production", 33)
