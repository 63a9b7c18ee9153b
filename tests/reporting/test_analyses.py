"""Each measure's analysis is computed when its data is written and read back by the dashboard
(`alwaysevents.reporting.analyses`): the dashboard then reads no points, what it shows is what
a fresh analysis shows after any change to the measure, and a missing analysis is computed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alwaysevents.reporting import analyses
from alwaysevents.reporting.versions import event_versions
from alwaysevents.reporting.views.dashboard_body import dashboard_body
from alwaysevents.tenancy.scope import organisation_scope
from measurement.models import DataPoint, Measure, Phase
from measurement.selectors.measures import measure_series_of
from measurement.services.measures import (
    data_point_exclude,
    data_point_save,
    measure_update,
    phase_add,
    phase_remove,
)
from tests.reporting.data import rich_event

pytestmark = pytest.mark.django_db

FROZEN = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(FROZEN, tick=True):
        yield


@pytest.fixture
def event(organisation, sponsor):
    event = rich_event(organisation, sponsor=sponsor, title="Plan for the day")
    rich_event(organisation, sponsor=sponsor, title="Another event")
    return event


def _measure(event, name="Told the plan"):
    with organisation_scope(event.organisation):
        return Measure.objects.select_related("organisation").get(event=event, name=name)


def _latest(measure):
    with organisation_scope(measure.organisation):
        return measure.points.order_by("-period").first()


def _stored(measure):
    """The analysis kept for the measure under the current version, or None."""
    version = analyses.analysis_version(event_versions(measure.organisation_id), measure.event_id)
    return cache.get(analyses.analysis_key(measure.pk, version))


def _fresh(measure):
    """The measure's analysis computed now from its data, as before this cache."""
    with organisation_scope(measure.organisation):
        measure = Measure.objects.get(pk=measure.pk)
        return analyses.analyse(measure_series_of(measures=[measure]))[measure.pk]


def _same(one, other):
    assert one is not None and other is not None
    assert one.latest_period == other.latest_period
    assert (one.sparkline is None) == (other.sparkline is None)
    if one.sparkline is not None:
        assert one.sparkline == other.sparkline


def _body(rf, organisation, sponsor):
    request = rf.get(reverse("reporting:dashboard", kwargs={"org_slug": organisation.slug}))
    request.user = sponsor
    return dashboard_body(organisation=organisation, request=request)


def _point_save(measure, by):
    latest = _latest(measure)
    data_point_save(measure=measure, period=latest.period, by=by, value=Decimal("12345"))


def _point_add(measure, by):
    latest = _latest(measure)
    data_point_save(
        measure=measure, period=latest.period + dt.timedelta(weeks=1), by=by, value=Decimal("3")
    )


def _point_delete(measure, by):
    with organisation_scope(measure.organisation):
        _latest(measure).delete()


def _point_exclude(measure, by):
    data_point_exclude(point=_latest(measure), reason="Counted twice", by=by)


def _target(measure, by):
    measure_update(measure=measure, by=by, target=Decimal("50"))


def _no_target(measure, by):
    measure_update(measure=measure, by=by, target=None)


def _direction(measure, by):
    measure_update(measure=measure, by=by, direction=Measure.Direction.LOWER)


def _baseline(measure, by):
    """Limits fixed on the first 12 points (of 20: one phase, its own removed first)."""
    _phase_removed(measure, by)
    measure_update(measure=measure, by=by, fix_limits_after=12)


def _renamed(measure, by):
    measure_update(measure=measure, by=by, name="Patients told the plan")


def _phase_added(measure, by):
    with organisation_scope(measure.organisation):
        periods = list(measure.points.order_by("period").values_list("period", flat=True))
    phase_add(measure=measure, start_period=periods[3], reason="A new script", by=by)


def _phase_removed(measure, by):
    with organisation_scope(measure.organisation):
        phase = Phase.objects.filter(measure=measure).first()
    phase_remove(phase=phase, by=by)


