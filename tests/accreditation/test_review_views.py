"""Pages of the review: who reaches what, the 404s, the forms, the PDF and verification."""

from __future__ import annotations

import contextlib
import re
import zlib

import pytest
from django.test import Client
from django.urls import reverse

from accreditation.models import Certificate, Judgement, ReviewerAssignment, Submission
from accreditation.services import review as review_services
from alwaysevents.tenancy.scope import organisation_scope
from tests.accreditation import review_builders as rb

pytestmark = pytest.mark.django_db
State = Submission.State


@pytest.fixture
def submission(organisation, editor, sponsor):
    return rb.submitted_submission(organisation, editor, sponsor, title="Tell me the plan")


@pytest.fixture
def second_reviewer(reviewer):
    return rb.make_reviewer("second@reviews.test", full_name="Second Reviewer")


def review_url(submission):
    return reverse("accreditation:review-detail", kwargs={"pk": submission.pk})


def manage_url(submission):
    return reverse("accreditation:programme-submission", kwargs={"pk": submission.pk})


def team_url(submission, name="submission-review", org_slug=None):
    return reverse(
        f"accreditation:{name}",
        kwargs={
            "org_slug": org_slug or submission.organisation.slug,
            "pk": submission.event_id,
            "submission_pk": submission.pk,
        },
    )


def certificate_url(submission):
    return team_url(submission, "certificate-download")


def summary_targets(html):
    """The ids the error summary at the top of the page links to."""
    summary = html[html.index("nhsuk-error-summary") : html.index("</main>")]
    summary = summary[: summary.index("</ul>")]
    return set(re.findall(r'<a href="#([^"]+)"', summary))


def ids_in(html):
    return set(re.findall(r'\bid="([^"]+)"', html))


def scores_post(submission, judgement="met", **extra):
    data = {"action": "save", **extra}
    for criterion in rb.criteria_of(submission):
        data[f"judgement_{criterion.pk}"] = judgement
        data[f"comment_{criterion.pk}"] = "Clear evidence."
    return data


# --- reviewers ----------------------------------------------------------------------------------


def test_a_reviewer_sees_nothing_unassigned(client_for, reviewer, submission):
    client = client_for(reviewer)
    assert client.get(review_url(submission)).status_code == 404
    home = client.get(reverse("accreditation:reviewer-home"))
    assert home.status_code == 200 and b"Tell me the plan" not in home.content


def test_a_reviewer_declares_before_seeing_the_submission(
    client_for, reviewer, programme_admin, submission
):
    review_services.reviewer_assign(submission=submission, reviewer=reviewer, by=programme_admin)
    client = client_for(reviewer)
    page = client.get(review_url(submission))
    assert page.status_code == 200
    assert "accreditation/review_declare.html" in [t.name for t in page.templates]
    assert b"See our evidence." not in page.content  # no self-assessment yet
    # Scoring before declaring is refused.
    assert client.post(review_url(submission), scores_post(submission)).status_code == 403
    response = client.post(review_url(submission), {"action": "declare", "has_conflict": "no"})
    assert response.status_code == 302
    page = client.get(review_url(submission))
    assert "accreditation/review_detail.html" in [t.name for t in page.templates]
    assert b"See our evidence." in page.content


