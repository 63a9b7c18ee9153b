"""The version of each organisation's data, for caches of pages derived from it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class DataChange(models.Model):
    """One write to an organisation's data, appended in the writer's own transaction
    (`alwaysevents.reporting.versions`). Rows are only ever added, never updated, so writers
    in the same organisation never wait on one another for it. The organisation's version is
    read from its rows by index (`data_version`: how many, the latest id and time); an hourly
    task prunes all but each organisation's latest (each event's latest per app, see `event_id`).

    `event_id` names the Always Event the write belongs to when it belongs to one (a value
    posted to one of its measures, a score, a challenge...), so that caches drawn per event
    (the dashboard's cards) redraw only that event's; empty for everything else, which
    every event's cache depends on. A plain number, not a key: it must outlive the event."""

    organisation = models.ForeignKey(
        "programmes.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    at = models.DateTimeField(default=timezone.now)
    event_id = models.IntegerField(null=True, blank=True)
    #: With `event_id`: the label of the app whose rows were written (a value posted is
    #: "measurement"), so that a cache drawn from other apps' rows keeps (`EventVersions.of`).
    app = models.CharField(max_length=50, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["organisation", "-id"], name="reporting_change_latest")]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.pk} at {self.at:%Y-%m-%d %H:%M:%S}"
