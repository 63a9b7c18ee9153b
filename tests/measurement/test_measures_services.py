"""Measures, data points, phases and imports against the real database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import organisation_scope
from measurement.models import DataImport, DataPoint, Measure
from measurement.services import measures as services
from programmes import readiness
from programmes.models import Role, Stage
from tests.factories import AlwaysEventFactory, MembershipFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)


@pytest.fixture
def event(organisation):
    return AlwaysEventFactory(organisation=organisation)


def make(event, name="Waiting time", **fields):
    values = {"type": "outcome", "definition": "Minutes from arrival to being seen."} | fields
    return services.measure_create(event=event, by=None, name=name, **values)


def points(measure):
    with organisation_scope(measure.organisation):
        return list(DataPoint.objects.filter(measure=measure).order_by("period"))


def test_measure_create_checks_what_people_must_write(event):
    measure = make(event)
    assert measure.organisation == event.organisation
    with pytest.raises(DomainError, match="already has a measure with that name"):
        make(event, name="waiting time")
    with pytest.raises(DomainError, match="operational definition"):
        make(event, name="Other", definition=" ")
    with pytest.raises(DomainError, match="numerator and the denominator"):
        make(event, name="Told the plan", value_kind="proportion")


def test_measure_cannot_change_frequency_or_kind_once_it_has_data(event):
    measure = make(event)
    services.measure_update(measure=measure, by=None, frequency="monthly")
    services.data_point_save(measure=measure, period=dt.date(2026, 3, 1), value=Decimal(5), by=None)
    with pytest.raises(DomainError, match="frequency cannot change"):
        services.measure_update(measure=measure, by=None, frequency="weekly")
    with pytest.raises(DomainError, match="cannot switch"):
        services.measure_update(
            measure=measure,
            by=None,
            value_kind="proportion",
            numerator_definition="a",
            denominator_definition="b",
        )


def test_one_point_per_period_is_enforced_by_the_database(event):
    measure = make(event)
    services.data_point_save(measure=measure, period=MONDAY, value=Decimal(10), by=None)
    services.data_point_save(
        measure=measure, period=MONDAY, value=Decimal(12), note="corrected", by=None
    )
    assert [(p.value, p.note) for p in points(measure)] == [(Decimal(12), "corrected")]
    with pytest.raises(IntegrityError):
        DataPoint.objects.create(
            organisation=event.organisation, measure=measure, period=MONDAY, value=1
        )


def test_points_must_match_the_frequency_and_kind(event):
    weekly = make(event)
    with pytest.raises(DomainError, match="is not a Monday, and Waiting time is weekly"):
        services.data_point_save(
            measure=weekly, period=MONDAY + dt.timedelta(days=1), value=Decimal(1), by=None
        )
    with pytest.raises(DomainError, match="Waiting time needs a value"):
        services.data_point_save(measure=weekly, period=MONDAY, by=None)
    share = make(
        event,
        name="Told the plan",
        type="process",
        value_kind="proportion",
        frequency="monthly",
        numerator_definition="told",
        denominator_definition="on the ward",
    )
    with pytest.raises(DomainError, match=r"The numerator \(\d+\) is above the denominator"):
        services.data_point_save(
            measure=share,
            period=dt.date(2026, 3, 1),
            numerator=Decimal(6),
            denominator=Decimal(5),
            by=None,
        )
    point = services.data_point_save(
        measure=share,
        period=dt.date(2026, 3, 1),
        numerator=Decimal(45),
        denominator=Decimal(50),
        by=None,
    )
    assert point.plotted == Decimal(90)
    assert point.value is None


def test_grid_saves_all_or_nothing(event):
    measure = make(event)
    rows = [
        services.GridRow(period=MONDAY, value=Decimal(10)),
        services.GridRow(period=MONDAY + dt.timedelta(weeks=1)),  # blank: skipped
        services.GridRow(period=MONDAY + dt.timedelta(weeks=2), value=Decimal(11)),
    ]
    assert services.data_points_save_grid(measure=measure, rows=rows, by=None) == 2
    bad = [
        services.GridRow(period=MONDAY, value=Decimal(99)),
        services.GridRow(period=MONDAY + dt.timedelta(days=3), value=Decimal(1)),
    ]
    with pytest.raises(DomainError, match=r"^05 Mar 2026: 05/03/2026 is not a Monday"):
        services.data_points_save_grid(measure=measure, rows=bad, by=None)
    assert [p.value for p in points(measure)] == [Decimal(10), Decimal(11)]


def test_excluding_a_point_needs_a_reason_and_keeps_it(event):
    measure = make(event)
    point = services.data_point_save(measure=measure, period=MONDAY, value=Decimal(10), by=None)
    with pytest.raises(DomainError, match="Say why"):
        services.data_point_exclude(point=point, reason=" ", by=None)
    services.data_point_exclude(point=point, reason="Ward closed for deep clean", by=None)
    assert points(measure)[0].excluded
    services.data_point_include(point=point, by=None)
    assert not points(measure)[0].excluded


def test_phases_are_a_decision_after_the_first_point(event):
    measure = make(event)
    with pytest.raises(DomainError, match="after the first data point"):
        services.phase_add(measure=measure, start_period=MONDAY, reason="New rota", by=None)
    services.data_point_save(measure=measure, period=MONDAY, value=Decimal(10), by=None)
    with pytest.raises(DomainError, match="Say why"):
        services.phase_add(
            measure=measure, start_period=MONDAY + dt.timedelta(weeks=3), reason="", by=None
        )
    phase = services.phase_add(
        measure=measure,
        start_period=MONDAY + dt.timedelta(weeks=3, days=2),
        reason="New rota",
        by=None,
    )
    assert phase.start_period == MONDAY + dt.timedelta(weeks=3)
    with pytest.raises(DomainError, match="already starts"):
        services.phase_add(
            measure=measure, start_period=MONDAY + dt.timedelta(weeks=3), reason="again", by=None
        )


CSV = (
    "measure,period,value,numerator,denominator,note\n"
    "Waiting time,2026-03-02,10,,,\n"
    "Waiting time,2026-03-09,11,,,second week\n"
)


def test_import_applies_everything_and_logs_it(event, editor):
    measure = make(event)
    services.data_point_save(measure=measure, period=MONDAY, value=Decimal(99), by=None)
    record = services.data_import_apply(
        event=event, filename="march.csv", content=CSV.encode(), by=editor
    )
    assert (record.rows, record.created, record.updated, record.imported_by) == (2, 1, 1, editor)
    assert [p.value for p in points(measure)] == [Decimal(10), Decimal(11)]
    with organisation_scope(event.organisation):
        assert DataImport.objects.get().filename == "march.csv"


def test_import_with_an_error_writes_nothing(event):
    measure = make(event)
    content = (CSV + "Waiting time,2026-03-10,12,,,\n").encode()
    with pytest.raises(DomainError, match=r"nothing was imported.*Row 4, period"):
        services.data_import_apply(event=event, filename="march.csv", content=content, by=None)
    assert points(measure) == []
    with organisation_scope(event.organisation):
        assert not DataImport.objects.exists()


def test_import_refuses_big_files(event, settings):
    settings.MEASUREMENT_IMPORT_MAX_BYTES = 10
    with pytest.raises(DomainError, match="larger than"):
        services.data_import_check(event=event, filename="x.csv", content=CSV.encode())


def test_import_does_not_see_another_events_measures(event, organisation):
    other = AlwaysEventFactory(organisation=organisation)
    make(other)
    result = services.data_import_check(event=event, filename="x.csv", content=CSV.encode())
    assert {e.column for e in result.errors} == {"measure"}


def test_import_query_count_is_constant_per_batch(event, django_assert_max_num_queries):
    make(event)

    def csv_for(weeks):
        rows = "".join(
            f"Waiting time,{(MONDAY + dt.timedelta(weeks=w)).isoformat()},{w},,,\n"
            for w in range(weeks)
        )
        return ("measure,period,value\n" + rows).encode()

    services.data_import_apply(event=event, filename="seed.csv", content=csv_for(1), by=None)
    # Each import below both corrects an existing period and adds new ones, in one batch.
    with django_assert_max_num_queries(12) as small:
        services.data_import_apply(event=event, filename="a.csv", content=csv_for(5), by=None)
    with django_assert_max_num_queries(len(small.captured_queries)):
        services.data_import_apply(event=event, filename="b.csv", content=csv_for(900), by=None)


def test_template_lists_the_events_measures(event):
    make(event)
    make(event, name="Falls", type="balancing", frequency="monthly")
    text = services.import_template_csv(event=event)
    assert text.splitlines()[0] == "measure,period,value,numerator,denominator,note"
    assert {line.split(",")[0] for line in text.splitlines()[1:]} == {"Waiting time", "Falls"}


def evaluate(event):
    with organisation_scope(event.organisation):
        return {r.key: r for r in readiness.evaluate(event, Stage.TESTING)}


def test_family_of_measures_readiness_check(event):
    results = evaluate(event)
    check = results["measurement.family_of_measures"]
    assert not check.met and "outcome, process, balancing" in check.detail
    for name, kind in (("Outcome", "outcome"), ("Process", "process"), ("Balancing", "balancing")):
        measure = make(event, name=name, type=kind)
        services.data_point_save(measure=measure, period=MONDAY, value=Decimal(1), by=None)
    check = evaluate(event)["measurement.family_of_measures"]
    assert check.met


def test_excluded_points_do_not_count_as_data_for_readiness(event):
    for name, kind in (("Outcome", "outcome"), ("Process", "process"), ("Balancing", "balancing")):
        measure = make(event, name=name, type=kind)
        point = services.data_point_save(measure=measure, period=MONDAY, value=Decimal(1), by=None)
    services.data_point_exclude(point=point, reason="Wrong ward", by=None)
    check = evaluate(event)["measurement.family_of_measures"]
    assert not check.met and "balancing" in check.detail
    assert Measure.objects.with_scope(organisation=event.organisation_id).count() == 3


def test_a_correction_without_a_note_column_keeps_the_notes(event):
    measure = make(event)
    services.data_point_save(
        measure=measure, period=MONDAY, value=Decimal(99), note="Ward closed Tuesday", by=None
    )
    content = f"measure,period,value\nWaiting time,{MONDAY.isoformat()},10\n".encode()
    services.data_import_apply(event=event, filename="fix.csv", content=content, by=None)
    [point] = points(measure)
    assert (point.value, point.note) == (Decimal(10), "Ward closed Tuesday")


def test_a_correction_with_an_empty_note_cell_clears_the_note(event):
    measure = make(event)
    services.data_point_save(
        measure=measure, period=MONDAY, value=Decimal(99), note="Typed by mistake", by=None
    )
    content = f"measure,period,value,note\nWaiting time,{MONDAY.isoformat()},10,\n".encode()
    services.data_import_apply(event=event, filename="fix.csv", content=content, by=None)
    assert [(p.value, p.note) for p in points(measure)] == [(Decimal(10), "")]


@pytest.mark.parametrize("target", [Decimal(-1), Decimal("100.01"), Decimal(900)])
def test_a_percentage_target_is_between_0_and_100(event, target):
    fields = {
        "type": "process",
        "value_kind": "proportion",
        "numerator_definition": "told",
        "denominator_definition": "asked",
    }
    with pytest.raises(DomainError, match="Enter a target between 0 and 100") as caught:
        make(event, name="Told the plan", target=target, **fields)
    assert caught.value.field == "target"
    share = make(event, name="Told the plan", target=Decimal(100), **fields)
    with pytest.raises(DomainError, match="between 0 and 100"):
        services.measure_update(measure=share, by=None, target=Decimal(900))
    # a number measure's target is in its own unit: 900 minutes is a target
    assert make(event, name="Minutes", target=Decimal(900)).target == Decimal(900)


def test_the_measure_form_speaks_plainly(organisation):
    from measurement.forms.measures import MeasureForm

    form = MeasureForm(data={"fix_limits_after": "5"}, organisation=organisation)
    assert not form.is_valid()
    assert form.errors["name"] == ["Enter the name of the measure."]
    assert form.errors["fix_limits_after"] == [
        "Enter 12 or more, or leave it empty to keep recalculating."
    ]


# --- who collects the figure ---------------------------------------------------------------------


def test_the_person_who_collects_a_figure_works_here(event, organisation):
    member = MembershipFactory(organisation=organisation, role=Role.TEAM_MEMBER)
    measure = make(event, owner=member.user)
    assert measure.owner == member.user

    elsewhere = MembershipFactory(role=Role.TEAM_MEMBER).user  # another organisation's staff
    partner = MembershipFactory(organisation=organisation, role=Role.PARTNER).user
    left = MembershipFactory(organisation=organisation, role=Role.TEAM_LEAD, is_active=False).user
    for outsider in (elsewhere, partner, left):
        with pytest.raises(DomainError) as refused:
            services.measure_update(measure=measure, by=None, owner=outsider)
        assert refused.value.field == "owner"
        with pytest.raises(DomainError):
            make(event, name=f"Measure for {outsider.pk}", owner=outsider)
    measure.refresh_from_db()
    assert measure.owner == member.user
    assert Measure.objects.with_scope(organisation=organisation.pk).count() == 1

    services.measure_update(measure=measure, by=None, owner=None)
    measure.refresh_from_db()
    assert measure.owner is None


def test_the_measure_form_offers_this_organisations_staff_as_collectors(organisation):
    from measurement.forms.measures import MeasureForm

    member = MembershipFactory(organisation=organisation, role=Role.TEAM_MEMBER).user
    MembershipFactory(organisation=organisation, role=Role.PARTNER)
    MembershipFactory(role=Role.TEAM_MEMBER)  # elsewhere
    form = MeasureForm(organisation=organisation)
    assert list(form.fields["owner"].queryset) == [member]
    assert form.fields["owner"].empty_label == "No one named: the team lead"
