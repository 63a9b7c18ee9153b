"""Writes about submissions: drafting, self-assessments, evidence, sign-off, attestation,
withdrawal, and the one function every state change goes through (`submission_move`).

Every state change writes an `AuditEntry` (who, when, from, to). The snapshot is frozen when
the sponsor attests, which is the moment the submission becomes Submitted.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accreditation.models import (
    AuditEntry,
    Criterion,
    Evidence,
    SelfAssessment,
    SponsorAttestation,
    Submission,
)
from accreditation.workflow import MOVES
from alwaysevents.exceptions import DomainError
from alwaysevents.files import upload_head
from alwaysevents.tenancy.scope import organisation_scope
from programmes.models import Membership

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User
    from programmes.models import AlwaysEvent

State = Submission.State

EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
# File kinds accepted as evidence: (extensions, magic bytes at the start, stored content type).
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EVIDENCE_KINDS: tuple[tuple[tuple[str, ...], bytes, str], ...] = (
    ((".pdf",), b"%PDF", "application/pdf"),
    ((".png",), b"\x89PNG\r\n\x1a\n", "image/png"),
    ((".jpg", ".jpeg"), b"\xff\xd8\xff", "image/jpeg"),
    ((".gif",), b"GIF8", "image/gif"),
    ((".docx",), _ZIP, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ((".xlsx",), _ZIP, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ((".pptx",), _ZIP, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ((".odt",), _ZIP, "application/vnd.oasis.opendocument.text"),
    ((".ods",), _ZIP, "application/vnd.oasis.opendocument.spreadsheet"),
    ((".doc",), _OLE, "application/msword"),
    ((".xls",), _OLE, "application/vnd.ms-excel"),
    ((".ppt",), _OLE, "application/vnd.ms-powerpoint"),
)
ACCEPTED_EXTENSIONS = tuple(ext for exts, _, _ in EVIDENCE_KINDS for ext in exts)

ATTESTATION_STATEMENT = (
    "As executive sponsor I confirm that this submission is a fair account of the Always "
    "Event's work, that the organisation supports it, and that patients and families who "
    "took part agreed to their contribution being shared in this way."
)


# --- the state machine ----------------------------------------------------------------------------


def audit_record(
    *,
    submission: Submission,
    by: User | None,
    action: str,
    summary: str,
    from_state: str = "",
    to_state: str = "",
    at: dt.datetime | None = None,
) -> AuditEntry:
    """One line of the submission's audit trail. For the reviewing side too."""
    with organisation_scope(submission.organisation):
        return AuditEntry.objects.create(
            organisation=submission.organisation,
            submission=submission,
            actor=by,
            at=at or timezone.now(),
            action=action,
            from_state=from_state,
            to_state=to_state,
            summary=summary[:500],
        )


def _lock(submission: Submission) -> Submission:
    with organisation_scope(submission.organisation):
        return (
            Submission.objects.select_for_update(of=("self",))
            .select_related("event", "event__executive_sponsor", "criteria_version", "organisation")
            .get(pk=submission.pk)
        )


@transaction.atomic
def submission_move(
    *, submission: Submission, move: str, by: User | None, note: str = ""
) -> Submission:
    """Make one move of the state machine (`accreditation.workflow.MOVES`), audited.

    Refuses, with a message naming the state, any move the current state does not allow. Who
    may make the move is checked by the caller (`accreditation.permissions`); what must be true
    besides the state (self-assessments written, sponsor named) by the service for that move.
    """
    if move not in MOVES:
        raise DomainError(f"There is no such step as “{move}”.")
    step = MOVES[move]
    locked = _lock(submission)
    if locked.state not in step.sources:
        raise DomainError(
            f"A submission that is {locked.get_state_display().lower()} cannot {step.verb}."
        )
    now = timezone.now()
    before = locked.state
    locked.state = step.target
    locked.state_changed_at = now
    setattr(locked, step.timestamp, now)
    locked.save()
    summary = f"{Submission.State(before).label} → {Submission.State(step.target).label}"
    audit_record(
        submission=locked,
        by=by,
        action=move,
        summary=f"{summary}: {note}" if note else summary,
        from_state=before,
        to_state=step.target,
        at=now,
    )
    submission.refresh_from_db()
    return locked


# --- drafting ---------------------------------------------------------------------------------


