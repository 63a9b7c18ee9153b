"""The review part of the demo: submissions in several states, one assigned to the demo
reviewer, one accredited with a certificate."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from accreditation import programme_selectors as ps
from accreditation import review_selectors as rs
from accreditation.models import Certificate, Submission
from alwaysevents.accounts.models import User
from alwaysevents.tenancy.scope import across_organisations

pytestmark = pytest.mark.django_db
State = Submission.State

#: The demo is built on a frozen date: every date in it is derived from today.
FROZEN = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)


def check_review_demo() -> None:
    with across_organisations():
        states = dict(Submission.objects.values_list("event__title", "state"))
        certificate = Certificate.objects.select_related("submission").get()
    assert states["Introduce ourselves by name (Emergency Department)"] == State.UNDER_REVIEW
    assert states["What matters to you before discharge (Ward 12)"] == State.SUBMITTED
    assert states["Keep the people who matter to you in touch (Willow Ward)"] == State.ACCREDITED
    assert states["Ask what matters to you before discharge (Cedar Ward)"] == (
        State.NOT_YET_ACCREDITED
    )
    assert states["What happens next after your first appointment"] == (State.INFORMATION_REQUESTED)
    assert rs.certificate_verify(code=certificate.verification_code).found

    reviewer = User.objects.get(email="reviewer@programme.example")
    rows = rs.reviewer_assignment_list(reviewer=reviewer)
    assert [row.title for row in rows if row.assignment.declared_at is None] == [
        "Introduce ourselves by name (Emergency Department)"
    ]
    # The timeline was spread out: time in each state is not all zero.
    assert any(t.median_days >= 1 for t in ps.time_in_states())


def test_seed_demo_puts_submissions_through_the_review():
    with time_machine.travel(FROZEN, tick=True):
        call_command("seed_demo")
        check_review_demo()
        with across_organisations():
            count = Submission.objects.count()

        call_command("seed_demo")  # twice changes nothing
        with across_organisations():
            assert Submission.objects.count() == count
