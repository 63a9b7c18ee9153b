"""Every write to an organisation's rows is announced with the organisations it touched,
bulk writes included (`alwaysevents.tenancy.changes`)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from alwaysevents.tenancy.changes import organisation_data_changed
from alwaysevents.tenancy.scope import across_organisations
from measurement.models import ChangeIdea, Measure, PdsaCycle
from programmes.models import AlwaysEvent, ProgressScore
from tests.factories import ActivityFactory, AlwaysEventFactory, ProgressScoreFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """The (model, organisation ids) of every announcement while the test runs."""
    calls: list[tuple[type, frozenset[int]]] = []

    def listen(sender, organisation_ids, **kwargs):
        calls.append((sender, organisation_ids))

    organisation_data_changed.connect(listen, dispatch_uid="test-heard")
    yield calls
    organisation_data_changed.disconnect(dispatch_uid="test-heard")


def test_saving_and_deleting_a_row_is_announced(heard, organisation):
    event = AlwaysEventFactory(organisation=organisation)
    assert (AlwaysEvent, frozenset({organisation.pk})) in heard
    heard.clear()
    score = ProgressScoreFactory(event=event)
    assert heard == [(ProgressScore, frozenset({organisation.pk}))]
    heard.clear()
    with across_organisations():
        score.delete()
    assert heard == [(ProgressScore, frozenset({organisation.pk}))]


def test_update_names_every_organisation_whose_rows_it_changed(
    heard, organisation, other_organisation
):
    ours = AlwaysEventFactory(organisation=organisation, service="Ward 7")
    AlwaysEventFactory(organisation=other_organisation, service="Ward 7")
    AlwaysEventFactory(organisation=other_organisation, service="Ward 9")
    heard.clear()
    with across_organisations():
        assert AlwaysEvent.objects.filter(service="Ward 7").update(service="Ward 8") == 2
    assert heard == [(AlwaysEvent, frozenset({organisation.pk, other_organisation.pk}))]
    heard.clear()
    rows = AlwaysEvent.objects.with_scope(organisation=organisation.pk)
    assert rows.filter(pk=ours.pk).update(service="Ward 1") == 1
    assert heard == [(AlwaysEvent, frozenset({organisation.pk}))]
    heard.clear()
    assert rows.filter(service="nowhere").update(service="Ward 2") == 0
    assert heard == []  # nothing changed, nothing to announce


def test_bulk_create_and_bulk_update_are_announced_in_and_out_of_a_scope(heard, organisation):
    event = AlwaysEventFactory(organisation=organisation)
    heard.clear()
    scores = ProgressScore.objects.bulk_create(  # no scope: django-scopes' own queryset
        [ProgressScore(organisation=organisation, event=event, score=ProgressScore.Score.S10)]
    )
    assert heard == [(ProgressScore, frozenset({organisation.pk}))]
    heard.clear()
    scores[0].reason = "Went up"
    ProgressScore.objects.with_scope(organisation=organisation.pk).bulk_update(scores, ["reason"])
    assert heard == [(ProgressScore, frozenset({organisation.pk}))]


def test_a_cascade_announces_the_rows_it_deletes(heard, organisation):
    event = AlwaysEventFactory(organisation=organisation)
    ProgressScoreFactory(event=event)
    heard.clear()
    with across_organisations():
        event.delete()
    assert {model for model, _ in heard} >= {AlwaysEvent, ProgressScore}
    assert {ids for _, ids in heard} == {frozenset({organisation.pk})}


def test_many_to_many_links_are_announced_from_either_side(heard, organisation):
    event = AlwaysEventFactory(organisation=organisation)
    activity = ActivityFactory(event=event)
    heard.clear()
    activity.staff.add(member_of(organisation))
    assert (type(activity), frozenset({organisation.pk})) in heard
    scope = {"organisation": organisation.pk}
    measure = Measure.objects.with_scope(**scope).create(
        organisation=organisation, event=event, name="Told", target=Decimal("90")
    )
    idea = ChangeIdea.objects.with_scope(**scope).create(
        organisation=organisation, event=event, text="Script", kind="relational"
    )
    cycle = PdsaCycle.objects.with_scope(**scope).create(
        organisation=organisation,
        change_idea=idea,
        number=1,
        objective="Try it",
        planned_start=timezone.localdate(),
    )
    heard.clear()
    measure.cycles.add(cycle)  # from the measure's side
    assert heard == [(Measure, frozenset({organisation.pk}))]
