"""The team's accreditation pages: readiness, submission, self-assessment, evidence download."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accreditation import services
from accreditation.models import Submission
from tests.accreditation import builders as b
from tests.factories import member_of

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def event(organisation, editor, sponsor):
    return b.make_event(organisation, editor, sponsor)


@pytest.fixture
def draft(event, editor):
    return services.submission_create(event=event, by=editor)


def readiness_url(event):
    return reverse(
        "accreditation:event-accreditation", kwargs={"org_slug": "northfield", "pk": event.pk}
    )


def url(name, submission, slug="northfield"):
    return reverse(
        f"accreditation:{name}",
        kwargs={"org_slug": slug, "pk": submission.event_id, "submission_pk": submission.pk},
    )


def download_url(item, slug="northfield"):
    return reverse(
        "accreditation:evidence-download", kwargs={"org_slug": slug, "evidence_pk": item.pk}
    )


def test_readiness_page_shows_every_criterion_to_everyone(
    client_for, event, editor, viewer, sponsor
):
    for user in (editor, viewer, sponsor):
        response = client_for(user).get(readiness_url(event))
        assert response.status_code == 200
        assert response.templates[0].name == "accreditation/event_accreditation.html"
        html = response.content.decode()
        for n in range(1, 10):
            assert f'id="check-C{n}"' in html
        assert "No submission yet" in html
    assert "Start a submission" in client_for(editor).get(readiness_url(event)).content.decode()
    assert "Start a submission" not in client_for(viewer).get(readiness_url(event)).content.decode()


def test_event_pages_show_the_accreditation_tab(client_for, event, editor):
    response = client_for(editor).get(
        reverse("programmes:event-detail", kwargs={"org_slug": "northfield", "pk": event.pk})
    )
    assert readiness_url(event) in response.content.decode()


def test_team_lead_starts_a_submission(client_for, event, editor):
    response = client_for(editor).post(readiness_url(event), {"action": "start"})
    submission = Submission.objects.with_scope(organisation=event.organisation_id).get()
    assert response.status_code == 302
    assert response["Location"] == url("submission-detail", submission)
    again = client_for(editor).post(readiness_url(event), {"action": "start"})
    assert again.status_code == 200
    assert "already has a submission in progress" in again.content.decode()


def test_team_member_cannot_start_or_write(client_for, event, viewer, draft):
    assert client_for(viewer).post(readiness_url(event), {"action": "start"}).status_code == 403
    assert client_for(viewer).get(url("submission-assess", draft)).status_code == 403
    assert client_for(viewer).get(url("submission-detail", draft)).status_code == 200


def test_self_assessments_are_written_on_one_page(client_for, editor, draft):
    client = client_for(editor)
    page = client.get(url("submission-assess", draft))
    assert page.status_code == 200
    criteria = list(draft.criteria_version.criteria.all())
    data = {f"c{c.pk}": f"How we meet {c.code}" for c in criteria}
    response = client.post(url("submission-assess", draft), data)
    assert response.status_code == 302
    detail = client.get(url("submission-detail", draft)).content.decode()
    assert "How we meet C9" in detail
    assert "9 of 9 criteria have a self-assessment" in detail


def test_evidence_upload_and_private_download(client_for, editor, viewer, sponsor, draft):
    client = client_for(editor)
    c9 = draft.criteria_version.criteria.get(code="C9")
    response = client.post(
        url("submission-detail", draft),
        {
            "action": "evidence_file",
            "evidence_file-title": "Our case study",
            "evidence_file-criterion": str(c9.pk),
            "evidence_file-file": SimpleUploadedFile("case.pdf", PDF),
        },
    )
    assert response.status_code == 302
    item = draft.evidence.model.objects.with_scope(organisation=draft.organisation_id).get()
    for user in (editor, viewer, sponsor):
        download = client_for(user).get(download_url(item))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF
        assert download["Content-Type"] == "application/pdf"
        assert "attachment" in download["Content-Disposition"]


def test_wrong_file_is_refused_with_a_message(client_for, editor, draft):
    response = client_for(editor).post(
        url("submission-detail", draft),
        {
            "action": "evidence_file",
            "evidence_file-title": "Script",
            "evidence_file-file": SimpleUploadedFile("script.pdf", b"#!/bin/sh"),
        },
    )
    assert response.status_code == 200
    assert "its content is not a PDF file" in response.content.decode()


def test_sign_off_journey_through_the_pages(client_for, editor, sponsor, org_admin, draft):
    for criterion in draft.criteria_version.criteria.all():
        services.self_assessment_save(submission=draft, criterion=criterion, text="Yes", by=editor)
    lead = client_for(editor)
    assert lead.post(url("submission-detail", draft), {"action": "send"}).status_code == 302
    assert "Sign off and submit" not in lead.get(url("submission-detail", draft)).content.decode()
    assert lead.post(url("submission-detail", draft), {"action": "attest"}).status_code == 403
    assert (
        client_for(org_admin).post(url("submission-detail", draft), {"action": "attest"})
    ).status_code == 403
    sponsor_client = client_for(sponsor)
    page = sponsor_client.get(url("submission-detail", draft)).content.decode()
    assert "Sign off and submit" in page
    response = sponsor_client.post(url("submission-detail", draft), {"action": "attest"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == Submission.State.SUBMITTED
    page = lead.get(url("submission-detail", draft)).content.decode()
    assert "Signed off by" in page
    assert "Awaiting sponsor sign-off → Submitted" in page


def test_a_move_the_state_does_not_allow_is_refused_plainly(client_for, editor, draft):
    client = client_for(editor)
    response = client.post(url("submission-detail", draft), {"action": "reopen"})
    assert response.status_code == 302
    page = client.get(url("submission-detail", draft)).content.decode()
    assert "that is no longer possible" in page


def test_withdraw_by_team_lead(client_for, editor, draft):
    response = client_for(editor).post(
        url("submission-detail", draft), {"action": "withdraw", "withdraw-reason": "Not now"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == Submission.State.WITHDRAWN


# --- other organisations: 404 --------------------------------------------------------------------


def test_outsider_gets_404_everywhere(client_for, outsider, draft, editor):
    item = services.evidence_add_file(
        submission=draft, title="x", upload=SimpleUploadedFile("a.pdf", PDF), by=editor
    )
    client = client_for(outsider)
    for path in (
        readiness_url(draft.event),
        url("submission-detail", draft),
        url("submission-assess", draft),
        download_url(item),
    ):
        assert client.get(path).status_code == 404


def test_other_organisations_objects_under_own_slug_are_404(
    client_for, outsider, draft, editor, other_organisation
):
    item = services.evidence_add_file(
        submission=draft, title="x", upload=SimpleUploadedFile("a.pdf", PDF), by=editor
    )
    client = client_for(outsider)
    assert client.get(url("submission-detail", draft, slug="riverside")).status_code == 404
    assert client.get(download_url(item, slug="riverside")).status_code == 404
    theirs = b.make_event(other_organisation, outsider, None, title="Theirs")
    mixed = reverse(
        "accreditation:submission-detail",
        kwargs={"org_slug": "riverside", "pk": theirs.pk, "submission_pk": draft.pk},
    )
    assert client.get(mixed).status_code == 404


def test_former_member_cannot_download(client_for, organisation, draft, editor):
    from programmes.models import Membership

    leaver = member_of(organisation, "team_member")
    item = services.evidence_add_file(
        submission=draft, title="x", upload=SimpleUploadedFile("a.pdf", PDF), by=editor
    )
    Membership.objects.with_scope(organisation=organisation.pk).filter(user=leaver).update(
        is_active=False
    )
    assert client_for(leaver).get(download_url(item)).status_code == 404


def test_sponsor_can_send_it_back_but_a_team_member_cannot(
    client_for, editor, sponsor, viewer, draft
):
    for criterion in draft.criteria_version.criteria.all():
        services.self_assessment_save(submission=draft, criterion=criterion, text="Yes", by=editor)
    services.submission_send_for_sign_off(submission=draft, by=editor)
    data = {"action": "take_back", "take_back-reason": "Say more about C6"}
    assert client_for(viewer).post(url("submission-detail", draft), data).status_code == 403
    sponsor_client = client_for(sponsor)
    assert (
        "Send back to the team"
        in sponsor_client.get(url("submission-detail", draft)).content.decode()
    )
    assert sponsor_client.post(url("submission-detail", draft), data).status_code == 302
    draft.refresh_from_db()
    assert draft.state == Submission.State.DRAFT
    page = sponsor_client.get(url("submission-detail", draft)).content.decode()
    assert "Awaiting sponsor sign-off → Draft: Say more about C6" in page


def test_snapshot_page_shows_the_frozen_evidence(client_for, editor, sponsor, outsider, draft):
    for criterion in draft.criteria_version.criteria.all():
        services.self_assessment_save(submission=draft, criterion=criterion, text="Yes", by=editor)
    before = client_for(editor).get(url("submission-snapshot", draft))
    assert "Nothing is frozen yet" in before.content.decode()
    services.submission_send_for_sign_off(submission=draft, by=editor)
    services.submission_attest(submission=draft, by=sponsor)
    page = client_for(editor).get(url("submission-snapshot", draft))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Frozen on" in html and "attestation" in html
    assert client_for(outsider).get(url("submission-snapshot", draft)).status_code == 404
