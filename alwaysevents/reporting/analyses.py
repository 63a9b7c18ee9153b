"""Each measure's analysis as the dashboard shows it, computed when its data is written.

What the dashboard reads of a measure's analysis (its small chart with its points' variation,
its variation and assurance icons, its latest value and period: `MeasureAnalysis`) is worked
out once, right after a write to the measure, its data points or its phases commits, and kept
in the cache under the measure and the version its event's measurement data is in
(`analysis_version`: every such write moves it on, bulk ones included, as does any change
shared by all events; a score or a challenge does not) and the release. The dashboard then
reads the analyses of an event's measures in one cache round trip instead of loading their
points and analysing them. An analysis missing from the cache (expired, evicted, a bulk write,
or written before this code) is computed from the data as before and kept for the next reader,
so nothing depends on the write having been seen.

Like every other cache drawn from versions: the version is read *before* the data, so what is
kept under a version is at least as new as that version names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import transaction

from alwaysevents.page_cache import cache_key, release_fingerprint
from measurement.charts import Sparkline, measure_sparklines
from measurement.models import DataPoint, Measure, Phase
from measurement.selectors.measures import MeasureSeries, measure_series_of

if TYPE_CHECKING:
    from alwaysevents.reporting.versions import EventVersions

#: Found again only under the version of its event's data: this bounds how long an old one is kept.
CACHE_SECONDS = 24 * 60 * 60
#: The rows whose write changes a measure's analysis (each names its measure).
ANALYSED = (Measure, DataPoint, Phase)
MEASUREMENT_APP = Measure._meta.app_label


@dataclass(frozen=True)
class MeasureAnalysis:
    """What the dashboard shows of a measure's analysis: its small chart (None without data;
    with its icons, latest value and label) and the period of its latest point."""

    sparkline: Sparkline | None
    latest_period: dt.date | None


def analysis_version(versions: EventVersions, event_id: int) -> str:
    """The version an analysis of a measure of this event is kept under: that of the event's
    rows of the measurement app (measures, points, phases...) and of what is shared."""
    return versions.of(event_id, only=(MEASUREMENT_APP,))


def analysis_key(measure_id: int, version: str) -> str:
    """Where a measure's analysis is kept: the release (templates and code, the analysis
    engine's included), the measure and the version of its event's data."""
    return cache_key("reporting:measure-analysis", release_fingerprint(), measure_id, version)


def analyse(series: Sequence[MeasureSeries]) -> dict[int, MeasureAnalysis]:
    """The analyses of measures with their points and phases, by measure id (no queries)."""
    sparklines = measure_sparklines([(s.measure, s.points, s.phases) for s in series])
    return {
        s.measure.pk: MeasureAnalysis(
            sparkline=sparklines[s.measure.pk], latest_period=s.latest_period
        )
        for s in series
    }


def measure_analyses(
    measures: Sequence[Measure], *, version_of: Callable[[Measure], str]
) -> dict[int, MeasureAnalysis]:
    """The analyses of these measures, by measure id: those kept under `version_of(measure)`
    from the cache (one round trip), the others computed from their data (two queries for all
    of them) and kept."""
    keys = {measure.pk: analysis_key(measure.pk, version_of(measure)) for measure in measures}
    found = cache.get_many(list(keys.values())) if keys else {}
    analyses = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [measure for measure in measures if measure.pk not in analyses]
    if missing:
        drawn = analyse(measure_series_of(measures=missing))
        cache.set_many({keys[pk]: analysis for pk, analysis in drawn.items()}, CACHE_SECONDS)
        analyses.update(drawn)
    return analyses


def analyses_precompute(*, organisation_id: int, event_ids: Iterable[int]) -> int:
    """Compute the analyses of these events' measures now and keep them under the current
    version of each event's data (read first), for the next view of the dashboard: a write
    moves its event's version on, so every measure of the event is kept again (those whose
    data did not change come from the chart cache without being analysed again). Four
    queries. Returns how many measures were analysed."""
    from alwaysevents.reporting.versions import event_versions

    ids = sorted(set(event_ids))
    if not ids:
        return 0
    versions = event_versions(organisation_id)
    measures = list(
        Measure.objects.with_scope(organisation=organisation_id)
        .filter(organisation_id=organisation_id, event_id__in=ids)
        .order_by("pk")
    )
    drawn = analyse(measure_series_of(measures=measures))
    by_pk = {measure.pk: measure for measure in measures}
    cache.set_many(
        {
            analysis_key(pk, analysis_version(versions, by_pk[pk].event_id)): analysis
            for pk, analysis in drawn.items()
        },
        CACHE_SECONDS,
    )
    return len(drawn)


class _Pending:
    """The measures and events written to on one database connection whose analyses are not
    computed yet. Each write registers a commit hook; the first to run computes everything
    pending once (a measure deleted with its hundred points is looked at once, and the other
    hooks find nothing to do). A write rolled back leaves its measure pending: it is analysed
    again with the next commit, which costs a little and is never wrong."""

    def __init__(self) -> None:
        self.measures: dict[int, int] = {}  # measure id: organisation id
        self.events: dict[int, int] = {}  # event id: organisation id

    def add(self, organisation_id: int, row: Any) -> None:
        if isinstance(row, Measure):
            self.events[row.event_id] = organisation_id
        elif row.measure_id is not None:
            self.measures[row.measure_id] = organisation_id

    def __call__(self) -> None:
        measures, events = self.measures, self.events
        self.measures, self.events = {}, {}
        by_organisation: dict[int, set[int]] = {}
        for event_id, organisation_id in events.items():
            by_organisation.setdefault(organisation_id, set()).add(event_id)
        for organisation_id in measures.values():
            by_organisation.setdefault(organisation_id, set())
        for organisation_id, event_ids in by_organisation.items():
            ids = [pk for pk, organisation in measures.items() if organisation == organisation_id]
            if ids:
                event_ids.update(
                    Measure.objects.with_scope(organisation=organisation_id)
                    .filter(pk__in=ids)
                    .values_list("event_id", flat=True)
                )
            analyses_precompute(organisation_id=organisation_id, event_ids=event_ids)


def _pending() -> _Pending:
    connection = transaction.get_connection()
    pending = getattr(connection, "_ae_pending_analyses", None)
    if pending is None:
        pending = _Pending()
        connection._ae_pending_analyses = pending
    return pending


def on_write(
    sender: type, organisation_ids: frozenset[int], rows: tuple[Any, ...] = (), **kwargs: Any
) -> None:
    """A measure, one of its points or phases was written (one row, see `tenancy.changes`):
    once the transaction commits, compute the analyses of its event's measures for the next
    reader. A failure there is logged and leaves the reader to compute them."""
    if len(rows) != 1 or not isinstance(rows[0], ANALYSED) or len(organisation_ids) != 1:
        return
    (organisation_id,) = organisation_ids
    pending = _pending()
    pending.add(organisation_id, rows[0])
    transaction.on_commit(pending, robust=True)
