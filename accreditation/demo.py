"""Demo content for `seed_demo`: the criteria and a submission being drafted.

Version 1 of the criteria (C1 to C9) is seeded by `criteria_version_seed`, the same function
the data migration uses. In Northfield the team lead has started a submission for the main
event ("Plan for your day by 10am (Ward 7)") and written the first self-assessments, so the
readiness page and a draft show real content. Submissions further along (in review,
accredited with a certificate) are added by the review part of the accreditation demo.

Idempotent: an organisation that already has a submission is left alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from accreditation import services
from accreditation.models import Submission
from alwaysevents.tenancy.scope import organisation_scope
from programmes.models import AlwaysEvent, Organisation

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

MAIN_EVENT = "Plan for your day by 10am (Ward 7)"

SELF_ASSESSMENTS = {
    "C1": (
        "Patients and families on Ward 7 told us, in twenty conversations and two listening "
        "events, that not knowing the plan for the day was what worried them most. We confirmed "
        "all four criteria with our partners and they signed off the vision statement."
    ),
    "C2": (
        "Two patient partners and a carer have worked with us since discovery: they ran the "
        "listening events with us, co-designed the huddle script and test it with us each month."
    ),
    "C3": (
        "Our executive sponsor, the Chief Nurse, chairs the Patient Experience and Involvement "
        "Group, which we report to every month."
    ),
}


def seed_accreditation(
    organisation: Organisation, *, people: Mapping[str, User], today: dt.date | None = None
) -> None:
    """The criteria (always) and, in Northfield, a draft submission with some self-assessments."""
    version = services.criteria_version_seed()
    if organisation.slug != "northfield" or "lead" not in people:
        return
    with organisation_scope(organisation):
        if Submission.objects.exists():
            return
        event = AlwaysEvent.objects.filter(title=MAIN_EVENT).first()
    if event is None:
        return
    lead = people["lead"]
    submission = services.submission_create(event=event, by=lead)
    for criterion in version.criteria.filter(code__in=SELF_ASSESSMENTS):
        services.self_assessment_save(
            submission=submission,
            criterion=criterion,
            text=SELF_ASSESSMENTS[criterion.code],
            by=lead,
        )
