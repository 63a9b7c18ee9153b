"""Criteria versions: drafted, edited while draft, published, then immutable; seeding."""

from __future__ import annotations

import pytest

from accreditation import services
from accreditation.models import CriteriaVersion, Criterion
from alwaysevents.exceptions import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def v1():
    return CriteriaVersion.objects.get(number=1)


def test_seed_is_idempotent(v1):
    assert services.criteria_version_seed() == v1
    assert CriteriaVersion.objects.count() == 1
    assert v1.criteria.count() == 9


def test_draft_copies_criteria_and_numbers_after_the_last(v1, programme_admin):
    draft = services.criteria_version_create(
        by=programme_admin, title="Version two", validity_months=24, copy_from=v1
    )
    assert (draft.number, draft.state, draft.validity_months) == (2, "draft", 24)
    assert list(draft.criteria.values_list("code", flat=True)) == [f"C{n}" for n in range(1, 10)]
    assert draft.created_by == programme_admin


def test_draft_criteria_can_change_then_publish_freezes_them(v1, programme_admin):
    draft = services.criteria_version_create(by=programme_admin, title="Two", copy_from=v1)
    c7 = draft.criteria.get(code="C7")
    services.criterion_update(
        criterion=c7, by=programme_admin, thresholds={"minimum_pdsa_cycles": 5}
    )
    added = services.criterion_add(
        version=draft, by=programme_admin, code="c10", title="Staff wellbeing", check_key=""
    )
    assert (added.code, added.position) == ("C10", 10)
    services.criteria_version_update(version=draft, by=programme_admin, validity_months=12)
    published = services.criteria_version_publish(version=draft, by=programme_admin)
    assert published.is_published and published.published_by == programme_admin
    message = "Version 2 is published, so its criteria cannot change"
    with pytest.raises(DomainError, match=message):
        services.criterion_update(criterion=c7, by=programme_admin, title="Changed")
    with pytest.raises(DomainError, match=message):
        services.criterion_add(version=draft, by=programme_admin, code="C11", title="More")
    with pytest.raises(DomainError, match=message):
        services.criterion_remove(criterion=added, by=programme_admin)
    with pytest.raises(DomainError, match=message):
        services.criteria_version_update(version=draft, by=programme_admin, validity_months=6)
    with pytest.raises(DomainError, match=message):
        services.criteria_version_publish(version=draft, by=programme_admin)
    c7.refresh_from_db()
    assert c7.thresholds == {"minimum_pdsa_cycles": 5}


def test_published_version_1_refuses_edits(v1, programme_admin):
    with pytest.raises(DomainError, match="Version 1 is published"):
        services.criterion_update(criterion=v1.criteria.first(), by=programme_admin, title="x")


@pytest.mark.parametrize(
    ("thresholds", "message"),
    [
        ([3], "must be named settings"),
        ({"Minimum PDSA": 3}, "is not a setting name"),
        ({"minimum": None}, "must be a number"),
        ({"minimum": -1}, "cannot be negative"),
    ],
)
def test_thresholds_must_be_named_settings(v1, programme_admin, thresholds, message):
    draft = services.criteria_version_create(by=programme_admin, title="Two")
    with pytest.raises(DomainError, match=message):
        services.criterion_add(
            version=draft, by=programme_admin, code="C1", title="x", thresholds=thresholds
        )


def test_version_rules(programme_admin):
    with pytest.raises(DomainError, match="between 1 and 120 months"):
        services.criteria_version_create(by=programme_admin, title="x", validity_months=0)
    with pytest.raises(DomainError, match="title"):
        services.criteria_version_create(by=programme_admin, title="  ")
    empty = services.criteria_version_create(by=programme_admin, title="Empty")
    with pytest.raises(DomainError, match="at least one criterion"):
        services.criteria_version_publish(version=empty, by=programme_admin)
    services.criterion_add(version=empty, by=programme_admin, code="C1", title="One")
    with pytest.raises(DomainError, match="already has C1"):
        services.criterion_add(version=empty, by=programme_admin, code="c1", title="Again")
    with pytest.raises(DomainError, match="automatic checks"):
        services.criterion_add(
            version=empty, by=programme_admin, code="C2", title="x", check_key="magic"
        )
    assert Criterion.objects.filter(version=empty).count() == 1


def test_demo_seeds_a_draft_for_the_main_northfield_event(organisation, editor, sponsor):
    from accreditation.demo import MAIN_EVENT, seed_accreditation
    from accreditation.models import SelfAssessment, Submission
    from alwaysevents.tenancy.scope import organisation_scope
    from tests.accreditation.builders import make_event

    make_event(organisation, editor, sponsor, title=MAIN_EVENT)
    seed_accreditation(organisation, people={"lead": editor})
    seed_accreditation(organisation, people={"lead": editor})  # idempotent
    with organisation_scope(organisation):
        submission = Submission.objects.get()
        assert submission.state == "draft"
        assert SelfAssessment.objects.filter(submission=submission).count() == 3
