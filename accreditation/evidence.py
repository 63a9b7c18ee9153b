"""Automatic evidence checks: for each criterion, met / partly met / not met and the facts.

`event_evidence` gathers what the checks need from the other apps, through their selectors
only, in one pass: a constant number of queries for the event plus three per measure (its
points, phases and PDSA annotations; an event has a handful of measures). `run_checks` then
answers every criterion of a version from that evidence without touching the database, with
the criterion's thresholds (settings of the version, not code).

Each check is a pure function `(evidence, thresholds) -> (judgement, facts)`, registered by
the criterion's `check_key`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from accreditation.models import Criterion, Judgement
from coproduction.selectors import involvement as involvement_selectors
from coproduction.selectors import partners as partner_selectors
from measurement import spc
from measurement.charts import measure_chart_context, period_label
from measurement.selectors import testing as testing_selectors
from measurement.selectors.measures import measure_list, measure_phases, measure_points
from programmes import selectors as programme_selectors
from programmes.models import Criterion as FourCriterion
from programmes.models import SustainPlan

if TYPE_CHECKING:
    from accreditation.models import Submission
    from coproduction.selectors.involvement import CoproductionProfile
    from coproduction.selectors.partners import PublicPartner
    from measurement.selectors.testing import PdsaDiscipline
    from programmes.models import AlwaysEvent, VisionSignOff

MET, PARTLY, NOT_MET = Judgement.MET, Judgement.PARTLY_MET, Judgement.NOT_MET
MEASURE_TYPES = ("outcome", "process", "balancing")


@dataclass(frozen=True)
class CheckResult:
    """One criterion's automatic check: the judgement and the facts behind it."""

    code: str
    title: str
    check_key: str
    judgement: str  # a `Judgement` value, or "" when the criterion has no automatic check
    facts: tuple[str, ...]

    @property
    def label(self) -> str:
        return Judgement(self.judgement).label if self.judgement else "No automatic check"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "check_key": self.check_key,
            "judgement": self.judgement,
            "label": self.label,
            "facts": list(self.facts),
        }


@dataclass(frozen=True)
class MeasureEvidence:
    """One measure as the checks see it: definition, data, analysis and its chart."""

    measure_id: int
    name: str
    type: str
    definition_complete: bool
    missing_definition: str
    has_target: bool
    points: int
    labels: tuple[str, ...]
    analysis: spc.Analysis | None
    annotations: int
    phases: int
    chart_title: str = ""
    chart_description: str = ""
    chart_svg: str = ""

    def signal(self) -> spc.Signal | None:
        if self.analysis is None:
            return None
        signals = spc.improvement_signals(self.analysis)
        return signals[0] if signals else None

    def concern_signals(self) -> list[spc.Signal]:
        if self.analysis is None:
            return []
        return [s for s in self.analysis.signals if s.variation.nature == "concern"]

    def periods(self, indices: Iterable[int]) -> str:
        shown = [self.labels[i] for i in indices]
        if not shown:
            return ""
        return shown[0] if len(shown) == 1 else f"{shown[0]} to {shown[-1]}"


@dataclass
class EventEvidence:
    """Everything the checks read about one event (and its current submission, if any)."""

    event: AlwaysEvent
    four_criteria: list[FourCriterion]
    sign_offs: list[VisionSignOff]
    profile: CoproductionProfile
    partners: list[PublicPartner]
    signed_off_by_partner: int
    measures: list[MeasureEvidence]
    pdsa: PdsaDiscipline
    sustain_plan: SustainPlan | None
    impacts: int
    case_study_evidence: int = 0
    attested_by: str = ""
    attested_on: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def measures_of(self, kind: str) -> list[MeasureEvidence]:
        return [m for m in self.measures if m.type == kind]


def _definition_gap(measure: Any) -> str:
    if not measure.definition.strip():
        return "an operational definition"
    if measure.is_proportion and not (
        measure.numerator_definition.strip() and measure.denominator_definition.strip()
    ):
        return "what the numerator and the denominator count"
    if not measure.data_source.strip():
        return "its data source"
    return ""


