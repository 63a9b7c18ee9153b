from django.apps import AppConfig


class MeasurementConfig(AppConfig):
    name = "measurement"
    verbose_name = "Measurement"

    def ready(self) -> None:
        from measurement import checks
        from programmes.views.event_base import register_tab

        checks.register_all()
        register_tab("measurement:measure-list", "Measures", 30)
        register_tab("measurement:driver-diagram", "Testing changes", 35)
