"""The version of an organisation's data moves on with every write to it, in the writer's
transaction, and with nothing else (`alwaysevents.reporting.versions`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from alwaysevents.reporting.models import DataChange
from alwaysevents.reporting.versions import data_changed, data_version
from alwaysevents.tenancy.scope import organisation_scope
from programmes.models import Organisation
from tests.factories import (
    AlwaysEventFactory,
    CohortFactory,
    OrganisationFactory,
    ProgressScoreFactory,
)

pytestmark = pytest.mark.django_db


def test_a_write_moves_only_its_organisations_version(organisation, other_organisation):
    ours, theirs = data_version(organisation.pk), data_version(other_organisation.pk)
    ProgressScoreFactory(event=AlwaysEventFactory(organisation=organisation))
    assert data_version(organisation.pk) != ours
    assert data_version(other_organisation.pk) == theirs


def test_a_rolled_back_write_leaves_the_version_as_it_was(organisation):
    event = AlwaysEventFactory(organisation=organisation)
    before = data_version(organisation.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        ProgressScoreFactory(event=event)
        assert data_version(organisation.pk) != before  # moved inside the transaction
        raise RuntimeError("the service failed")
    assert data_version(organisation.pk) == before


def test_pruning_leaves_one_row_each_and_the_versions_still_move(organisation, other_organisation):
    from alwaysevents.reporting import tasks

    for _ in range(3):
        data_changed([organisation.pk, other_organisation.pk])
    before = data_version(organisation.pk)
    assert tasks.data_changes_prune_task() >= 4
    assert DataChange.objects.count() == 2
    pruned = data_version(organisation.pk)
    assert pruned not in ("0", before)  # a miss for who changed since; nothing stale
    data_changed([organisation.pk])
    assert data_version(organisation.pk) not in (before, pruned)


def test_a_change_committed_out_of_order_still_moves_the_version(organisation):
    """Ids are handed out at write, not at commit: a change holding an earlier id that
    commits after a later one must still give a new version."""
    data_changed([organisation.pk])
    latest = DataChange.objects.filter(organisation=organisation).latest("id")
    seen = data_version(organisation.pk)
    DataChange.objects.create(pk=latest.pk - 1000, organisation=organisation, at=latest.at)
    assert data_version(organisation.pk) != seen


def test_a_version_names_its_moment_so_a_restored_database_does_not_reuse_one(organisation):
    data_changed([organisation.pk])
    first = data_version(organisation.pk)
    row = DataChange.objects.filter(organisation=organisation).latest("id")
    DataChange.objects.all().delete()  # e.g. a database restored from an older backup,
    DataChange.objects.create(pk=row.pk, organisation=organisation)  # the same number again
    assert data_version(organisation.pk) != first


def test_an_organisation_created_in_bulk_gets_a_version_at_its_first_change():
    (organisation,) = Organisation.objects.bulk_create(
        [Organisation(name="Bulk Trust", slug="bulk", region=Organisation.Region.LONDON)]
    )
    assert data_version(organisation.pk) == "0"
    AlwaysEventFactory(organisation=organisation)
    assert data_version(organisation.pk) != "0"


def test_renaming_a_person_moves_their_organisations_on_but_signing_in_does_not(
    organisation, other_organisation, sponsor
):
    before, other = data_version(organisation.pk), data_version(other_organisation.pk)
    sponsor.last_login = timezone.now()
    sponsor.save(update_fields=["last_login"])
    assert data_version(organisation.pk) == before
    sponsor.full_name = "Lynne Roberts-Hall"
    sponsor.save()
    assert data_version(organisation.pk) != before
    assert data_version(other_organisation.pk) == other


def test_renaming_the_organisation_or_a_cohort_moves_versions_on(organisation):
    OrganisationFactory(slug="elsewhere")
    before = data_version(organisation.pk)
    organisation.name = "Northfield Hospitals NHS Trust"
    organisation.save()
    renamed = data_version(organisation.pk)
    assert renamed != before
    CohortFactory(name="Cohort 9")  # programme-wide: every organisation's version moves
    assert data_version(organisation.pk) != renamed


def test_a_row_of_one_event_moves_that_events_version_only(organisation):
    from decimal import Decimal

    from alwaysevents.reporting.versions import event_of, event_versions
    from measurement.models import DataPoint, Measure

    first, second = (
        AlwaysEventFactory(organisation=organisation),
        AlwaysEventFactory(organisation=organisation),
    )
    with organisation_scope(organisation):
        measure = Measure.objects.create(
            organisation=organisation, event=first, name="Told the plan", definition="Weekly."
        )
    before = event_versions(organisation.pk)
    with organisation_scope(organisation):
        point = DataPoint.objects.create(
            organisation=organisation,
            measure_id=measure.pk,  # not loaded: read through the measure
            period=dt.date(2026, 3, 2),
            value=Decimal("4"),
        )
    after = event_versions(organisation.pk)
    assert event_of(point) == first.pk and event_of(first) == first.pk
    assert after.of(first.pk) != before.of(first.pk)
    assert after.of(second.pk) == before.of(second.pk)
    assert after.shared == before.shared
    organisation.save()  # the organisation itself belongs to no one event
    shared = event_versions(organisation.pk)
    assert shared.of(second.pk) != after.of(second.pk) and shared.of(first.pk) != after.of(first.pk)


def test_pruning_keeps_each_events_latest_and_moves_nothing_back(organisation):
    from alwaysevents.reporting.versions import data_changes_prune, event_versions

    for _ in range(3):
        data_changed([organisation.pk], event_id=7)
        data_changed([organisation.pk], event_id=8)
        data_changed([organisation.pk])
    seen = event_versions(organisation.pk)
    data_changes_prune()
    assert DataChange.objects.filter(organisation=organisation).count() == 3
    pruned = event_versions(organisation.pk)
    assert set(pruned.events) == {7, 8}
    assert pruned.of(7) not in (seen.of(7), "0/0") and pruned.of(8) != seen.of(8)


def test_an_events_version_is_kept_per_app_so_other_apps_caches_keep(organisation):
    from decimal import Decimal

    from alwaysevents.reporting.versions import event_versions
    from measurement.models import DataPoint, Measure
    from tests.factories import ProgressScoreFactory

    event = AlwaysEventFactory(organisation=organisation)
    with organisation_scope(organisation):
        measure = Measure.objects.create(
            organisation=organisation, event=event, name="Told the plan", definition="Weekly."
        )
    before = event_versions(organisation.pk)
    with organisation_scope(organisation):
        DataPoint.objects.create(
            organisation=organisation, measure=measure, period=dt.date(2026, 3, 2), value=Decimal(4)
        )
    posted = event_versions(organisation.pk)
    # The value moves the event's whole version and its measurement rows' version...
    assert posted.of(event.pk) != before.of(event.pk)
    assert posted.of(event.pk, only=["measurement"]) != before.of(event.pk, only=["measurement"])
    # ...but not the version of the rest of its rows.
    assert posted.of(event.pk, without=["measurement"]) == before.of(
        event.pk, without=["measurement"]
    )
    ProgressScoreFactory(event=event)
    scored = event_versions(organisation.pk)
    assert scored.of(event.pk, without=["measurement"]) != posted.of(
        event.pk, without=["measurement"]
    )
    assert scored.of(event.pk, only=["measurement"]) == posted.of(event.pk, only=["measurement"])
    # What is shared moves every part of every event's version.
    organisation.save()
    shared = event_versions(organisation.pk)
    for part in ({"only": ["measurement"]}, {"without": ["measurement"]}):
        assert shared.of(event.pk, **part) != scored.of(event.pk, **part)


def test_pruning_keeps_each_events_latest_per_app(organisation):
    from alwaysevents.reporting.versions import data_changes_prune, event_versions

    for _ in range(3):
        data_changed([organisation.pk], event_id=7, app="measurement")
        data_changed([organisation.pk], event_id=7, app="programmes")
    seen = event_versions(organisation.pk)
    data_changes_prune()
    assert DataChange.objects.filter(organisation=organisation, event_id=7).count() == 2
    pruned = event_versions(organisation.pk)
    assert set(pruned.apps[7]) == {"measurement", "programmes"}
    for app in ("measurement", "programmes"):
        # Moved on (a cache miss), never back to a state seen before.
        assert pruned.of(7, only=[app]) not in (seen.of(7, only=[app]), "0/0")
