"""Charts: the SVG has the lines, points, annotations and text alternative it should."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse

from measurement import charts
from measurement.services import measures as services
from measurement.svg import ChartSpec, PointMark, Segment, render
from tests.factories import AlwaysEventFactory

NS = {"s": "http://www.w3.org/2000/svg"}
MONDAY = dt.date(2025, 1, 6)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own SVG output


def test_render_draws_lines_points_target_and_annotations():
    spec = ChartSpec(
        title="Waiting time",
        description="Twelve weeks of waiting times.",
        labels=[f"w{i}" for i in range(12)],
        values=[10, 11, 9, 10, 12, 11, 10, 9, 30, 10, 11, None],
        marks=[PointMark("common", "Common cause")] * 8
        + [PointMark("concern", "Concern (higher values)"), PointMark("excluded", "Left out")]
        + [PointMark("common", "Common cause")] * 2,
        segments=[
            Segment(
                0, 11, centre=10.5, upper=20, lower=1, upper_close=17, lower_close=4, trial=True
            )
        ],
        target=8,
        annotations=[(3, "1. PDSA 1: huddle script")],
        y_label="minutes",
    )
    root = parse(render(spec))
    assert root.get("role") == "group"  # its points are reachable: an image's parts are not
    assert root.find("s:title", NS).text == "Waiting time"
    assert root.find("s:desc", NS).text == "Twelve weeks of waiting times."
    classes = [el.get("class") for el in root.iter() if el.get("class")]
    for expected in (
        "centre",
        "limit upper",
        "limit lower",
        "close upper",
        "close lower",
        "target",
        "data",
        "annotation",
        "trial",
    ):
        assert expected in classes, expected
    assert classes.count("point common") == 9
    assert classes.count("point concern") == 1
    assert classes.count("point excluded") == 1
    concern = next(el for el in root.iter() if el.get("class") == "point concern")
    assert concern.tag.endswith("polygon"), "special causes have their own shape, not only a colour"
    assert "Concern (higher values)" in str(concern.find("s:title", NS).text)
    annotation = next(el for el in root.iter() if el.get("class") == "annotation")
    assert annotation.find("s:title", NS).text == "1. PDSA 1: huddle script"


def test_render_copes_with_one_point_and_flat_data():
    spec = ChartSpec(
        "One",
        "One point",
        ["w1"],
        [5.0],
        [PointMark("common", "Common cause")],
        [Segment(0, 0, centre=5.0)],
    )
    assert parse(render(spec)) is not None
    flat = ChartSpec(
        "Flat",
        "Flat",
        ["a", "b", "c"],
        [2.0, 2.0, 2.0],
        [PointMark("common", "c")] * 3,
        [Segment(0, 2, centre=2.0, upper=2.0, lower=2.0)],
    )
    assert parse(render(flat)) is not None


def test_render_escapes_text():
    spec = ChartSpec(
        'A <b>"quoted"</b> & co', "desc", ["<x>"], [1.0], [PointMark("common", "c")], []
    )
    svg = render(spec)
    assert "<b>" not in svg
    parse(svg)


@pytest.mark.django_db
def test_measure_chart_context_marks_phases_excluded_points_and_annotations(organisation):
    event = AlwaysEventFactory(organisation=organisation)
    measure = services.measure_create(
        event=event,
        by=None,
        name="Told the plan",
        type="process",
        definition="Asked at 10am",
        direction="higher",
        target=Decimal(80),
    )
    for week in range(20):
        services.data_point_save(
            measure=measure,
            period=MONDAY + dt.timedelta(weeks=week),
            value=Decimal(50 if week < 10 else 85),
            by=None,
        )
    point = services.data_point_save(
        measure=measure, period=MONDAY + dt.timedelta(weeks=3), value=Decimal(51), by=None
    )
    services.data_point_exclude(point=point, reason="Ward closed", by=None)
    services.phase_add(
        measure=measure, start_period=MONDAY + dt.timedelta(weeks=10), reason="New script", by=None
    )
    from measurement.selectors.measures import measure_phases, measure_points

    context = charts.measure_chart_context(
        measure,
        measure_points(measure=measure),
        measure_phases(measure=measure),
        annotations=[(MONDAY + dt.timedelta(weeks=10, days=2), "PDSA 1: new script")],
    )
    root = parse(context["chart"].svg)
    classes = [el.get("class") for el in root.iter() if el.get("class")]
    assert classes.count("phase-break") == 1
    assert classes.count("point excluded") == 1
    assert classes.count("annotation") == 1
    rows = {row.point.period: row for row in context["table"]}
    assert rows[MONDAY + dt.timedelta(weeks=10)].annotations == ["1. PDSA 1: new script"]
    assert context["analysis"].lines
    assert context["chart"].trial, "each phase has fewer than 12 points"


@pytest.mark.django_db
def test_chart_page_query_count_does_not_grow_with_points(
    organisation, client_for, viewer, django_assert_max_num_queries
):
    event = AlwaysEventFactory(organisation=organisation)
    measure = services.measure_create(
        event=event, by=None, name="Falls", type="balancing", definition="Falls", direction="lower"
    )
    path = reverse(
        "measurement:measure-detail",
        kwargs={"org_slug": organisation.slug, "pk": event.pk, "measure_pk": measure.pk},
    )
    client = client_for(viewer)
    for week in range(5):
        services.data_point_save(
            measure=measure,
            period=MONDAY + dt.timedelta(weeks=week),
            value=Decimal(week % 3),
            by=None,
        )
    client.get(path)
    with django_assert_max_num_queries(40) as few:
        assert client.get(path).status_code == 200
    for week in range(5, 104):
        services.data_point_save(
            measure=measure,
            period=MONDAY + dt.timedelta(weeks=week),
            value=Decimal(week % 3),
            by=None,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(path)
    assert response.content.decode().count('class="point ') == 104


@pytest.mark.django_db
def test_evidence_helpers_find_the_signal_and_the_run_at_target(organisation):
    from measurement.selectors import evidence

    event = AlwaysEventFactory(organisation=organisation)
    measure = services.measure_create(
        event=event,
        by=None,
        name="Told the plan",
        type="process",
        definition="Asked at 10am",
        direction="higher",
        target=Decimal(80),
    )
    assert not evidence.measure_improvement_signal(measure=measure).found
    baseline = [50, 55, 48, 52, 51, 49, 53, 50, 54, 52]
    after = [85, 88, 84, 86, 90, 87, 85, 89]
    for week, value in enumerate(baseline + after):
        services.data_point_save(
            measure=measure, period=MONDAY + dt.timedelta(weeks=week), value=Decimal(value), by=None
        )
    signal = evidence.measure_improvement_signal(measure=measure)
    assert signal.found and signal.periods
    assert evidence.measure_sustained_at_target(measure=measure, k=6).met
    assert not evidence.measure_sustained_at_target(measure=measure, k=20).met


@pytest.mark.django_db
def test_fixed_limits_come_from_the_first_points(organisation):
    from measurement.selectors.measures import measure_phases, measure_points

    event = AlwaysEventFactory(organisation=organisation)
    measure = services.measure_create(
        event=event,
        by=None,
        name="Falls",
        type="balancing",
        definition="Falls",
        direction="lower",
        fix_limits_after=12,
    )
    baseline, after = [5, 6, 4, 5, 6, 5, 4, 6, 5, 5, 4, 6], [1] * 8
    values = [*baseline, *after]
    for week, value in enumerate(values):
        services.data_point_save(
            measure=measure, period=MONDAY + dt.timedelta(weeks=week), value=Decimal(value), by=None
        )
    analysis, _ = charts.analyse_points(
        measure, measure_points(measure=measure), measure_phases(measure=measure)
    )
    phase = analysis.phases[0]
    assert phase.fixed_on == 12
    assert phase.centre == pytest.approx(sum(values[:12]) / 12)
    assert not phase.trial_limits
    assert (
        analysis.points[-1].variation is not None
        and analysis.points[-1].variation.nature == "improvement"
    )


@pytest.mark.django_db
def test_fixing_limits_needs_twelve_points(organisation):
    from django.core.exceptions import ValidationError

    from alwaysevents.exceptions import DomainError

    event = AlwaysEventFactory(organisation=organisation)
    with pytest.raises((ValidationError, DomainError)):
        services.measure_create(
            event=event, by=None, name="X", type="outcome", definition="x", fix_limits_after=5
        )
