"""Writes of moderation and the decision: the outcome, feedback per criterion, the certificate,
and the lapse of accreditations past their expiry.

A programme admin records the decision on a submission in moderation: accredited or not yet
accredited, with a judgement and feedback on every criterion, which the team then sees. An
accredited submission gets a `Certificate` with a random verification code, expiring after the
criteria version's validity period. A daily task lapses accreditations past expiry; running it
twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from accreditation.models import (
    Certificate,
    Criterion,
    CriterionFeedback,
    Decision,
    Judgement,
    Submission,
)
from accreditation.review_permissions import is_programme_admin
from accreditation.services.submissions import audit_record, submission_move
from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import across_organisations, organisation_scope

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

logger = logging.getLogger(__name__)

State = Submission.State
Outcome = Decision.Outcome

# One criterion's moderated judgement as typed: (judgement or "", feedback to the team).
Feedback = Mapping[int, tuple[str, str]]


def certificate_expiry(*, issued_on: dt.date, validity_months: int) -> dt.date:
    """The last day the accreditation holds: the validity period after issue, less a day."""
    return issued_on + relativedelta(months=validity_months) - dt.timedelta(days=1)


@transaction.atomic
def decision_record(
    *,
    submission: Submission,
    by: User,
    outcome: str,
    summary: str,
    feedback: Feedback,
) -> Decision:
    """Record the moderated decision with feedback on every criterion; issue the certificate
    when accredited."""
    if not is_programme_admin(by):
        raise DomainError("Only the programme team can record a decision.")
    with organisation_scope(submission.organisation):
        locked = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("organisation", "criteria_version", "event")
            .get(pk=submission.pk)
        )
    if locked.state != State.MODERATION:
        raise DomainError(
            f"The submission is {locked.get_state_display().lower()}: a decision is recorded "
            "in moderation, once the reviews are in."
        )
    if outcome not in Outcome.values:
        raise DomainError("Choose accredited or not yet accredited.", field="outcome")
    criteria = list(Criterion.objects.filter(version_id=locked.criteria_version_id))
    missing, stray = [], [pk for pk in feedback if pk not in {c.pk for c in criteria}]
    if stray:
        raise DomainError("Some feedback is for criteria that are not in this submission.")
    rows: list[tuple[Criterion, str, str]] = []
    for criterion in criteria:
        judgement, text = feedback.get(criterion.pk, ("", ""))
        judgement, text = (judgement or "").strip(), (text or "").strip()
        if judgement not in Judgement.values:
            missing.append(criterion.code)
            continue
        rows.append((criterion, judgement, text))
    if missing:
        raise DomainError(
            f"Give the moderated judgement for every criterion: {', '.join(missing)} "
            f"{'has' if len(missing) == 1 else 'have'} none yet."
        )
    now = timezone.now()
    with organisation_scope(locked.organisation):
        decision = Decision.objects.create(
            organisation=locked.organisation,
            submission=locked,
            outcome=outcome,
            summary=summary.strip(),
            decided_by=by,
            decided_at=now,
        )
        CriterionFeedback.objects.bulk_create(
            CriterionFeedback(
                organisation=locked.organisation,
                decision=decision,
                criterion=criterion,
                judgement=judgement,
                feedback=text,
            )
            for criterion, judgement, text in rows
        )
    move = "accredit" if outcome == Outcome.ACCREDITED else "not_yet_accredit"
    locked = submission_move(submission=locked, move=move, by=by, note="decision recorded")
    audit_record(
        submission=locked,
        by=by,
        action="decision_recorded",
        summary=f"{by.display_name} recorded the decision: {Outcome(outcome).label.lower()}",
    )
    if outcome == Outcome.ACCREDITED:
        certificate_issue(submission=locked, by=by, at=now)
    return decision


def certificate_issue(
    *, submission: Submission, by: User | None, at: dt.datetime | None = None
) -> Certificate:
    """The certificate of an accredited submission (called inside `decision_record`)."""
    if submission.state != State.ACCREDITED:
        raise DomainError("Only an accredited submission has a certificate.")
    issued_at = at or timezone.now()
    expires_on = certificate_expiry(
        issued_on=timezone.localtime(issued_at).date(),
        validity_months=submission.criteria_version.validity_months,
    )
    with organisation_scope(submission.organisation):
        certificate = Certificate.objects.create(
            organisation=submission.organisation,
            submission=submission,
            issued_at=issued_at,
            expires_on=expires_on,
        )
    audit_record(
        submission=submission,
        by=by,
        action="certificate_issued",
        summary=(
            f"Certificate {certificate.verification_code} issued, valid until "
            f"{expires_on:%-d %b %Y}"
        ),
    )
    return certificate


def submissions_past_expiry(*, today: dt.date) -> list[int]:
    """Ids of accredited submissions whose certificate expired before `today`."""
    with across_organisations():
        return list(
            Submission.objects.filter(
                state=State.ACCREDITED, certificate__expires_on__lt=today
            ).values_list("pk", flat=True)
        )


@transaction.atomic
def submission_lapse(*, submission: Submission, today: dt.date) -> bool:
    """Lapse one accreditation past its expiry. False (and no change) when it is not due."""
    with organisation_scope(submission.organisation):
        locked = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("certificate", "organisation")
            .get(pk=submission.pk)
        )
        certificate = getattr(locked, "certificate", None)
        if (
            locked.state != State.ACCREDITED
            or certificate is None
            or certificate.expires_on >= today
        ):
            return False
        submission_move(
            submission=locked,
            move="lapse",
            by=None,
            note=f"the accreditation expired on {certificate.expires_on:%-d %b %Y}",
        )
        Certificate.objects.filter(pk=certificate.pk, lapsed_at__isnull=True).update(
            lapsed_at=timezone.now()
        )
    return True


def accreditations_lapse(*, today: dt.date | None = None) -> int:
    """Lapse every accreditation past its expiry; returns how many lapsed now (idempotent)."""
    today = today or timezone.localdate()
    lapsed = 0
    for pk in submissions_past_expiry(today=today):
        with across_organisations():
            submission = Submission.objects.select_related("organisation").get(pk=pk)
        if submission_lapse(submission=submission, today=today):
            lapsed += 1
            logger.info("Accreditation of submission %s lapsed.", pk)
    return lapsed