def _measure_evidence(measure: Any) -> MeasureEvidence:
    points = measure_points(measure=measure)
    phases = measure_phases(measure=measure)
    annotations = testing_selectors.pdsa_annotations(measure)
    context = measure_chart_context(measure, points, phases, annotations, interactive=False)
    chart, view = context["chart"], context["analysis"]
    gap = _definition_gap(measure)
    return MeasureEvidence(
        measure_id=measure.pk,
        name=measure.name,
        type=measure.type,
        definition_complete=not gap,
        missing_definition=gap,
        has_target=measure.target is not None,
        points=len(points),
        labels=tuple(period_label(measure, p.period) for p in points),
        analysis=view.analysis if view is not None else None,
        annotations=len(annotations),
        phases=len(phases),
        chart_title=chart.title if chart else "",
        chart_description=chart.description if chart else "",
        chart_svg=chart.svg if chart else "",
    )


def event_evidence(*, event: AlwaysEvent, submission: Submission | None = None) -> EventEvidence:
    """Gather the evidence of one event through the other apps' selectors.

    Queries: about a dozen for the event, plus three per measure.
    """
    sign_offs = list(programme_selectors.event_sign_offs(event=event))
    value = programme_selectors.event_value_summary(event=event)
    impacts = len(value.efficiencies) + sum(len(items) for items in value.benefits.values())
    try:
        plan: SustainPlan | None = event.sustain_plan
    except SustainPlan.DoesNotExist:
        plan = None
    evidence = EventEvidence(
        event=event,
        four_criteria=programme_selectors.event_criteria(event=event),
        sign_offs=sign_offs,
        profile=involvement_selectors.coproduction_profile(event=event),
        partners=partner_selectors.partner_list_for_publication(event=event),
        signed_off_by_partner=len(partner_selectors.sign_off_partner_ids(event=event)),
        measures=[_measure_evidence(m) for m in measure_list(event=event)],
        pdsa=testing_selectors.pdsa_discipline(event, minimum=1),
        sustain_plan=plan,
        impacts=impacts,
    )
    if submission is not None:
        from accreditation import selectors  # the submission's own records

        evidence.case_study_evidence = selectors.evidence_count_for_check(
            submission=submission, check_key=Criterion.Check.LEARNING
        )
        attestation = selectors.attestation_for(submission=submission)
        if attestation is not None:
            evidence.attested_by = attestation.sponsor.display_name
            evidence.attested_on = f"{attestation.attested_at:%d %B %Y}"
    return evidence


# --- the checks -------------------------------------------------------------------------------

Check = Callable[[EventEvidence, dict[str, Any]], tuple[str, list[str]]]
CHECKS: dict[str, Check] = {}


