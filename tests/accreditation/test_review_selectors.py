"""Programme-side reads: the funnel, time in states, workload, criteria not met, and constant
query counts whatever the number of submissions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accreditation import programme_selectors as ps
from accreditation import review_selectors as rs
from accreditation import selectors
from accreditation.models import Judgement, Submission
from accreditation.services import decision as decision_services
from accreditation.services import review as review_services
from programmes.models import Cohort
from tests.accreditation import review_builders as rb
from tests.factories import CohortFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
State = Submission.State


@pytest.fixture
def reviewers():
    return [rb.make_reviewer(f"r{n}@reviews.test", full_name=f"Reviewer {n}") for n in (1, 2)]


def queries(function, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        function(**kwargs)
    return len(captured)


def another_team(n: int, cohort: Cohort | None = None):
    organisation = OrganisationFactory(cohort=cohort or CohortFactory())
    lead, sponsor = UserFactory(), UserFactory()
    MembershipFactory(organisation=organisation, user=lead, role="team_lead")
    MembershipFactory(organisation=organisation, user=sponsor, role="executive_sponsor")
    return rb.submitted_submission(organisation, lead, sponsor, title=f"Event {n}")


def test_funnel_counts_each_event_once_by_cohort(
    organisation, editor, sponsor, programme_admin, reviewers
):
    accredited = rb.to_moderation(
        rb.submitted_submission(organisation, editor, sponsor, title="One"),
        programme_admin,
        reviewers,
    )
    rb.accredit(accredited, programme_admin)
    rb.submitted_submission(organisation, editor, sponsor, title="Two")
    other = another_team(3)
    funnel = selectors.accreditation_funnel()
    mine = next(r for r in funnel.rows if r.cohort_id == organisation.cohort_id)
    assert mine.counts == {
        "draft": 0, "submitted": 1, "in_review": 0, "accredited": 1, "not_yet": 0, "lapsed": 0,
    }  # fmt: skip
    assert mine.accreditation_rate == 100
    assert funnel.total.total == 3
    only = selectors.accreditation_funnel(cohort=other.organisation.cohort)
    assert [r.counts["submitted"] for r in only.rows] == [1]
    assert selectors.accreditation_funnel(organisation_ids=[organisation.pk]).total.total == 2


def test_programme_reads_run_a_constant_number_of_queries(
    organisation, editor, sponsor, programme_admin, reviewers
):
    def count_all() -> list[int]:
        return [
            queries(ps.accreditation_funnel),
            queries(ps.time_in_states),
            queries(ps.reviewer_workload),
            queries(ps.criteria_most_often_not_met),
            queries(rs.submission_queue),
            queries(ps.decided_submissions),
        ]

    first = rb.submitted_submission(organisation, editor, sponsor, title="First")
    rb.assign_and_clear(first, programme_admin, reviewers[0])
    before = count_all()
    for n in range(3):
        submission = another_team(n)
        rb.assign_and_clear(submission, programme_admin, reviewers[n % 2])
    done = rb.to_moderation(another_team(9), programme_admin, reviewers)
    rb.accredit(done, programme_admin)
    assert count_all() == before


def test_review_workspace_is_constant_in_queries(
    organisation, editor, sponsor, programme_admin, reviewers
):
    submission = rb.to_moderation(
        rb.submitted_submission(organisation, editor, sponsor), programme_admin, reviewers
    )
    assert queries(rs.review_workspace, submission=submission) <= 7


def test_workload_and_criteria_not_met(organisation, editor, sponsor, programme_admin, reviewers):
    submission = rb.to_moderation(
        rb.submitted_submission(organisation, editor, sponsor),
        programme_admin,
        reviewers,
        Judgement.NOT_MET,
    )
    criteria = rb.criteria_of(submission)
    feedback = {c.pk: (Judgement.MET, "") for c in criteria}
    feedback[criteria[4].pk] = (Judgement.NOT_MET, "No signal yet.")
    feedback[criteria[6].pk] = (Judgement.PARTLY_MET, "Two cycles.")
    decision_services.decision_record(
        submission=submission,
        by=programme_admin,
        outcome="not_yet_accredited",
        summary="",
        feedback=feedback,
    )
    top = ps.criteria_most_often_not_met()
    assert [(c.code, c.not_met, c.partly_met) for c in top] == [("C5", 1, 0), ("C7", 0, 1)]
    waiting = rb.submitted_submission(organisation, editor, sponsor, title="Waiting")
    review_services.reviewer_assign(submission=waiting, reviewer=reviewers[0], by=programme_admin)
    load = {w.reviewer.email: w for w in ps.reviewer_workload()}
    assert load["r1@reviews.test"].submitted == 1 and load["r1@reviews.test"].to_declare == 1
    assert load["r2@reviews.test"].submitted == 1 and load["r2@reviews.test"].to_declare == 0


def test_time_in_states_adds_up_each_visit(organisation, editor, sponsor):
    rb.submitted_submission(organisation, editor, sponsor)
    states = {t.state for t in ps.time_in_states()}
    assert {"draft", "awaiting_sign_off", "submitted"} <= states


def test_reviews_due_for_reminders(organisation, editor, sponsor, programme_admin, reviewers):
    import datetime as dt

    from django.utils import timezone

    submission = rb.submitted_submission(organisation, editor, sponsor)
    first = rb.assign_and_clear(submission, programme_admin, reviewers[0])
    rb.assign_and_clear(submission, programme_admin, reviewers[1])
    today = timezone.localdate()
    assert rs.reviews_due(today=today) == []  # 28 days away
    later = today + dt.timedelta(days=25)
    due = rs.reviews_due(today=later)
    assert sorted(d.reviewer.email for d in due) == ["r1@reviews.test", "r2@reviews.test"]
    assert {d.days_left for d in due} == {3}
    rb.submit_review(first, reviewers[0], rb.all_scores(submission))
    assert [d.reviewer.email for d in rs.reviews_due(today=later)] == ["r2@reviews.test"]
    review_services.information_request_create(
        submission=submission, by=programme_admin, question="Which ward?"
    )
    assert rs.reviews_due(today=later) == []  # paused
