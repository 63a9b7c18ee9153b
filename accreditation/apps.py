from django.apps import AppConfig


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = "Accreditation"

    def ready(self) -> None:
        from programmes.views.event_base import register_tab

        register_tab("accreditation:event-accreditation", "Accreditation", 80)

        from accreditation import timeline

        timeline.register()
