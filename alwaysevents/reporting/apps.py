from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Dashboards, scheduled reports, reminders and notifications (issue 7).

    Reads the domain apps through their selectors and writes nothing of theirs.
    """

    name = "alwaysevents.reporting"
    label = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        from alwaysevents.reporting import versions
        from programmes import versions as event_pages

        versions.connect()
        event_pages.register(versions.release_event_version)