def test_declaring_a_conflict_sends_the_reviewer_home_and_closes_the_page(
    client_for, reviewer, programme_admin, submission
):
    review_services.reviewer_assign(submission=submission, reviewer=reviewer, by=programme_admin)
    client = client_for(reviewer)
    missing = client.post(review_url(submission), {"action": "declare", "has_conflict": "yes"})
    assert missing.status_code == 200 and b"Say briefly what the conflict" in missing.content
    response = client.post(
        review_url(submission),
        {"action": "declare", "has_conflict": "yes", "conflict_details": "Former colleague."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accreditation:reviewer-home")
    assert client.get(review_url(submission)).status_code == 404


def test_a_stale_save_keeps_what_was_typed_and_says_so(
    client_for, reviewer, programme_admin, submission
):
    assignment = rb.assign_and_clear(submission, programme_admin, reviewer)
    client = client_for(reviewer)
    client.post(review_url(submission), scores_post(submission, version=1))
    data = scores_post(submission, judgement="not_met", version=1)
    data[f"comment_{rb.criteria_of(submission)[0].pk}"] = "My careful words"
    page = client.post(review_url(submission), data)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Someone else saved this review since you opened it" in text
    assert "My careful words" in text
    assignment.review.refresh_from_db()
    assert assignment.review.version == 2


def test_the_reviewer_submits_and_the_other_is_still_blind(
    client_for, reviewer, second_reviewer, programme_admin, submission
):
    rb.assign_and_clear(submission, programme_admin, reviewer)
    rb.assign_and_clear(submission, programme_admin, second_reviewer)
    first = client_for(reviewer)
    data = scores_post(submission, version=1, recommendation="accredited", submit="1")
    data[f"comment_{rb.criteria_of(submission)[0].pk}"] = "Unique first comment"
    assert first.post(review_url(submission), data).status_code == 302
    other = client_for(second_reviewer).get(review_url(submission))
    assert b"Unique first comment" not in other.content


def test_a_failed_submit_links_from_the_summary_to_each_field_in_question(
    client_for, reviewer, programme_admin, submission
):
    """The summary at the top links to the very field (the recommendation is at the foot of a
    long page), and the link's target is the field's id on the page."""
    assignment = rb.assign_and_clear(submission, programme_admin, reviewer)
    criteria = rb.criteria_of(submission)
    data = scores_post(submission, version=1, submit="1")  # no recommendation
    del data[f"judgement_{criteria[1].pk}"], data[f"comment_{criteria[1].pk}"]  # not scored
    data[f"judgement_{criteria[2].pk}"] = "partly_met"
    data[f"comment_{criteria[2].pk}"] = ""  # partly met, unexplained
    page = client_for(reviewer).post(review_url(submission), data)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<title>Error: " in html and "There is a problem" in html
    targets = summary_targets(html)
    assert {
        "id_recommendation_0",
        f"id_judgement_{criteria[1].pk}_0",
        f"id_comment_{criteria[2].pk}",
    } <= targets
    assert targets <= ids_in(html)
    # Each field is drawn by the NHS pack with its message above it.
    assert 'id="id_recommendation_0" name="recommendation" type="radio"' in html
    assert "Recommend accredited or not yet accredited before you submit" in html
    assert f"Score {criteria[1].code} before you submit" in html
    assert f"Explain why {criteria[2].code} is partly met" in html
    # Nothing was submitted.
    assignment.review.refresh_from_db()
    assert not assignment.review.is_submitted


def test_a_save_without_a_recommendation_is_kept(client_for, reviewer, programme_admin, submission):
    """Saving to come back later needs no recommendation and no complete scores."""
    rb.assign_and_clear(submission, programme_admin, reviewer)
    data = scores_post(submission, version=1)
    del data[f"judgement_{rb.criteria_of(submission)[0].pk}"]
    data[f"comment_{rb.criteria_of(submission)[0].pk}"] = ""
    assert client_for(reviewer).post(review_url(submission), data).status_code == 302


def test_reviewers_cannot_reach_programme_pages(client_for, reviewer, submission):
    client = client_for(reviewer)
    assert client.get(manage_url(submission)).status_code == 403
    assert client.get(reverse("accreditation:programme-accreditation")).status_code == 403


# --- the programme team ------------------------------------------------------------------------


def test_programme_admin_assigns_from_the_submission_page(
    client_for, programme_admin, reviewer, submission
):
    client = client_for(programme_admin)
    page = client.get(manage_url(submission))
    assert page.status_code == 200 and b"Assign a reviewer" in page.content
    response = client.post(
        manage_url(submission),
        {"action": "assign", "assign-reviewer": reviewer.pk, "assign-lived_experience": "on"},
    )
    assert response.status_code == 302
    assert rb.refreshed(submission).state == State.UNDER_REVIEW
    page = client.get(manage_url(submission))
    assert b"Lived experience" in page.content and b"Reviewer " in page.content


def test_a_release_without_a_reason_opens_that_reviewers_form_at_the_field(
    client_for, programme_admin, reviewer, second_reviewer, submission
):
    first = rb.assign_and_clear(submission, programme_admin, reviewer)
    rb.assign_and_clear(submission, programme_admin, second_reviewer)
    page = client_for(programme_admin).post(
        manage_url(submission),
        {"action": "release", "release-assignment": first.pk, "release-reason": ""},
    )
    assert page.status_code == 200
    html = page.content.decode()
    target = f"id_release{first.pk}_release-reason"
    assert summary_targets(html) == {target}
    assert html.count(f'id="{target}"') == 1  # each reviewer's form has its own ids
    assert len(re.findall(r"<details[^>]*\bopen>", html)) == 1  # only that reviewer's form


def test_assigning_a_member_of_the_organisation_shows_why_not(
    client_for, programme_admin, submission, organisation
):
    from tests.factories import MembershipFactory

    colleague = rb.make_reviewer("colleague@northfield.test")
    MembershipFactory(organisation=organisation, user=colleague)
    page = client_for(programme_admin).post(
        manage_url(submission), {"action": "assign", "assign-reviewer": colleague.pk}
    )
    assert page.status_code == 200
    assert b"always a conflict of interest" in page.content


def test_drafts_are_not_on_the_programme_side(
    client_for, programme_admin, organisation, editor, sponsor
):
    from accreditation import services
    from tests.accreditation import builders as b

    draft = services.submission_create(
        event=b.make_event(organisation, editor, sponsor, title="Draft"), by=editor
    )
    assert client_for(programme_admin).get(manage_url(draft)).status_code == 404


def test_moderation_page_and_decision(
    client_for,
    programme_admin,
    reviewer,
    second_reviewer,
    submission,
    django_assert_max_num_queries,
):
    submission = rb.to_moderation(submission, programme_admin, [reviewer, second_reviewer])
    client = client_for(programme_admin)
    url = reverse("accreditation:programme-moderate", kwargs={"pk": submission.pk})
    page = client.get(url)
    assert page.status_code == 200 and b"The reviewers agree on every criterion" in page.content
    data = {"action": "decide", "outcome": "accredited", "summary": "Well done."}
    page = client.post(url, data)
    assert page.status_code == 200
    html = page.content.decode()
    first = rb.criteria_of(submission)[0]
    assert f"Choose met, partly met or not met for {first.code}" in html
    assert summary_targets(html) <= ids_in(html)  # each summary link reaches its field
    for criterion in rb.criteria_of(submission):
        data[f"judgement_{criterion.pk}"] = Judgement.MET
        data[f"feedback_{criterion.pk}"] = f"Feedback on {criterion.code}"
    response = client.post(url, data)
    assert response.status_code == 302
    assert rb.refreshed(submission).state == State.ACCREDITED


def test_the_programme_view_runs_a_constant_number_of_queries(
    client_for, programme_admin, reviewer, organisation, editor, sponsor,
    django_assert_max_num_queries,
):  # fmt: skip
    client = client_for(programme_admin)
    for n in range(3):
        rb.submitted_submission(organisation, editor, sponsor, title=f"Event {n}")
    with django_assert_max_num_queries(20):
        page = client.get(reverse("accreditation:programme-accreditation"))
    assert page.status_code == 200
    assert b"Accreditation funnel by cohort" in page.content


# --- the team ----------------------------------------------------------------------------------


def test_team_answers_a_request_and_sees_the_feedback_and_certificate(
    client_for, editor, viewer, programme_admin, reviewer, second_reviewer, submission
):
    rb.assign_and_clear(submission, programme_admin, reviewer)
    review_services.information_request_create(
        submission=submission, by=reviewer, question="Which ward?"
    )
    member = client_for(viewer).get(team_url(submission))
    assert b"Which ward?" in member.content and b"Send the answer" not in member.content
    lead = client_for(editor)
    page = lead.get(team_url(submission))
    assert b"Send the answer" in page.content
    request_pk = page.context["view"].requests[0].pk
    response = lead.post(
        team_url(submission), {"action": "answer", "request": request_pk, "answer": "Ward 7"}
    )
    assert response.status_code == 302
    assert rb.refreshed(submission).state == State.UNDER_REVIEW
    review_services.information_request_create(
        submission=submission, by=reviewer, question="Which day?"
    )
    empty = lead.post(team_url(submission), {"action": "answer", "request": "", "answer": ""})
    assert empty.status_code == 200
    second = lead.get(team_url(submission)).context["view"].open_requests[0].pk
    page = lead.post(team_url(submission), {"action": "answer", "request": second, "answer": ""})
    html = page.content.decode()
    assert summary_targets(html) == {f"id_answer{second}_answer"}  # this question's own box
    assert f'id="id_answer{second}_answer"' in html
    answered = {"action": "answer", "request": second, "answer": "Tuesday"}
    assert lead.post(team_url(submission), answered).status_code == 302

    rb.assign_and_clear(submission, programme_admin, second_reviewer)
    with organisation_scope(submission.organisation):
        assignments = list(
            ReviewerAssignment.objects.filter(submission=submission).select_related("review")
        )
    for assignment in assignments:
        rb.submit_review(assignment, assignment.reviewer, rb.all_scores(submission))
    rb.accredit(rb.refreshed(submission), programme_admin)
    page = client_for(viewer).get(team_url(submission))
    assert b"Well evidenced." in page.content and b"Download the certificate" in page.content
    pdf = client_for(viewer).get(certificate_url(submission))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_certificate_pdf_carries_the_code(
    client_for, editor, programme_admin, reviewer, submission
):
    second = rb.make_reviewer("two@reviews.test")
    submission = rb.to_moderation(submission, programme_admin, [reviewer, second])
    rb.accredit(submission, programme_admin)
    with organisation_scope(submission.organisation):
        code = Certificate.objects.get(submission=submission).verification_code
    pdf = client_for(editor).get(certificate_url(submission))
    assert code in pdf["Content-Disposition"]
    assert pdf.content.startswith(b"%PDF-")
    # The code is in the document's title (its metadata, inside a compressed object stream).
    assert f"certificate {code}".encode() in pdf_objects(pdf.content)


def pdf_objects(content: bytes) -> bytes:
    """The PDF's bytes with every Flate stream inflated, to search the objects inside them."""
    parts = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(match.group(1)))
    return b"".join(parts)


def test_outsiders_get_404_on_team_pages(client_for, outsider, submission):
    client = client_for(outsider)
    assert client.get(team_url(submission)).status_code == 404
    assert client.get(certificate_url(submission)).status_code == 404
    # Even under their own organisation's address.
    assert client.get(team_url(submission, org_slug="riverside")).status_code == 404


def test_no_certificate_before_accreditation(client_for, editor, submission):
    assert client_for(editor).get(certificate_url(submission)).status_code == 404


# --- the public verification page --------------------------------------------------------------


def test_verification_page_reveals_only_what_it_should(
    programme_admin, reviewer, submission, editor
):
    second = rb.make_reviewer("two@reviews.test")
    submission = rb.to_moderation(submission, programme_admin, [reviewer, second])
    rb.accredit(submission, programme_admin)
    with organisation_scope(submission.organisation):
        certificate = Certificate.objects.get(submission=submission)
    anonymous = Client()
    page = anonymous.get(
        reverse("accreditation:verify-code", kwargs={"code": certificate.verification_code})
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Valid: this Always Event is accredited" in text
    for shown in ("Tell me the plan", "Northfield Hospitals", certificate.verification_code):
        assert shown in text
    for hidden in (
        "See our evidence.",
        editor.email,
        editor.full_name,
        "Well evidenced.",
        "Ward 7",
    ):
        assert hidden not in text
    assert page["X-Robots-Tag"] == "noindex"


def test_verification_form_redirects_and_unknown_codes_say_not_found():
    anonymous = Client()
    response = anonymous.get(reverse("accreditation:verify"), {"code": "abcde fghjk mnpqr"})
    assert response.status_code == 302
    assert response["Location"].endswith("/verify/ABCDE-FGHJK-MNPQR/")
    page = anonymous.get(response["Location"])
    assert page.status_code == 200 and b"Not found" in page.content


def test_verification_shows_a_lapsed_certificate(programme_admin, reviewer, submission):
    import datetime as dt

    from accreditation.services import decision as decision_services

    second = rb.make_reviewer("two@reviews.test")
    submission = rb.to_moderation(submission, programme_admin, [reviewer, second])
    rb.accredit(submission, programme_admin)
    with organisation_scope(submission.organisation):
        certificate = Certificate.objects.get(submission=submission)
    decision_services.accreditations_lapse(today=certificate.expires_on + dt.timedelta(days=1))
    page = Client().get(
        reverse("accreditation:verify-code", kwargs={"code": certificate.verification_code})
    )
    assert b"Lapsed: this accreditation is no longer valid" in page.content


def test_reviewers_download_only_the_snapshots_files(
    client_for, reviewer, programme_admin, organisation, editor, sponsor, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accreditation import services
    from tests.accreditation import builders as b

    settings.VAR_DIR = tmp_path
    event = b.make_event(organisation, editor, sponsor, title="With a file")
    submission = services.submission_create(event=event, by=editor)
    for criterion in rb.criteria_of(submission):
        services.self_assessment_save(
            submission=submission, criterion=criterion, text="See the file.", by=editor
        )
    pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
    evidence = services.evidence_add_file(
        submission=submission,
        upload=SimpleUploadedFile("case-study.pdf", pdf, content_type="application/pdf"),
        title="Case study",
        criterion=rb.criteria_of(submission)[8],
        by=editor,
    )
    services.submission_send_for_sign_off(submission=submission, by=editor)
    submission = services.submission_attest(submission=submission, by=sponsor)
    url = reverse(
        "accreditation:review-evidence", kwargs={"pk": submission.pk, "evidence_pk": evidence.pk}
    )
    client = client_for(reviewer)
    assert client.get(url).status_code == 404  # not assigned
    assignment = review_services.reviewer_assign(
        submission=submission, reviewer=reviewer, by=programme_admin
    )
    assert client.get(url).status_code == 404  # not yet declared
    review_services.assignment_declare(assignment=assignment, by=reviewer, has_conflict=False)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    other = reverse(
        "accreditation:review-evidence",
        kwargs={"pk": submission.pk, "evidence_pk": evidence.pk + 1000},
    )
    assert client.get(other).status_code == 404


def test_programme_admin_returns_a_submission_from_its_page(
    client_for, programme_admin, submission
):
    client = client_for(programme_admin)
    assert b"Return as incomplete" in client.get(manage_url(submission)).content
    response = client.post(
        manage_url(submission), {"action": "return", "return-reason": "Add the sustain plan."}
    )
    assert response.status_code == 302
    page = client.get(manage_url(submission))
    assert b"Returned to the team as incomplete: Add the sustain plan." in page.content


def test_the_team_sees_what_happened_but_not_who_reviews_it(
    client_for, editor, programme_admin, reviewer, submission
):
    reviewer.full_name = "Rowan Reviewer"
    reviewer.save()
    rb.assign_and_clear(submission, programme_admin, reviewer)
    review_services.information_request_create(
        submission=submission, by=reviewer, question="Which ward?"
    )
    page = client_for(editor).get(team_url(submission, name="submission-detail"))
    html = page.content.decode()
    trail = html[html.index('id="audit-trail"') :]
    assert "Rowan Reviewer" not in html
    assert "A reviewer" in trail and "Asked the team for information" in trail
    assert "The programme team" in trail  # who assigned the reviewers and moved it on
    assert "review due" not in trail and "conflict" not in trail  # the reviewing side's steps
    assert editor.display_name in trail  # the team's own steps keep their names
    programme = client_for(programme_admin).get(manage_url(submission)).content.decode()
    assert "Rowan Reviewer" in programme and "declared no conflict" in programme