CHANGES = [
    _point_save,
    _point_add,
    _point_delete,
    _point_exclude,
    _target,
    _no_target,
    _direction,
    _baseline,
    _renamed,
    _phase_added,
    _phase_removed,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
def test_after_any_change_the_stored_analysis_is_a_fresh_one_and_the_dashboard_the_same(
    rf, organisation, sponsor, event, change, django_capture_on_commit_callbacks
):
    measure = _measure(event)
    _body(rf, organisation, sponsor)  # drawn and cached before the change
    before = _fresh(measure)
    with django_capture_on_commit_callbacks(execute=True):
        change(measure, sponsor)
    stored = _stored(measure)
    _same(stored, _fresh(measure))
    # The change shows: the analysis kept is not the one from before.
    assert stored != before
    # The dashboard drawn from the analyses computed on write is the one drawn from scratch.
    drawn = _body(rf, organisation, sponsor)
    cache.clear()
    assert _body(rf, organisation, sponsor).html == drawn.html
    assert _body(rf, organisation, sponsor).status_html == drawn.status_html


def _dashboard_queries(client, organisation):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("reporting:dashboard", kwargs={"org_slug": organisation.slug})
        )
    assert response.status_code == 200
    return queries, response.content.decode()


def _reads_points(queries):
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    return "measurement_datapoint" in sql or "measurement_phase" in sql


def test_the_dashboard_reads_the_analyses_computed_on_write_and_no_points(
    client_for, organisation, sponsor, event, django_capture_on_commit_callbacks
):
    client = client_for(sponsor)
    measure = _measure(event)
    _dashboard_queries(client, organisation)
    counts = []
    for value in ("101", "102", "103"):
        with django_capture_on_commit_callbacks(execute=True):
            data_point_save(
                measure=measure, period=_latest(measure).period, by=sponsor, value=Decimal(value)
            )
        queries, html = _dashboard_queries(client, organisation)
        assert not _reads_points(queries)
        assert f"{value}<span" in html
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] == counts[2]  # the same few queries each time
    # Without the analyses (the write not seen: a bulk write, an evicted entry), the points
    # of the changed event's measures are read and analysed: two more queries.
    with django_capture_on_commit_callbacks(execute=False):
        data_point_save(
            measure=measure, period=_latest(measure).period, by=sponsor, value=Decimal("104")
        )
    queries, html = _dashboard_queries(client, organisation)
    assert _reads_points(queries)
    assert len(queries.captured_queries) == counts[0] + 2
    assert "104<span" in html
    # What the reader computed is kept for the next.
    _same(_stored(measure), _fresh(measure))


def test_a_missing_analysis_is_computed_and_matches(
    rf, organisation, sponsor, event, django_capture_on_commit_callbacks
):
    measure = _measure(event)
    with django_capture_on_commit_callbacks(execute=True):
        _point_save(measure, sponsor)
    version = analyses.analysis_version(event_versions(organisation.pk), event.pk)
    cache.delete(analyses.analysis_key(measure.pk, version))
    found = analyses.measure_analyses([measure], version_of=lambda m: version)
    _same(found[measure.pk], _fresh(measure))
    _same(_stored(measure), _fresh(measure))


def test_a_rolled_back_write_computes_nothing_and_the_next_transaction_does(
    organisation, sponsor, event, django_capture_on_commit_callbacks
):
    from django.db import transaction

    measure = _measure(event)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _point_save(measure, sponsor)
        raise RuntimeError("the service failed")
    assert callbacks == []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _point_add(measure, sponsor)
    assert callbacks
    _same(_stored(measure), _fresh(measure))


def test_one_transaction_analyses_each_event_once(
    organisation, sponsor, event, django_capture_on_commit_callbacks, monkeypatch
):
    """A measure deleted with its points is looked at once, not once a point."""
    measure = _measure(event)
    other = _measure(event, name="Complaints")
    calls = []
    precompute = analyses.analyses_precompute

    def counted(**kwargs):
        calls.append(kwargs)
        return precompute(**kwargs)

    monkeypatch.setattr(analyses, "analyses_precompute", counted)
    with organisation_scope(organisation):
        assert DataPoint.objects.filter(measure=measure).count() > 2
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        organisation_scope(organisation),
    ):
        measure.delete()
    assert len(callbacks) > 2  # one a row deleted
    assert len(calls) == 1  # the first computes, the others find nothing left
    assert event.pk in calls[0]["event_ids"]
    # The event's other measure is kept under the new version.
    _same(_stored(other), _fresh(other))


def test_other_organisations_writes_compute_nothing_of_ours(
    organisation, other_organisation, sponsor, event, django_capture_on_commit_callbacks
):
    theirs = rich_event(other_organisation, title="Their event")
    measure = _measure(event)
    version = analyses.analysis_version(event_versions(organisation.pk), event.pk)
    analyses.measure_analyses([measure], version_of=lambda m: version)
    ours = _stored(measure)
    assert ours is not None
    with django_capture_on_commit_callbacks(execute=True):
        _point_save(_measure(theirs), None)
    assert _stored(measure) == ours
