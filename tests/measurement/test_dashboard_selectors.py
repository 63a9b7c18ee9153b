"""Reads for dashboards: measure series of many events, late PDSA cycles, the due period and
a measure's small chart."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measurement.charts import measure_sparkline
from measurement.models import ChangeIdea, DataPoint, Measure, PdsaCycle, Phase
from measurement.selectors.measures import measure_series_for_events
from measurement.selectors.testing import pdsa_cycles_overdue
from tests.factories import AlwaysEventFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 1, 5)


def new_event(organisation):
    return AlwaysEventFactory(organisation=organisation)


def measure(event, name="Told the plan", points=0, **extra):
    scope = {"organisation": event.organisation_id}
    m = Measure.objects.with_scope(**scope).create(
        organisation=event.organisation,
        event=event,
        name=name,
        type=extra.pop("type", Measure.Type.PROCESS),
        definition="Asked at 11am.",
        **extra,
    )
    DataPoint.objects.with_scope(**scope).bulk_create(
        DataPoint(
            organisation=event.organisation,
            measure=m,
            period=MONDAY + dt.timedelta(weeks=week),
            value=Decimal(50 + (40 if week >= 15 else week % 3)),
        )
        for week in range(points)
    )
    return m


def test_last_complete_period():
    weekly = Measure(frequency=Measure.Frequency.WEEKLY)
    monthly = Measure(frequency=Measure.Frequency.MONTHLY)
    wednesday = dt.date(2026, 3, 4)
    assert weekly.last_complete_period(wednesday) == dt.date(2026, 2, 23)
    assert weekly.last_complete_period(dt.date(2026, 3, 2)) == dt.date(2026, 2, 23)
    assert monthly.last_complete_period(wednesday) == dt.date(2026, 2, 1)
    assert monthly.last_complete_period(dt.date(2026, 1, 31)) == dt.date(2025, 12, 1)


def test_measure_series_for_events_in_three_queries(organisation, other_organisation):
    one = new_event(organisation)
    two = new_event(organisation)
    theirs = new_event(other_organisation)
    falls = measure(one, "Falls", points=4, type=Measure.Type.BALANCING)
    told = measure(one, "Told the plan", points=3)
    measure(theirs, "Theirs", points=2)
    Phase.objects.with_scope(organisation=organisation.pk).create(
        organisation=organisation, measure=told, start_period=MONDAY, reason="New"
    )
    with CaptureQueriesContext(connection) as context:
        series = measure_series_for_events(events=[one, two, theirs])
    assert len(context.captured_queries) == 3
    assert [s.measure.name for s in series[one.pk]] == ["Falls", "Told the plan"]
    assert series[two.pk] == []
    assert [s.measure.name for s in series[theirs.pk]] == ["Theirs"]
    first = series[one.pk][0]
    assert first.measure == falls and len(first.points) == 4
    assert [p.period for p in first.points] == sorted(p.period for p in first.points)
    assert first.latest_period == MONDAY + dt.timedelta(weeks=3)
    assert len(series[one.pk][1].phases) == 1
    assert measure_series_for_events(events=[]) == {}


def test_pdsa_cycles_overdue(organisation):
    event = new_event(organisation)
    other = new_event(organisation)
    scope = {"organisation": organisation.pk}
    idea = ChangeIdea.objects.with_scope(**scope).create(
        organisation=organisation, event=event, text="Huddle", kind="relational"
    )
    today = dt.date(2026, 3, 10)

    def cycle(number, start, state=PdsaCycle.State.PLANNED):
        return PdsaCycle.objects.with_scope(**scope).create(
            organisation=organisation,
            change_idea=idea,
            number=number,
            objective="Try",
            planned_start=start,
            state=state,
        )

    late = cycle(1, today - dt.timedelta(days=3))
    cycle(2, today)  # due today: not late yet
    cycle(3, today - dt.timedelta(days=30), PdsaCycle.State.DOING)  # started
    with CaptureQueriesContext(connection) as context:
        found = pdsa_cycles_overdue(events=[event, other], today=today)
    assert len(context.captured_queries) == 1
    assert found == {event.pk: [late], other.pk: []}


def test_sparkline_is_the_same_analysis_drawn_small(organisation):
    event = new_event(organisation)
    told = measure(event, points=30, direction="higher", target=Decimal("95"))
    series = measure_series_for_events(events=[event])[event.pk][0]
    spark = measure_sparkline(told, series.points, series.phases, last=24)
    assert spark is not None
    root = ET.fromstring(spark.svg)  # noqa: S314 - our own SVG output
    assert root.get("role") == "img"
    assert root.get("aria-label") == spark.description
    assert spark.description.startswith("Told the plan: 30 weekly points")
    points = [el for el in root.iter() if (el.get("class") or "").startswith("point ")]
    assert len(points) == 24  # the last 24 periods
    assert any(el.get("class") == "point improvement" for el in points)
    assert [icon.kind for icon in spark.icons] == ["variation", "assurance"]
    assert spark.icons[0].label == "Improvement (higher values)"
    assert spark.headline.startswith("Getting better since") and spark.headline in spark.description
    assert spark.latest_value == 90.0 and spark.points == 30
    assert measure_sparkline(told, [], []) is None


def test_sparklines_are_cached_until_anything_they_show_changes(organisation, monkeypatch):
    from django.core.cache import cache

    from measurement import charts

    cache.clear()
    event = new_event(organisation)
    told = measure(event, points=14, direction="higher")
    calls = []
    real = charts.measure_sparkline

    def counted(*args, **kwargs):
        calls.append(args[0].pk)
        return real(*args, **kwargs)

    monkeypatch.setattr(charts, "measure_sparkline", counted)

    def draw():
        s = measure_series_for_events(events=[event])[event.pk][0]
        return charts.measure_sparklines([(s.measure, s.points, s.phases)])[told.pk]

    first = draw()
    assert draw().svg == first.svg and calls == [told.pk]  # the second came from the cache
    DataPoint.objects.with_scope(organisation=organisation.pk).filter(
        measure=told, period=MONDAY
    ).update(value=Decimal("99"))
    assert draw().svg != first.svg and calls == [told.pk, told.pk]  # a changed point
    Measure.objects.with_scope(organisation=organisation.pk).filter(pk=told.pk).update(
        target=Decimal("95")
    )
    assert [i.kind for i in draw().icons] == ["variation", "assurance"]  # a changed setting
    assert len(calls) == 3