@transaction.atomic
def submission_create(*, event: AlwaysEvent, by: User | None) -> Submission:
    """Start a draft for the event under the newest published criteria version."""
    from accreditation.selectors import criteria_version_current

    version = criteria_version_current()
    if version is None:
        raise DomainError("No criteria have been published yet, so there is nothing to apply to.")
    with organisation_scope(event.organisation):
        open_one = Submission.objects.filter(event=event, state__in=Submission.OPEN_STATES).first()
        if open_one is not None:
            raise DomainError(
                "This Always Event already has a submission in progress "
                f"({open_one.get_state_display().lower()})."
            )
        try:
            with transaction.atomic():
                submission = Submission.objects.create(
                    organisation=event.organisation,
                    event=event,
                    criteria_version=version,
                    created_by=by,
                    state_changed_at=timezone.now(),
                )
        except IntegrityError as exc:  # a second click at the same moment
            raise DomainError("This Always Event already has a submission in progress.") from exc
    audit_record(
        submission=submission,
        by=by,
        action="created",
        summary=f"Draft started under criteria version {version.number}",
        to_state=State.DRAFT,
    )
    return submission


def _require_editable(submission: Submission) -> None:
    if not submission.is_editable:
        raise DomainError(
            f"The submission is {submission.get_state_display().lower()}, so it cannot be "
            "changed. Take it back to draft first."
            if submission.state == State.AWAITING_SIGN_OFF
            else f"The submission is {submission.get_state_display().lower()}, so it cannot be "
            "changed."
        )


def _criterion_of(submission: Submission, criterion: Criterion | None) -> Criterion | None:
    if criterion is not None and criterion.version_id != submission.criteria_version_id:
        raise DomainError(
            "That criterion belongs to another version of the criteria.", field="criterion"
        )
    return criterion


@transaction.atomic
def self_assessment_save(
    *, submission: Submission, criterion: Criterion, text: str, by: User | None
) -> SelfAssessment:
    """Write (or rewrite) the team's self-assessment of one criterion."""
    submission = _lock(submission)
    _require_editable(submission)
    _criterion_of(submission, criterion)
    text = text.strip()
    if len(text) > 10_000:
        raise DomainError(
            f"Keep the self-assessment of {criterion.code} under 10,000 characters.", field="text"
        )
    with organisation_scope(submission.organisation):
        assessment, _ = SelfAssessment.objects.update_or_create(
            organisation=submission.organisation,
            submission=submission,
            criterion=criterion,
            defaults={"text": text, "updated_by": by},
        )
    return assessment


def check_evidence_file(upload: UploadedFile) -> str:
    """The file's content type, if it is an accepted kind and size; DomainError otherwise.

    The first bytes must match the extension: a renamed file is refused.
    """
    head = upload_head(
        upload,
        max_bytes=EVIDENCE_MAX_BYTES,
        too_big="The file is too big: evidence files must be 20 MB or smaller.",
        empty="The file is empty.",
        field="file",
    )
    suffix = PurePath(upload.name or "").suffix.lower()
    for extensions, magic, content_type in EVIDENCE_KINDS:
        if suffix in extensions:
            if not head.startswith(magic):
                raise DomainError(
                    f"The file is named {suffix} but its content is not a {suffix[1:].upper()} "
                    "file. Save it again in that format and upload it.",
                    field="file",
                )
            return content_type
    raise DomainError(
        "Evidence files must be PDF, an image (PNG, JPEG, GIF) or an office document "
        "(Word, Excel, PowerPoint, OpenDocument).",
        field="file",
    )


@transaction.atomic
def evidence_add_file(
    *,
    submission: Submission,
    title: str,
    upload: UploadedFile,
    by: User | None,
    criterion: Criterion | None = None,
) -> Evidence:
    submission = _lock(submission)
    _require_editable(submission)
    _criterion_of(submission, criterion)
    title = " ".join(title.split())[:200]
    if not title:
        raise DomainError("Say in a few words what this evidence shows.", field="title")
    content_type = check_evidence_file(upload)
    with organisation_scope(submission.organisation):
        evidence = Evidence(
            organisation=submission.organisation,
            submission=submission,
            criterion=criterion,
            kind=Evidence.Kind.FILE,
            title=title,
            content_type=content_type,
            size=upload.size,
            added_by=by,
        )
        evidence.file.save(upload.name or "evidence", upload, save=False)
        evidence.save()
    return evidence


