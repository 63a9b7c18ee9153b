"""Freezing a submission's evidence: what reviewers see, whatever changes afterwards.

The snapshot is plain JSON (statements, check results, self-assessments, evidence list,
co-production profile, measures, PDSA discipline, sustain plan, attestation) and the charts
as rendered SVG. Partners appear by pseudonym unless they have an active consent to external
case studies; vision sign-offs not linked to a partner record are shown without a name.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from accreditation import evidence as evidence_checks
from accreditation.models import Evidence, SelfAssessment, Snapshot, SponsorAttestation, Submission
from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import organisation_scope
from coproduction.selectors import partners as partner_selectors
from programmes.models import Stage

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

SCHEMA = 1


def _event_part(ev: evidence_checks.EventEvidence) -> dict[str, Any]:
    event = ev.event
    return {
        "title": event.title,
        "organisation": event.organisation.name,
        "service": event.service,
        "focus_population": event.focus_population,
        "setting": event.setting,
        "stage": Stage(event.stage).label,
        "vision_statement": event.vision_statement,
        "aim": event.aim_sentence,
        "team_lead": event.team_lead.display_name if event.team_lead else "",
        "executive_sponsor": (
            event.executive_sponsor.display_name if event.executive_sponsor else ""
        ),
        "oversight_group": event.oversight_group,
    }


def _sign_offs(ev: evidence_checks.EventEvidence) -> list[dict[str, Any]]:
    by_partner = partner_selectors.sign_off_partner_ids(event=ev.event)
    shown = {p.partner_id: p.shown_as for p in ev.partners}
    return [
        {
            "shown_as": shown.get(by_partner.get(s.pk, 0), "A partner"),
            "signed_on": s.signed_on.isoformat(),
            "statement": s.statement,
        }
        for s in ev.sign_offs
    ]


def _coproduction(ev: evidence_checks.EventEvidence) -> dict[str, Any]:
    profile = ev.profile
    return {
        "activities": profile.activities,
        "highest_rung": profile.highest_rung,
        "highest_rung_label": profile.highest_rung_label,
        "codesign_or_above": profile.codesign_or_above,
        "partner_attendances": profile.partner_attendances,
        "staff_attendances": profile.staff_attendances,
        "stages_without_partners": profile.stages_without_partners_labels,
        "summary": list(profile.summary),
        "partners": [
            {"shown_as": p.shown_as, "named": p.named, "role": p.role,
             "relationship": p.relationship}
            for p in ev.partners
        ],
    }  # fmt: skip


def _sustain_plan(ev: evidence_checks.EventEvidence) -> dict[str, Any] | None:
    plan = ev.sustain_plan
    if plan is None:
        return None
    return {
        "owner": plan.owner.display_name if plan.owner else "",
        "monitoring_frequency": plan.get_monitoring_frequency_display(),
        "standard_work": plan.standard_work,
        "training": plan.training,
        "spread_targets": plan.spread_targets,
        "review_date": plan.review_date.isoformat() if plan.review_date else None,
    }


def snapshot_content(*, submission: Submission) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The data and charts a snapshot of the submission would hold now (no writes)."""
    event = submission.event
    criteria = list(submission.criteria_version.criteria.all())
    ev = evidence_checks.event_evidence(event=event, submission=submission)
    results = evidence_checks.run_checks(criteria=criteria, evidence=ev)
    with organisation_scope(submission.organisation):
        assessments = {
            a.criterion_id: a.text for a in SelfAssessment.objects.filter(submission=submission)
        }
        files = list(Evidence.objects.filter(submission=submission).select_related("criterion"))
        attestation = (
            SponsorAttestation.objects.filter(submission=submission)
            .select_related("sponsor")
            .first()
        )
    data = {
        "schema": SCHEMA,
        "criteria_version": {
            "number": submission.criteria_version.number,
            "title": submission.criteria_version.title,
        },
        "event": _event_part(ev),
        "four_criteria": [
            {"kind": c.get_kind_display(), "confirmed": c.confirmed, "evidence": c.evidence}
            for c in ev.four_criteria
        ],
        "sign_offs": _sign_offs(ev),
        "coproduction": _coproduction(ev),
        "measures": [
            {
                "id": m.measure_id,
                "name": m.name,
                "type": m.type,
                "definition_complete": m.definition_complete,
                "points": m.points,
                "summary": list(m.analysis.summary) if m.analysis else [],
            }
            for m in ev.measures
        ],
        "pdsa": {"total": ev.pdsa.total, "complete": ev.pdsa.complete, "facts": ev.pdsa.facts},
        "sustain_plan": _sustain_plan(ev),
        "checks": [r.to_dict() for r in results],
        "self_assessments": [
            {"code": c.code, "title": c.title, "text": assessments.get(c.pk, "")} for c in criteria
        ],
        "evidence": [
            {
                "id": e.pk,
                "criterion": e.criterion.code if e.criterion else "",
                "title": e.title,
                "kind": e.kind,
                "record_type": e.record_type,
                "record_id": e.record_id,
                "content_type": e.content_type,
                "size": e.size,
            }
            for e in files
        ],
        "attestation": (
            {
                "sponsor": attestation.sponsor.display_name,
                "attested_at": attestation.attested_at.isoformat(),
                "statement": attestation.statement,
            }
            if attestation
            else None
        ),
    }
    charts = [
        {"measure_id": m.measure_id, "title": m.chart_title,
         "description": m.chart_description, "svg": m.chart_svg}
        for m in ev.measures
        if m.chart_svg
    ]  # fmt: skip
    return data, charts


def checksum(data: dict[str, Any], charts: list[dict[str, Any]]) -> str:
    payload = json.dumps({"data": data, "charts": charts}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


@transaction.atomic
def snapshot_take(*, submission: Submission, by: User | None) -> Snapshot:
    """Freeze the submission's evidence as it is now. Once each time it is submitted (the
    sponsor's attestation); a snapshot is never changed afterwards."""
    if submission.state != Submission.State.SUBMITTED:
        raise DomainError("Only a submitted submission has its evidence frozen.")
    with organisation_scope(submission.organisation):
        data, charts = snapshot_content(submission=submission)
        data = json.loads(json.dumps(data, default=str))  # exactly what the database will hold
        return Snapshot.objects.create(
            organisation=submission.organisation,
            submission=submission,
            taken_at=timezone.now(),
            data=data,
            charts=charts,
            checksum=checksum(data, charts),
        )
