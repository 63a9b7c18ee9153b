"""The version of an organisation's data moves on with every write to it, in the writer's
transaction, and with nothing else (`alwaysevents.reporting.versions`)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from alwaysevents.reporting.models import DataVersion
from alwaysevents.reporting.versions import data_changed, data_version
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


def test_versions_never_repeat_even_when_the_counter_does(organisation):
    data_changed([organisation.pk])
    first = data_version(organisation.pk)
    DataVersion.objects.filter(pk=organisation.pk).update(version=0)  # e.g. a restored backup
    data_changed([organisation.pk])
    assert data_version(organisation.pk) != first


def test_an_organisation_created_in_bulk_gets_a_version_at_its_first_change():
    (organisation,) = Organisation.objects.bulk_create(
        [Organisation(name="Bulk Trust", slug="bulk", region=Organisation.Region.LONDON)]
    )
    assert data_version(organisation.pk) == "0"
    AlwaysEventFactory(organisation=organisation)
    assert DataVersion.objects.get(pk=organisation.pk).version == 1
    data_changed([organisation.pk, 10**9])  # an organisation that does not exist is ignored
    assert not DataVersion.objects.filter(pk=10**9).exists()


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
