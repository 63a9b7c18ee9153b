from django.apps import AppConfig


class MeasurementConfig(AppConfig):
    name = "measurement"
    verbose_name = "Measurement"

    def ready(self) -> None:
        from measurement import checks, home
        from measurement.plain_charts import plain_charts_for_event
        from programmes import home as programmes_home
        from programmes import plain_charts
        from programmes.views.event_base import register_tab

        checks.register_all()
        programmes_home.register(home.ACTION, home.SECTION)
        from measurement import home_cycles

        programmes_home.register(home_cycles.ACTION, home_cycles.SECTION)
        plain_charts.register("measurement", plain_charts_for_event)
        register_tab("measurement:measure-list", "Measures", 30)
        register_tab("measurement:driver-diagram", "Testing changes", 35)

        from measurement import timeline

        timeline.register()