def check(key: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        CHECKS[key] = function
        return function

    return register


def _int(thresholds: dict[str, Any], name: str, default: int) -> int:
    try:
        return int(thresholds.get(name, default))
    except (TypeError, ValueError):
        return default


def _grade(parts_met: Sequence[bool]) -> str:
    if all(parts_met):
        return MET
    return PARTLY if any(parts_met) else NOT_MET


@check(Criterion.Check.FOUR_CRITERIA)
def check_four_criteria(ev: EventEvidence, thresholds: dict[str, Any]) -> tuple[str, list[str]]:
    required = _int(thresholds, "criteria_required", 4)
    confirmed = [c for c in ev.four_criteria if c.confirmed]
    facts = [f"{len(confirmed)} of the four criteria confirmed (needed: {required})."]
    missing = [c.get_kind_display() for c in ev.four_criteria if not c.confirmed]
    if missing:
        facts.append("Not yet confirmed: " + ", ".join(missing) + ".")
    parts = [len(confirmed) >= required]
    if thresholds.get("vision_sign_off_required", True):
        has_sign_off = bool(ev.sign_offs)
        parts.append(has_sign_off)
        facts.append(
            f"The vision statement has {len(ev.sign_offs)} sign-off"
            f"{'s' if len(ev.sign_offs) != 1 else ''} from patients or families."
            if has_sign_off
            else "No one has signed off the vision statement yet."
        )
    if all(parts):
        return MET, facts
    return (PARTLY if confirmed or any(parts) else NOT_MET), facts


@check(Criterion.Check.COPRODUCTION)
def check_coproduction(ev: EventEvidence, thresholds: dict[str, Any]) -> tuple[str, list[str]]:
    profile = ev.profile
    minimum = _int(thresholds, "minimum_rung", 6)
    facts = list(profile.summary)
    if not profile.activities:
        return NOT_MET, facts
    rung_ok = (profile.highest_rung or 0) >= minimum
    facts.append(
        f"The criterion asks for rung {minimum} ({involvement_selectors.rung_name(minimum)}) "
        "or above."
    )
    parts = [rung_ok]
    if thresholds.get("partners_every_stage", True):
        parts.append(not profile.stages_without_partners and bool(profile.stages_considered))
        if not profile.stages_considered:
            facts.append("The event has not yet passed the discovery stage.")
    signed = ev.signed_off_by_partner
    parts.append(signed > 0)
    facts.append(
        f"{signed} sign-off{'s' if signed != 1 else ''} of the vision statement by a partner."
        if signed
        else "No partner's sign-off of the vision statement is recorded."
    )
    # Partners are involved (there are activities), so at least partly met.
    return (MET if all(parts) else PARTLY), facts


@check(Criterion.Check.LEADERSHIP)
def check_leadership(ev: EventEvidence, thresholds: dict[str, Any]) -> tuple[str, list[str]]:
    event = ev.event
    facts = []
    has_sponsor = event.executive_sponsor_id is not None
    facts.append(
        f"Executive sponsor: {event.executive_sponsor.display_name}."
        if has_sponsor and event.executive_sponsor is not None
        else "No executive sponsor is named on the event."
    )
    parts = [has_sponsor]
    if thresholds.get("oversight_group_required", True):
        parts.append(bool(event.oversight_group.strip()))
        facts.append(
            f"Reports to: {event.oversight_group}."
            if event.oversight_group.strip()
            else "No oversight group is named on the event."
        )
    if ev.attested_by:
        facts.append(f"Attested by {ev.attested_by} on {ev.attested_on}.")
    else:
        facts.append("The sponsor attests when the team sends the submission for sign-off.")
    return _grade(parts), facts


@check(Criterion.Check.MEASUREMENT_PLAN)
def check_measurement_plan(ev: EventEvidence, thresholds: dict[str, Any]) -> tuple[str, list[str]]:
    wanted = [t for t in thresholds.get("measure_types", MEASURE_TYPES) if t in MEASURE_TYPES]
    facts = []
    parts = []
    for kind in wanted:
        measures = ev.measures_of(kind)
        defined = [m for m in measures if m.definition_complete]
        parts.append(bool(defined))
        if not measures:
            facts.append(f"No {kind} measure yet.")
        elif defined:
            facts.append(
                f"{kind.capitalize()} measure{'s' if len(defined) > 1 else ''} with a full "
                f"definition: " + ", ".join(m.name for m in defined) + "."
            )
        else:
            facts.append(
                "; ".join(f"{m.name} needs {m.missing_definition}" for m in measures) + "."
            )
    if not ev.measures:
        return NOT_MET, ["No measures recorded yet."]
    return _grade(parts), facts


@check(Criterion.Check.IMPROVEMENT)
def check_improvement(ev: EventEvidence, thresholds: dict[str, Any]) -> tuple[str, list[str]]:
    baseline = _int(thresholds, "minimum_baseline_points", 6)
    need_notes = bool(thresholds.get("annotations_required", True))
    candidates = ev.measures_of("outcome") + ev.measures_of("process")
    if not any(m.points for m in candidates):
        return NOT_MET, ["No data on an outcome or process measure yet."]
    facts = []
    best: str = NOT_MET
    for m in candidates:
        signal = m.signal()
        if signal is None:
            facts.append(f"No improvement signal on {m.name} yet ({m.points} points).")
            continue
        before = signal.indices[0]
        notes = m.annotations + m.phases
        complete = before >= baseline and (notes > 0 or not need_notes)
        facts.append(
            f"{m.name}: {signal.text.rstrip('.')}; {before} baseline "
            f"point{'s' if before != 1 else ''} before it (needed: {baseline}); "
            f"{notes} change{'s' if notes != 1 else ''} annotated."
        )
        best = MET if complete else (PARTLY if best != MET else best)
    return best, facts


@check(Criterion.Check.SUSTAINMENT)
def check_sustainment(ev: EventEvidence, thresholds: dict[str, Any]) -> tuple[str, list[str]]:
    k = _int(thresholds, "consecutive_periods_at_target", 6)
    process = ev.measures_of("process")
    facts: list[str] = []
    sustained = False
    some_progress = False
    for m in process:
        if m.analysis is None or not m.has_target:
            facts.append(f"{m.name} has no target or no data.")
            continue
        evidence = spc.sustained_at_target(m.analysis, k)
        if evidence is not None:
            sustained = True
            facts.append(
                f"{m.name} at or better than target for {k} periods in a row after the "
                f"improvement signal ({m.periods(evidence.indices)})."
            )
        elif m.signal() is not None:
            some_progress = True
            facts.append(f"{m.name}: not yet {k} periods in a row at target after its signal.")
        else:
            facts.append(f"{m.name}: no improvement signal yet, so no run at target counts.")
    if not process:
        facts.append("No process measure yet.")
    balancing_ok = True
    if thresholds.get("no_balancing_concern", True):
        balancing = ev.measures_of("balancing")
        if not balancing:
            balancing_ok = False
            facts.append("No balancing measure to show nothing else got worse.")
        for m in balancing:
            concerns = m.concern_signals()
            if concerns:
                balancing_ok = False
                facts.append(f"Concern signal on balancing measure {m.name}: {concerns[-1].text}")
            else:
                facts.append(f"No concern signal on balancing measure {m.name}.")
    if sustained and balancing_ok:
        return MET, facts
    return (PARTLY if sustained or some_progress else NOT_MET), facts


@check(Criterion.Check.TESTING)
def check_testing(ev: EventEvidence, thresholds: dict[str, Any]) -> tuple[str, list[str]]:
    minimum = _int(thresholds, "minimum_pdsa_cycles", 3)
    pdsa = ev.pdsa
    facts = [
        f"{pdsa.complete} of {pdsa.total} PDSA cycle{'s' if pdsa.total != 1 else ''} with a "
        f"prediction, a study of the result and a decision (needed: {minimum}).",
        *pdsa.facts,
    ]
    if pdsa.complete >= minimum:
        return MET, facts
    return (PARTLY if pdsa.total else NOT_MET), facts


@check(Criterion.Check.SUSTAIN_PLAN)
def check_sustain_plan(ev: EventEvidence, thresholds: dict[str, Any]) -> tuple[str, list[str]]:
    plan = ev.sustain_plan
    if plan is None:
        return NOT_MET, ["No sustain plan recorded yet."]
    parts = {
        "an owner": bool(plan.owner_id),
        "how often it is checked": bool(plan.monitoring_frequency),
        "the standard way of working": bool(plan.standard_work.strip()),
        "how new staff learn it": bool(plan.training.strip()),
        "a review date": plan.review_date is not None,
    }
    if thresholds.get("spread_considered", True):
        parts["where it could spread"] = bool(plan.spread_targets.strip())
    missing = [name for name, ok in parts.items() if not ok]
    facts = (
        ["The sustain plan has " + ", ".join(parts) + "."]
        if not missing
        else ["The sustain plan still needs " + ", ".join(missing) + "."]
    )
    return _grade(list(parts.values())), facts


@check(Criterion.Check.LEARNING)
def check_learning(ev: EventEvidence, thresholds: dict[str, Any]) -> tuple[str, list[str]]:
    minimum = _int(thresholds, "minimum_case_studies", 1)
    facts = [
        f"{ev.impacts} impact{'s' if ev.impacts != 1 else ''} recorded on the event.",
        f"{ev.case_study_evidence} case stud{'ies' if ev.case_study_evidence != 1 else 'y'} "
        f"attached to the submission (needed: {minimum}).",
    ]
    if ev.case_study_evidence >= minimum:
        return MET, facts
    return (PARTLY if ev.impacts else NOT_MET), facts


def run_checks(*, criteria: Iterable[Criterion], evidence: EventEvidence) -> list[CheckResult]:
    """Every criterion's check, in the criteria's order. No queries."""
    results = []
    for criterion in criteria:
        function = CHECKS.get(criterion.check_key)
        if function is None:
            judgement, facts = "", ["This criterion is judged by the reviewers alone."]
        else:
            judgement, facts = function(evidence, dict(criterion.thresholds or {}))
        results.append(
            CheckResult(
                code=criterion.code,
                title=criterion.title,
                check_key=criterion.check_key,
                judgement=judgement,
                facts=tuple(facts),
            )
        )
    return results
