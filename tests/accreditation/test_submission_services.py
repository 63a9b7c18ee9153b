"""Submissions: drafting, evidence, the state machine, attestation and the frozen snapshot."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accreditation import permissions, selectors, services
from accreditation.models import AuditEntry, Evidence, Snapshot, SponsorAttestation, Submission
from accreditation.workflow import MOVES
from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import organisation_scope
from programmes import services as programme_services
from programmes.models import Membership
from tests.accreditation import builders as b
from tests.factories import ConsentFactory, EventPartnerFactory

pytestmark = pytest.mark.django_db
State = Submission.State
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def event(organisation, editor, sponsor):
    return b.ready_event(organisation, editor, sponsor)


@pytest.fixture
def draft(event, editor):
    return services.submission_create(event=event, by=editor)


def write_all(submission, by, text="We meet this: see the evidence."):
    for criterion in submission.criteria_version.criteria.all():
        services.self_assessment_save(submission=submission, criterion=criterion, text=text, by=by)


def audit(submission):
    with organisation_scope(submission.organisation):
        return list(
            AuditEntry.objects.filter(submission=submission)
            .order_by("at", "pk")
            .values_list("action", "from_state", "to_state")
        )


def submitted(draft, editor, sponsor):
    write_all(draft, editor)
    services.submission_send_for_sign_off(submission=draft, by=editor)
    return services.submission_attest(submission=draft, by=sponsor)


# --- drafting ----------------------------------------------------------------------------------


def test_create_uses_the_published_version_and_is_audited(draft, editor, event):
    assert draft.state == State.DRAFT
    assert draft.criteria_version.number == 1
    assert draft.organisation == event.organisation
    assert audit(draft) == [("created", "", "draft")]


def test_only_one_submission_in_progress_per_event(draft, event, editor):
    with pytest.raises(DomainError, match="already has a submission in progress"):
        services.submission_create(event=event, by=editor)
    services.submission_withdraw(submission=draft, by=editor, reason="Not ready")
    again = services.submission_create(event=event, by=editor)
    assert again.pk != draft.pk


def test_self_assessment_is_rewritten_not_duplicated(draft, editor):
    c1 = draft.criteria_version.criteria.get(code="C1")
    services.self_assessment_save(submission=draft, criterion=c1, text="First", by=editor)
    services.self_assessment_save(submission=draft, criterion=c1, text=" Second ", by=editor)
    detail = selectors.submission_detail(submission=draft)
    assert detail.rows[0].self_assessment == "Second"
    assert detail.written == 1


def test_self_assessment_refuses_another_versions_criterion(draft, editor, programme_admin):
    other = services.criteria_version_create(
        by=programme_admin, title="Two", copy_from=draft.criteria_version
    )
    with pytest.raises(DomainError, match="another version"):
        services.self_assessment_save(
            submission=draft, criterion=other.criteria.first(), text="x", by=editor
        )


# --- evidence ----------------------------------------------------------------------------------


def test_evidence_file_is_stored_privately_with_its_checked_type(draft, editor, settings):
    upload = SimpleUploadedFile("Case study.PDF", PDF, content_type="text/plain")
    item = services.evidence_add_file(
        submission=draft, title="Case study", upload=upload, by=editor,
        criterion=draft.criteria_version.criteria.get(code="C9"),
    )  # fmt: skip
    assert item.content_type == "application/pdf"
    assert item.size == len(PDF)
    assert item.file.name.startswith(f"{draft.organisation_id}/")
    assert "Case study" not in str(item.file.name)
    assert (settings.VAR_DIR / "private" / "evidence" / item.file.name).read_bytes() == PDF
    with pytest.raises(ValueError, match="no public address"):
        _ = item.file.url


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.pdf", b"just text", "not a PDF file"),
        ("plan.docx", PDF, "not a DOCX file"),
        ("script.exe", b"MZ\x90\x00", "must be PDF, an image"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_evidence_file_refused_when_wrong_kind(draft, editor, name, content, message):
    with pytest.raises(DomainError, match=message):
        services.evidence_add_file(
            submission=draft, title="x", upload=SimpleUploadedFile(name, content), by=editor
        )


def test_evidence_file_refused_when_too_big(draft, editor, monkeypatch):
    monkeypatch.setattr("accreditation.services.submissions.EVIDENCE_MAX_BYTES", 10)
    with pytest.raises(DomainError, match="20 MB or smaller"):
        services.evidence_add_file(
            submission=draft, title="x", upload=SimpleUploadedFile("a.pdf", PDF), by=editor
        )


def test_office_and_image_files_are_accepted(draft, editor):
    docx = SimpleUploadedFile("plan.docx", b"PK\x03\x04rest-of-zip")
    png = SimpleUploadedFile("chart.png", b"\x89PNG\r\n\x1a\n....")
    a = services.evidence_add_file(submission=draft, title="Plan", upload=docx, by=editor)
    c = services.evidence_add_file(submission=draft, title="Chart", upload=png, by=editor)
    assert a.content_type.endswith("wordprocessingml.document")
    assert c.content_type == "image/png"


def test_record_evidence_must_be_a_record_of_this_event(draft, editor, organisation, sponsor):
    measure_id = next(
        o.record_id
        for o in selectors.record_options(event=draft.event)
        if o.record_type == "measure"
    )
    item = services.evidence_add_record(
        submission=draft, title="", record_type="measure", record_id=measure_id, by=editor
    )
    assert item.kind == Evidence.Kind.RECORD and item.title == "Measure and its chart"
    other = b.make_event(organisation, editor, sponsor, title="Another")
    other_measure = b.make_measure(other, "Elsewhere", "process")
    with pytest.raises(DomainError, match="has no measure and its chart with that number"):
        services.evidence_add_record(
            submission=draft, title="x", record_type="measure", record_id=other_measure.pk,
            by=editor,
        )  # fmt: skip


def test_evidence_can_be_removed_while_draft(draft, editor):
    item = services.evidence_add_file(
        submission=draft, title="x", upload=SimpleUploadedFile("a.pdf", PDF), by=editor
    )
    services.evidence_remove(evidence=item, by=editor)
    with organisation_scope(draft.organisation):
        assert not Evidence.objects.filter(pk=item.pk).exists()


# --- the state machine --------------------------------------------------------------------------


def test_send_for_sign_off_needs_every_self_assessment(draft, editor):
    c1 = draft.criteria_version.criteria.get(code="C1")
    services.self_assessment_save(submission=draft, criterion=c1, text="Done", by=editor)
    with pytest.raises(DomainError, match="Missing: C2, C3, C4, C5, C6, C7, C8, C9"):
        services.submission_send_for_sign_off(submission=draft, by=editor)


def test_send_for_sign_off_needs_a_sponsor(draft, editor, event):
    write_all(draft, editor)
    programme_services.event_set_leadership(
        event=event, team_lead=editor, executive_sponsor=None, by=editor
    )
    draft.refresh_from_db()
    with pytest.raises(DomainError, match="Name the event's executive sponsor"):
        services.submission_send_for_sign_off(submission=draft, by=editor)


def test_the_whole_team_side_journey_is_audited(draft, editor, sponsor):
    submission = submitted(draft, editor, sponsor)
    assert submission.state == State.SUBMITTED
    assert submission.sent_for_sign_off_at and submission.submitted_at
    assert audit(submission) == [
        ("created", "", "draft"),
        ("send_for_sign_off", "draft", "awaiting_sign_off"),
        ("attest", "awaiting_sign_off", "submitted"),
    ]
    with organisation_scope(submission.organisation):
        attestation = SponsorAttestation.objects.get(submission=submission)
    assert attestation.sponsor == sponsor
    assert "executive sponsor" in attestation.statement


def test_editing_stops_once_sent_for_sign_off(draft, editor):
    write_all(draft, editor)
    services.submission_send_for_sign_off(submission=draft, by=editor)
    c1 = draft.criteria_version.criteria.get(code="C1")
    with pytest.raises(DomainError, match="Take it back to draft first"):
        services.self_assessment_save(submission=draft, criterion=c1, text="x", by=editor)
    services.submission_take_back(submission=draft, by=editor, reason="A typo")
    services.self_assessment_save(submission=draft, criterion=c1, text="Fixed", by=editor)


def test_only_the_events_own_sponsor_attests(draft, editor, organisation, sponsor):
    write_all(draft, editor)
    services.submission_send_for_sign_off(submission=draft, by=editor)
    another_sponsor = b.make_event(organisation, editor, sponsor).executive_sponsor
    from tests.factories import member_of

    stranger = member_of(organisation, "executive_sponsor")
    with pytest.raises(DomainError, match="Only the event's executive sponsor"):
        services.submission_attest(submission=draft, by=stranger)
    with pytest.raises(DomainError, match="Only the event's executive sponsor"):
        services.submission_attest(submission=draft, by=editor)
    assert another_sponsor == sponsor
    with organisation_scope(organisation):
        Membership.objects.filter(user=sponsor).update(is_active=False)
    with pytest.raises(DomainError, match="active member"):
        services.submission_attest(submission=draft, by=sponsor)


def test_attesting_a_draft_is_refused(draft, editor, sponsor):
    with pytest.raises(DomainError, match="draft cannot be signed off"):
        services.submission_attest(submission=draft, by=sponsor)


@pytest.mark.parametrize(
    ("state", "move"),
    [
        (State.DRAFT, "attest"),
        (State.DRAFT, "start_review"),
        (State.SUBMITTED, "send_for_sign_off"),
        (State.AWAITING_SIGN_OFF, "withdraw"),
        (State.UNDER_REVIEW, "withdraw"),
        (State.ACCREDITED, "reopen"),
        (State.WITHDRAWN, "send_for_sign_off"),
        (State.NOT_YET_ACCREDITED, "lapse"),
    ],
)
def test_illegal_moves_are_refused_with_the_state_named(draft, editor, state, move):
    with organisation_scope(draft.organisation):
        Submission.objects.filter(pk=draft.pk).update(state=state)
    label = Submission.State(state).label.lower()
    with pytest.raises(DomainError, match=f"submission that is {label} cannot"):
        services.submission_move(submission=draft, move=move, by=editor)
    draft.refresh_from_db()
    assert draft.state == state


def test_every_move_of_product_md_exists():
    targets = {(source, m.target) for m in MOVES.values() for source in m.sources}
    assert {
        (State.DRAFT, State.AWAITING_SIGN_OFF),
        (State.AWAITING_SIGN_OFF, State.SUBMITTED),
        (State.SUBMITTED, State.RETURNED),
        (State.RETURNED, State.DRAFT),
        (State.SUBMITTED, State.UNDER_REVIEW),
        (State.UNDER_REVIEW, State.INFORMATION_REQUESTED),
        (State.INFORMATION_REQUESTED, State.UNDER_REVIEW),
        (State.UNDER_REVIEW, State.MODERATION),
        (State.MODERATION, State.ACCREDITED),
        (State.MODERATION, State.NOT_YET_ACCREDITED),
        (State.ACCREDITED, State.LAPSED),
        (State.DRAFT, State.WITHDRAWN),
        (State.SUBMITTED, State.WITHDRAWN),
    } <= targets


def test_withdraw_from_submitted_records_the_reason(draft, editor, sponsor):
    submission = submitted(draft, editor, sponsor)
    services.submission_withdraw(submission=submission, by=editor, reason="Staff changes")
    submission.refresh_from_db()
    assert submission.state == State.WITHDRAWN and submission.withdrawn_at
    assert submission.withdrawn_reason == "Staff changes"
    assert audit(submission)[-1] == ("withdraw", "submitted", "withdrawn")


def test_returned_submission_reopens_and_is_frozen_again(draft, editor, sponsor, programme_admin):
    submission = submitted(draft, editor, sponsor)
    services.submission_move(submission=submission, move="return_incomplete", by=programme_admin)
    services.submission_reopen(submission=submission, by=editor)
    services.submission_send_for_sign_off(submission=submission, by=editor)
    services.submission_attest(submission=submission, by=sponsor)
    with organisation_scope(submission.organisation):
        assert Snapshot.objects.filter(submission=submission).count() == 2
        assert SponsorAttestation.objects.filter(submission=submission).count() == 2


# --- the snapshot -------------------------------------------------------------------------------


def test_snapshot_holds_statements_checks_charts_and_assessments(draft, editor, sponsor):
    submission = submitted(draft, editor, sponsor)
    snapshot = selectors.snapshot_latest(submission=submission)
    data = snapshot.data
    assert data["event"]["vision_statement"].startswith("We will always")
    assert data["event"]["executive_sponsor"] == sponsor.display_name
    assert [c["code"] for c in data["checks"]] == [f"C{n}" for n in range(1, 10)]
    assert data["checks"][0]["judgement"] == "met"
    assert data["self_assessments"][0]["text"] == "We meet this: see the evidence."
    assert data["attestation"]["sponsor"] == sponsor.display_name
    assert len(snapshot.charts) == 3
    assert all(chart["svg"].startswith("<svg") for chart in snapshot.charts)
    assert len(snapshot.checksum) == 64


def test_partners_appear_by_pseudonym_unless_consented_to_be_named(draft, editor, sponsor, event):
    link = EventPartnerFactory(event=event, partner__display_name="Alex Named")
    ConsentFactory(partner=link.partner, purpose="case_studies")
    quoted_only = EventPartnerFactory(event=event, partner__display_name="Jo Quoted")
    ConsentFactory(partner=quoted_only.partner, purpose="quoting")
    submission = submitted(draft, editor, sponsor)
    snapshot = selectors.snapshot_latest(submission=submission)
    partners = snapshot.data["coproduction"]["partners"]
    shown = {p["shown_as"] for p in partners}
    assert "Alex Named" in shown
    assert "Jo Quoted" not in shown and quoted_only.partner.pseudonym in shown
    text = str(snapshot.data)
    first = (
        event.partners.model.objects.with_scope(organisation=event.organisation_id)
        .filter(event=event)
        .order_by("joined_on", "pk")
        .first()
        .partner
    )
    assert first.display_name not in text  # the builder's partner gave no such consent
    assert first.email not in text
    assert snapshot.data["sign_offs"][0]["shown_as"] == first.pseudonym


def test_snapshot_is_unchanged_when_the_event_changes_later(draft, editor, sponsor, event):
    submission = submitted(draft, editor, sponsor)
    before = selectors.snapshot_latest(submission=submission)
    frozen_data, frozen_charts = before.data, before.charts
    programme_services.event_set_vision(
        event=event, vision_statement="We will always do something else.", by=editor
    )
    programme_services.event_update_details(event=event, by=editor, title="Renamed event")
    process = next(
        m
        for m in b.Measure.objects.with_scope(organisation=event.organisation_id).filter(
            event=event
        )
        if m.type == "process"
    )
    for i in range(8):
        b.measure_services.data_point_save(
            measure=process, period=b.START + b.dt.timedelta(weeks=22 + i), value=b.Decimal(5),
            by=editor,
        )  # fmt: skip
    after = selectors.snapshot_latest(submission=submission)
    assert after.data == frozen_data and after.charts == frozen_charts
    assert after.data["event"]["title"] == "Plan for the day"
    assert after.checksum == services.snapshots.checksum(frozen_data, frozen_charts)
    fresh = selectors.submission_get(event=event, pk=submission.pk)
    live, _ = services.snapshot_content(submission=fresh)
    assert live["event"]["title"] == "Renamed event"


def test_snapshot_rows_cannot_be_changed_or_deleted(draft, editor, sponsor):
    submission = submitted(draft, editor, sponsor)
    snapshot = selectors.snapshot_latest(submission=submission)
    snapshot.data = {"changed": True}
    with pytest.raises(ValueError, match="frozen once written"):
        snapshot.save()
    with pytest.raises(ValueError, match="frozen once written"):
        snapshot.delete()
    services.submission_move(submission=submission, move="start_review", by=None)
    submission.refresh_from_db()
    with pytest.raises(DomainError, match="Only a submitted submission"):
        services.snapshot_take(submission=submission, by=editor)


# --- permissions ---------------------------------------------------------------------------------


def membership(user, organisation):
    with organisation_scope(organisation):
        return Membership.objects.get(user=user, organisation=organisation)


def test_who_may_do_what(draft, organisation, editor, viewer, sponsor, org_admin):
    event = draft.event
    lead, member, sponsor_m, admin = (
        membership(u, organisation) for u in (editor, viewer, sponsor, org_admin)
    )
    assert all(permissions.can_see_readiness(m, event) for m in (lead, member, sponsor_m, admin))
    assert permissions.can_prepare_submission(lead, event)
    assert permissions.can_prepare_submission(admin, event)
    assert not permissions.can_prepare_submission(member, event)
    assert not permissions.can_prepare_submission(sponsor_m, event)
    assert permissions.can_attest(sponsor_m, draft)
    assert not permissions.can_attest(lead, draft)
    assert not permissions.can_attest(admin, draft)
    assert permissions.can_withdraw_submission(lead, draft)
    assert not permissions.can_withdraw_submission(member, draft)


def test_outsider_may_do_nothing(draft, outsider, other_organisation):
    theirs = membership(outsider, other_organisation)
    assert not permissions.can_see_readiness(theirs, draft.event)
    assert not permissions.can_prepare_submission(theirs, draft.event)
    assert not permissions.can_attest(theirs, draft)


def test_status_for_dashboards_in_one_query(
    draft, editor, sponsor, organisation, django_assert_num_queries
):
    other = b.make_event(organisation, editor, sponsor, title="Not started")
    submitted(draft, editor, sponsor)
    with django_assert_num_queries(1):
        status = selectors.accreditation_status_for_events(
            organisation=organisation, event_ids=[draft.event_id, other.pk]
        )
    assert set(status) == {draft.event_id}
    assert status[draft.event_id].state_label == "Submitted"
    assert status[draft.event_id].expires_at is None


def test_status_prefers_a_live_submission_to_a_withdrawn_one(draft, editor, organisation):
    services.submission_withdraw(submission=draft, by=editor)
    status = selectors.accreditation_status_for_events(
        organisation=organisation, event_ids={draft.event_id}
    )
    assert status[draft.event_id].state == "withdrawn"
    services.submission_create(event=draft.event, by=editor)
    status = selectors.accreditation_status_for_events(
        organisation=organisation, event_ids={draft.event_id}
    )
    assert status[draft.event_id].state == "draft"


def test_submission_detail_queries_do_not_grow_with_evidence(
    draft, editor, sponsor, django_assert_max_num_queries
):
    def count():
        fresh = selectors.submission_get(event=draft.event, pk=draft.pk)
        with django_assert_max_num_queries(10) as captured:
            detail = selectors.submission_detail(submission=fresh)
            _ = [(e.added_by, e.criterion_id) for row in detail.rows for e in row.evidence]
            _ = [entry.who for entry in detail.audit]
        return len(captured.captured_queries)

    before = count()
    for n in range(3):
        services.evidence_add_file(
            submission=draft, title=f"File {n}", upload=SimpleUploadedFile("a.pdf", PDF),
            by=editor, criterion=draft.criteria_version.criteria.get(code="C9"),
        )  # fmt: skip
    write_all(draft, editor)
    services.submission_send_for_sign_off(submission=draft, by=editor)
    services.submission_attest(submission=draft, by=sponsor)
    assert count() == before


def test_every_move_has_someone_who_may_make_it(
    draft, organisation, editor, sponsor, viewer, programme_admin, reviewer
):
    assert set(permissions.TEAM_MOVES) | set(permissions.PROGRAMME_MOVES) == set(MOVES)
    lead, member, sponsor_m = (membership(u, organisation) for u in (editor, viewer, sponsor))
    assert permissions.can_make_team_move(lead, draft, "send_for_sign_off")
    assert permissions.can_make_team_move(sponsor_m, draft, "attest")
    assert permissions.can_make_team_move(sponsor_m, draft, "take_back")
    assert not permissions.can_make_team_move(member, draft, "withdraw")
    assert not permissions.can_make_team_move(lead, draft, "accredit")
    assert permissions.can_make_programme_move(programme_admin, "return_incomplete")
    assert not permissions.can_make_programme_move(reviewer, "accredit")
