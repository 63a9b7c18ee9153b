"""A version of each organisation's data, for caches of pages derived from it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class DataVersion(models.Model):
    """Moves on with every write to the organisation's data, in the writer's transaction
    (`alwaysevents.reporting.versions`). A cached page keyed on (`version`, `changed_at`) can
    never be served after the data under it changed: the pair names one state of the data,
    even across a database restored from a backup (the time differs)."""

    organisation = models.OneToOneField(
        "programmes.Organisation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.version}"