@transaction.atomic
def evidence_add_record(
    *,
    submission: Submission,
    title: str,
    record_type: str,
    record_id: int,
    by: User | None,
    criterion: Criterion | None = None,
) -> Evidence:
    """Link a record of the event in the app (a measure, a PDSA cycle, ...) as evidence."""
    from accreditation.selectors import record_exists

    submission = _lock(submission)
    _require_editable(submission)
    _criterion_of(submission, criterion)
    if record_type not in Evidence.RecordType.values:
        raise DomainError("Choose what kind of record this is.", field="record_type")
    if not record_exists(event=submission.event, record_type=record_type, record_id=record_id):
        raise DomainError(
            f"This Always Event has no {Evidence.RecordType(record_type).label.lower()} "
            "with that number.",
            field="record_id",
        )
    title = " ".join(title.split())[:200] or Evidence.RecordType(record_type).label
    with organisation_scope(submission.organisation):
        return Evidence.objects.create(
            organisation=submission.organisation,
            submission=submission,
            criterion=criterion,
            kind=Evidence.Kind.RECORD,
            title=title,
            record_type=record_type,
            record_id=record_id,
            added_by=by,
        )


@transaction.atomic
def evidence_remove(*, evidence: Evidence, by: User | None) -> None:
    submission = _lock(evidence.submission)
    _require_editable(submission)
    name = evidence.file.name if evidence.file else ""
    storage = evidence.file.storage if evidence.file else None
    with organisation_scope(submission.organisation):
        Evidence.objects.filter(pk=evidence.pk).delete()
    if name and storage is not None:
        transaction.on_commit(lambda: storage.delete(name))


# --- sign-off and submission ----------------------------------------------------------------------


@transaction.atomic
def submission_send_for_sign_off(*, submission: Submission, by: User | None) -> Submission:
    """Draft -> awaiting sponsor sign-off, once every criterion has a self-assessment and the
    event names its executive sponsor."""
    submission = _lock(submission)
    if submission.state == State.DRAFT:
        criteria = list(submission.criteria_version.criteria.all())
        with organisation_scope(submission.organisation):
            written = set(
                SelfAssessment.objects.filter(submission=submission)
                .exclude(text="")
                .values_list("criterion_id", flat=True)
            )
        missing = [c.code for c in criteria if c.pk not in written]
        if missing:
            raise DomainError(
                "Write a self-assessment for every criterion first. Missing: "
                + ", ".join(missing)
                + "."
            )
        if submission.event.executive_sponsor_id is None:
            raise DomainError(
                "Name the event's executive sponsor first: they sign the submission off."
            )
    return submission_move(submission=submission, move="send_for_sign_off", by=by)


@transaction.atomic
def submission_take_back(
    *, submission: Submission, by: User | None, reason: str = ""
) -> Submission:
    """Awaiting sign-off -> draft: the team takes it back, or the sponsor does not sign it."""
    return submission_move(submission=submission, move="take_back", by=by, note=reason.strip())


@transaction.atomic
def submission_attest(
    *, submission: Submission, by: User, statement: str = ATTESTATION_STATEMENT
) -> Submission:
    """The executive sponsor's one step: attest, submit, and freeze the snapshot."""
    from accreditation.services.snapshots import snapshot_take

    submission = _lock(submission)
    event = submission.event
    if event.executive_sponsor_id != by.pk:
        raise DomainError("Only the event's executive sponsor can sign the submission off.")
    with organisation_scope(submission.organisation):
        active = Membership.objects.filter(
            organisation=submission.organisation, user=by, is_active=True
        ).exists()
    if not active:
        raise DomainError("Only an active member of the organisation can sign the submission off.")
    if submission.state != State.AWAITING_SIGN_OFF:
        raise DomainError(
            f"A submission that is {submission.get_state_display().lower()} cannot be signed off."
        )
    now = timezone.now()
    with organisation_scope(submission.organisation):
        SponsorAttestation.objects.create(
            organisation=submission.organisation,
            submission=submission,
            sponsor=by,
            statement=statement,
            attested_at=now,
        )
    submission = submission_move(submission=submission, move="attest", by=by)
    snapshot_take(submission=submission, by=by)
    return submission


@transaction.atomic
def submission_withdraw(*, submission: Submission, by: User | None, reason: str = "") -> Submission:
    """Draft or submitted -> withdrawn (the team stops; a new draft may start later)."""
    submission = submission_move(submission=submission, move="withdraw", by=by, note=reason.strip())
    submission.withdrawn_reason = reason.strip()
    submission.save(update_fields=["withdrawn_reason"])
    return submission


@transaction.atomic
def submission_reopen(*, submission: Submission, by: User | None) -> Submission:
    """Returned incomplete -> draft, so the team can complete it and send it again."""
    return submission_move(submission=submission, move="reopen", by=by)
