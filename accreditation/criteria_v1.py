"""Version 1 of the accreditation criteria (`product.md`, Accreditation), as plain data.

Used by the data migration (with historical models) and by the `criteria_version_seed` service,
so both create exactly the same rows. Thresholds are settings of the version, read by the
automatic checks in `accreditation.checks`; a new version may change them without code.
"""

from __future__ import annotations

from typing import Any

VERSION_1: dict[str, Any] = {
    "number": 1,
    "title": "Always Events accreditation criteria",
    "notes": "The first published criteria (C1 to C9).",
    "validity_months": 36,
}

CRITERIA_V1: list[dict[str, Any]] = [
    {
        "code": "C1",
        "title": "Meets the four criteria",
        "check_key": "four_criteria",
        "guidance": (
            "The Always Event is important to patients, evidence-based, measurable, and "
            "affordable and sustainable, and the team has confirmed each of these."
        ),
        "evidence_expected": (
            "The four criteria confirmed on the event, with the reasons; the vision statement "
            "signed off by patients or families."
        ),
        "thresholds": {"criteria_required": 4, "vision_sign_off_required": True},
    },
    {
        "code": "C2",
        "title": "Co-produced throughout",
        "check_key": "coproduction",
        "guidance": (
            "Patient and family partners took part from discovery onwards, at co-design or above "
            "on the ladder of co-production, and signed off the vision statement."
        ),
        "evidence_expected": (
            "The co-production profile: involvement activities by stage and rung, attendance, "
            "and partner sign-off of the vision statement."
        ),
        "thresholds": {"minimum_rung": 6, "partners_every_stage": True},
    },
    {
        "code": "C3",
        "title": "Leadership and governance",
        "check_key": "leadership",
        "guidance": (
            "An executive sponsor supports the work, a named group oversees it, and the sponsor "
            "attests to the submission."
        ),
        "evidence_expected": (
            "The executive sponsor and oversight group recorded on the event; the sponsor's "
            "attestation of this submission."
        ),
        "thresholds": {"oversight_group_required": True},
    },
    {
        "code": "C4",
        "title": "Measurement plan",
        "check_key": "measurement_plan",
        "guidance": (
            "Outcome, process and balancing measures, each with an operational definition: "
            "numerator, denominator, data source and how often it is collected."
        ),
        "evidence_expected": "The event's measures and their definitions.",
        "thresholds": {"measure_types": ["outcome", "process", "balancing"]},
    },
    {
        "code": "C5",
        "title": "Evidence of improvement",
        "check_key": "improvement",
        "guidance": (
            "A signal of improvement under the agreed rules for statistical process control, "
            "against a baseline, with the changes tested annotated on the chart."
        ),
        "evidence_expected": "Run or control charts with baseline and annotated changes.",
        "thresholds": {"minimum_baseline_points": 6, "annotations_required": True},
    },
    {
        "code": "C6",
        "title": "Reliability and sustainment",
        "check_key": "sustainment",
        "guidance": (
            "The process measure at or above target for at least six consecutive periods after "
            "the improvement signal, with no concern signal on balancing measures."
        ),
        "evidence_expected": "Charts showing the run at target and the balancing measures.",
        "thresholds": {"consecutive_periods_at_target": 6, "no_balancing_concern": True},
    },
    {
        "code": "C7",
        "title": "Testing discipline",
        "check_key": "testing",
        "guidance": (
            "At least three Plan-Do-Study-Act cycles, each with a prediction, a study of the "
            "result against it, and a decision to adopt, adapt or abandon."
        ),
        "evidence_expected": "The PDSA cycles recorded in the app.",
        "thresholds": {"minimum_pdsa_cycles": 3},
    },
    {
        "code": "C8",
        "title": "Sustain and spread plan",
        "check_key": "sustain_plan",
        "guidance": (
            "A plan to keep the Always Event going: an owner, how often it is checked, what "
            "happens when performance drops, and where it could spread next."
        ),
        "evidence_expected": "The sustain plan recorded on the event.",
        "thresholds": {"spread_considered": True},
    },
    {
        "code": "C9",
        "title": "Learning shared",
        "check_key": "learning",
        "guidance": "The team has written up what it learned as a case study others can use.",
        "evidence_expected": "A case study recorded as an impact of the event.",
        "thresholds": {"minimum_case_studies": 1},
    },
]


def seed_version_1(version_model: Any, criterion_model: Any) -> Any:
    """Create Version 1, published, with C1 to C9, unless it exists. Idempotent.

    Takes the model classes so the data migration can pass its historical models.
    """
    from django.utils import timezone

    version = version_model.objects.filter(number=VERSION_1["number"]).first()
    if version is not None:
        return version
    version = version_model.objects.create(
        **VERSION_1, state="published", published_at=timezone.now()
    )
    criterion_model.objects.bulk_create(
        criterion_model(version=version, position=position, **criterion)
        for position, criterion in enumerate(CRITERIA_V1, start=1)
    )
    return version
