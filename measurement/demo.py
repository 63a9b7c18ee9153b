"""Demo content for `seed_demo`: the measures, data and tests of change of the demo events.

Every Always Event of a named demo organisation that has reached Testing (or gone beyond) gets
an outcome, a process and a balancing measure with about two years of data ending this week or
month, so its charts look current (one, collected by the demo team member, stops before the
week now due, so their home page has a figure to enter). The process measure improves clearly
from the period the event moved to Testing (the change): a sustained shift the engine flags,
checked here with `measurement.spc.analyse` so a change to the content cannot silently lose
it. The two main events also get a phase starting at the change, an excluded point, notes, a
driver diagram and PDSA cycles linked to the measures (annotations on the charts from the
change period on).

Writes go through `measurement.services`, except the data points: those are checked with the
service's own check and written with one `bulk_create` per measure, to keep the seed fast.
The numbers come from a random generator seeded per event and measure, so they are the same on
every run. Idempotent: an event that already has measures is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from alwaysevents.tenancy.scope import organisation_scope
from measurement import spc
from measurement.due import period_due
from measurement.models import ChangeIdea, DataPoint, Measure, PdsaCycle, Phase
from measurement.services import measures as measure_services
from measurement.services import testing as testing_services
from programmes.models import AlwaysEvent, Organisation, Stage, StageTransition

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

#: The stages from which an event has measures with data (Testing's readiness check).
MEASURED_STAGES = (Stage.TESTING, Stage.IMPLEMENTING, Stage.SUSTAINING, Stage.SPREADING)
WEEKS = 104
MONTHS = 24

T = Measure.Type
K = Measure.ValueKind
F = Measure.Frequency
D = Measure.Direction
C = Measure.ChartType
Kind = ChangeIdea.Kind
Decision = PdsaCycle.Decision


@dataclass(frozen=True)
class MeasureSpec:
    name: str
    type: str
    definition: str
    before: float  # the level before the change (a percentage for a proportion)
    after: float  # the level once the change is in place
    noise: float  # the standard deviation around the level
    unit: str = ""
    value_kind: str = K.VALUE
    numerator_definition: str = ""
    denominator_definition: str = ""
    denominator: tuple[int, int] = (0, 0)  # the range of the weekly or monthly denominator
    data_source: str = ""
    frequency: str = F.WEEKLY
    direction: str = D.HIGHER
    target: str | None = None
    chart_type: str = C.XMR
    decimals: int = 0
    ramp: int = 1  # periods the change takes to reach its full effect
    # Periods counted back from the latest (0 = this week or month): note text.
    notes: Mapping[int, str] = field(default_factory=dict)
    # A point left out of the analysis: (periods back, value it had, reason).
    excluded: tuple[int, float, str] | None = None
    # A new phase from the change period, with the reason.
    phase_reason: str = ""
    # Leave the figure now due (and this period's) for its collector to enter from the home page.
    left_due: bool = False


@dataclass(frozen=True)
class Cycle:
    weeks_after: int  # planned start, weeks after the first Monday on or after the change
    objective: str
    questions: list[dict[str, str]]
    who: str
    what: str
    where: str
    observations: str
    comparison: str
    decision: str
    learning: str = ""
    next_steps: str = ""
    surprises: str = ""
    # After "adapt" or "expand": the next cycle, planned this many weeks after the change and
    # taken to its decision with these words (plan and questions copied by the service).
    then: Cycle | None = None
    close: bool = True


@dataclass(frozen=True)
class Idea:
    text: str
    kind: str
    cycles: list[Cycle] = field(default_factory=list)


@dataclass(frozen=True)
class Primary:
    text: str
    secondary: list[tuple[str, list[Idea]]]


@dataclass(frozen=True)
class EventMeasures:
    measures: list[MeasureSpec]
    drivers: list[Primary] = field(default_factory=list)


def _q(question: str, prediction: str) -> dict[str, str]:
    return {"question": question, "prediction": prediction}


# --- the content, by event title --------------------------------------------------------------

DEMO: dict[str, EventMeasures] = {
    "Plan for your day by 10am (Ward 7)": EventMeasures(
        measures=[
            MeasureSpec(
                name="Patients told the plan for their day by 10am",
                type=T.PROCESS,
                definition=(
                    "Every weekday at 11am the nurse in charge asks each patient on Ward 7 who is "
                    "awake and able to answer: 'Has anyone told you the plan for your day "
                    "today?'. The week's answers are added up on Friday."
                ),
                unit="patients",
                value_kind=K.PROPORTION,
                numerator_definition="Patients who say yes, someone told them the plan by 10am",
                denominator_definition="Patients asked at 11am, Monday to Friday",
                denominator=(38, 62),
                data_source="Ward 7 daily tally sheet",
                direction=D.HIGHER,
                target="90",
                before=46,
                after=86,
                noise=6,
                ramp=3,
                notes={
                    60: "Ward closed to admissions for four days (norovirus): fewer patients "
                    "asked.",
                    20: "Two new starters this week; both were shown the huddle script.",
                },
            ),
            MeasureSpec(
                name="Complaints about communication",
                type=T.OUTCOME,
                definition=(
                    "Formal complaints and PALS concerns about Ward 7 in the month where "
                    "communication with the patient or family is one of the issues raised, "
                    "counted by the date they were received."
                ),
                unit="complaints",
                data_source="Patient experience team, monthly report",
                frequency=F.MONTHLY,
                direction=D.LOWER,
                before=7,
                after=2.5,
                noise=1.6,
                phase_reason=(
                    "The 10am plan for the day and the 9am board round huddle started this "
                    "month: a new way of working, so the limits are worked out again from here."
                ),
            ),
            MeasureSpec(
                name="Time to discharge letter (hours)",
                type=T.BALANCING,
                definition=(
                    "For patients discharged from Ward 7 in the week, the median number of hours "
                    "from the decision to discharge to the discharge letter being signed, from "
                    "the electronic record. Checks the morning huddle does not delay letters."
                ),
                unit="hours",
                data_source="Electronic patient record, weekly discharge report",
                direction=D.NEUTRAL,
                chart_type=C.RUN,
                before=26,
                after=25,
                noise=3.5,
                decimals=1,
                excluded=(
                    70,
                    71.5,
                    "The electronic record was down for three days: letters were written on "
                    "paper and their times entered later, so the hours are not comparable.",
                ),
            ),
        ],
        drivers=[
            Primary(
                "Patients know what will happen in their day",
                [
                    (
                        "Every patient is told the plan face to face by their nurse",
                        [
                            Idea(
                                "A 'plan for your day' conversation at the bedside by 10am",
                                Kind.RELATIONAL,
                                [
                                    Cycle(
                                        1,
                                        "Find out whether the named nurse can tell each patient "
                                        "in one bay the plan for their day by 10am.",
                                        [
                                            _q(
                                                "How many of the six patients in bay A will be "
                                                "told their plan by 10am?",
                                                "Five of the six",
                                            ),
                                            _q(
                                                "Will it make the morning medicines round late?",
                                                "No more than 10 minutes late",
                                            ),
                                        ],
                                        "Staff nurse on the early shift, bay A",
                                        "Tell each patient the plan after the huddle, before "
                                        "10am, and tick the tally sheet.",
                                        "Ward 7, bay A",
                                        "All six patients were told by 10am on four of the five "
                                        "days. On Thursday the nurse was called to an emergency "
                                        "and two patients were told at 10:40.",
                                        "Better than we predicted (26 of 30 against 25); the "
                                        "medicines round was 5 minutes late at most.",
                                        Decision.ADOPT,
                                        learning="Patients asked more questions than expected; "
                                        "that is part of the plan, not a delay.",
                                        next_steps="Every nurse does it for their own bay from "
                                        "next week.",
                                    )
                                ],
                            ),
                            Idea(
                                "Teach-back: patients tell us their plan in their own words",
                                Kind.RELATIONAL,
                            ),
                        ],
                    ),
                    (
                        "The plan is written where patients and families can see it",
                        [
                            Idea(
                                "A whiteboard by each bed with the plan for the day",
                                Kind.TRANSACTIONAL,
                                [
                                    Cycle(
                                        4,
                                        "Test whether a bedside whiteboard helps patients "
                                        "remember the plan later in the day.",
                                        [
                                            _q(
                                                "How many patients can still tell us the plan at "
                                                "3pm?",
                                                "More than half",
                                            )
                                        ],
                                        "Healthcare assistant and nurse in charge",
                                        "Write the plan on a whiteboard by eight beds, ask the "
                                        "patients at 3pm.",
                                        "Ward 7, bays A and B",
                                        "Boards were filled in for 31 of 40 patient days; 24 "
                                        "patients could tell us the plan at 3pm.",
                                        "About what we predicted (24 of 40). Boards were "
                                        "missed on the busiest days.",
                                        Decision.ADOPT,
                                        next_steps="Boards on every bed; filling them in is "
                                        "part of the huddle.",
                                    )
                                ],
                            )
                        ],
                    ),
                ],
            ),
            Primary(
                "The ward round works for the morning",
                [
                    (
                        "Doctors and nurses agree each patient's plan together by 9:30am",
                        [
                            Idea(
                                "A 9am board round huddle with a fixed script",
                                Kind.TRANSACTIONAL,
                                [
                                    Cycle(
                                        0,
                                        "Test a 15-minute board round huddle with a script so "
                                        "each patient's plan is agreed before 9:30am.",
                                        [
                                            _q(
                                                "Will the huddle finish by 9:15am?",
                                                "Yes, on most days",
                                            ),
                                            _q(
                                                "Will every patient have an agreed plan by 9:30am?",
                                                "Four days out of five",
                                            ),
                                        ],
                                        "Ward manager, consultant of the week, nurse in charge",
                                        "Huddle at the board at 9am, following the script.",
                                        "Ward 7 board",
                                        "The huddle finished by 9:15 on two of five days; the "
                                        "script was too long for 28 patients and the registrar "
                                        "joined late twice.",
                                        "Worse than we predicted: plans were agreed by 9:30 on "
                                        "two days, not four.",
                                        Decision.ADAPT,
                                        learning="Discuss only patients whose plan changes; "
                                        "the rest are read out.",
                                        next_steps="Shorten the script and start at 8:50am.",
                                        then=Cycle(
                                            2,
                                            "",
                                            [],
                                            "",
                                            "",
                                            "",
                                            "With the shorter script the huddle finished by "
                                            "9:10 on all five days.",
                                            "Better than we predicted: plans agreed by 9:30am "
                                            "on all five days.",
                                            Decision.ADOPT,
                                            next_steps="The huddle is how the ward starts "
                                            "every day; the consultant of the week leads it.",
                                        ),
                                    )
                                ],
                            )
                        ],
                    )
                ],
            ),
        ],
    ),
    "Keep the people who matter to you in touch (Willow Ward)": EventMeasures(
        measures=[
            MeasureSpec(
                name="Contacts recorded within 24 hours of admission",
                type=T.PROCESS,
                definition=(
                    "For people admitted to Willow Ward in the week, whether the people they "
                    "want us to contact (or that they want no one contacted) are recorded in the "
                    "'Who matters to me' section within 24 hours of admission."
                ),
                unit="admissions",
                value_kind=K.PROPORTION,
                numerator_definition="Admissions with contact wishes recorded within 24 hours",
                denominator_definition="Admissions to Willow Ward in the week",
                denominator=(9, 16),
                data_source="Electronic patient record, weekly audit",
                direction=D.HIGHER,
                target="90",
                before=38,
                after=84,
                noise=8,
                ramp=2,
                notes={
                    45: "Bank staff covered most admissions this week.",
                    8: "Peer support worker on leave: second conversations not offered.",
                },
            ),
            MeasureSpec(
                name="Concerns from families about not being kept informed",
                type=T.OUTCOME,
                definition=(
                    "Complaints, PALS concerns and comments on the carers' feedback card about "
                    "Willow Ward in the month that say a family member or friend was not kept "
                    "informed."
                ),
                unit="concerns",
                data_source="Patient experience team and carers' feedback cards",
                frequency=F.MONTHLY,
                direction=D.LOWER,
                before=6,
                after=2,
                noise=1.4,
                phase_reason=(
                    "The 'Who matters to you' card at admission started this month, so the "
                    "limits are worked out again for the new way of working."
                ),
            ),
            MeasureSpec(
                name="Time to complete the admission assessment (minutes)",
                type=T.BALANCING,
                definition=(
                    "The median minutes from the start of the admission assessment to its "
                    "completion in the record, for admissions in the week. Checks the extra "
                    "questions do not make admission longer."
                ),
                unit="minutes",
                data_source="Electronic patient record, weekly audit",
                direction=D.NEUTRAL,
                chart_type=C.RUN,
                before=62,
                after=64,
                noise=7,
                excluded=(
                    30,
                    145,
                    "Only two admissions that week, both needing an interpreter: not typical.",
                ),
            ),
        ],
        drivers=[
            Primary(
                "We ask early, in a way that works for the person",
                [
                    (
                        "Ask about the people who matter at admission, when the person is ready",
                        [
                            Idea(
                                "A 'Who matters to you' conversation card used at admission",
                                Kind.RELATIONAL,
                                [
                                    Cycle(
                                        0,
                                        "Test whether the card helps nurses ask about contacts "
                                        "at admission.",
                                        [
                                            _q(
                                                "How many of this week's admissions will have "
                                                "contacts recorded within 24 hours?",
                                                "Seven out of ten",
                                            )
                                        ],
                                        "Two admitting nurses",
                                        "Use the card at every admission they do for a week.",
                                        "Willow Ward",
                                        "Six of eleven admissions recorded in time. People who "
                                        "were very distressed were not ready to answer.",
                                        "Fewer than we predicted (six of eleven against seven "
                                        "of ten).",
                                        Decision.ADAPT,
                                        learning="Asking once is not enough: some people need "
                                        "a second chance later the same day.",
                                        next_steps="Add a second conversation within 24 hours.",
                                        then=Cycle(
                                            2,
                                            "",
                                            [],
                                            "",
                                            "",
                                            "",
                                            "With a second conversation, 11 of 12 admissions "
                                            "had contacts recorded within 24 hours.",
                                            "Better than we predicted (11 of 12).",
                                            Decision.ADOPT,
                                            next_steps="Every admitting nurse uses the card.",
                                        ),
                                    )
                                ],
                            ),
                        ],
                    ),
                    (
                        "People get a second chance to tell us, once they are settled",
                        [
                            Idea(
                                "The peer support worker offers a second conversation within "
                                "24 hours",
                                Kind.RELATIONAL,
                            ),
                        ],
                    ),
                ],
            ),
            Primary(
                "What we are told is recorded and used",
                [
                    (
                        "One place in the record that everyone checks",
                        [
                            Idea(
                                "A 'Who matters to me' section at the top of the record",
                                Kind.TRANSACTIONAL,
                                [
                                    Cycle(
                                        3,
                                        "Check that staff on other shifts find the contacts "
                                        "when they need them.",
                                        [
                                            _q(
                                                "Can the night staff find who to call for every "
                                                "person on the ward?",
                                                "Yes, for all but one or two",
                                            )
                                        ],
                                        "Night nurse in charge",
                                        "Ask night staff to find the contacts of five people "
                                        "each night for a week.",
                                        "Willow Ward",
                                        "Contacts were found for 33 of 35 people in under a "
                                        "minute.",
                                        "As we predicted.",
                                        Decision.ADOPT,
                                        close=False,
                                    )
                                ],
                            ),
                            Idea(
                                "The daily safety huddle checks who is not yet recorded",
                                Kind.TRANSACTIONAL,
                            ),
                        ],
                    )
                ],
            ),
        ],
    ),
    "Introduce ourselves by name (Emergency Department)": EventMeasures(
        measures=[
            MeasureSpec(
                name="Patients who can name the nurse looking after them",
                type=T.PROCESS,
                definition=(
                    "Each weekday afternoon a volunteer asks patients in majors who have been "
                    "in the department for over an hour: 'Can you tell me the name of the nurse "
                    "looking after you?'."
                ),
                unit="patients",
                value_kind=K.PROPORTION,
                numerator_definition="Patients who give the right name",
                denominator_definition="Patients asked",
                denominator=(25, 45),
                data_source="Volunteer spot-check sheet",
                direction=D.HIGHER,
                target="85",
                before=35,
                after=72,
                noise=7,
                ramp=2,
                left_due=True,
            ),
            MeasureSpec(
                name="Complaints about staff attitude or communication",
                type=T.OUTCOME,
                definition=(
                    "Formal complaints and PALS concerns about the Emergency Department received "
                    "in the month that raise staff attitude or communication."
                ),
                unit="complaints",
                data_source="Patient experience team, monthly report",
                frequency=F.MONTHLY,
                direction=D.LOWER,
                before=14,
                after=11,
                noise=2.5,
            ),
            MeasureSpec(
                name="Time from arrival to initial assessment (minutes)",
                type=T.BALANCING,
                definition=(
                    "The median minutes from arrival to initial assessment for the week, from "
                    "the department's system."
                ),
                unit="minutes",
                data_source="Emergency Department system",
                direction=D.LOWER,
                before=17,
                after=17,
                noise=2.5,
            ),
        ]
    ),
    "What happens next after your first appointment": EventMeasures(
        measures=[
            MeasureSpec(
                name="First appointments ending with a written summary",
                type=T.PROCESS,
                definition=(
                    "First appointments in the week where the person left with the written "
                    "'what happens next' summary, from the clinician's tick in the record."
                ),
                unit="appointments",
                value_kind=K.PROPORTION,
                numerator_definition="First appointments with the summary given",
                denominator_definition="First appointments held in the week",
                denominator=(14, 26),
                data_source="Electronic patient record",
                direction=D.HIGHER,
                target="90",
                before=22,
                after=80,
                noise=7,
                ramp=3,
            ),
            MeasureSpec(
                name="Calls asking what happens next",
                type=T.OUTCOME,
                definition=(
                    "Calls to the team's duty line in the month from people, or their families, "
                    "asking what happens after their first appointment."
                ),
                unit="calls",
                data_source="Duty line log",
                frequency=F.MONTHLY,
                direction=D.LOWER,
                before=38,
                after=21,
                noise=4,
            ),
            MeasureSpec(
                name="Length of first appointment (minutes)",
                type=T.BALANCING,
                definition=(
                    "The average booked-to-finished minutes of first appointments in the week."
                ),
                unit="minutes",
                data_source="Electronic patient record",
                direction=D.NEUTRAL,
                before=58,
                after=61,
                noise=3,
            ),
        ]
    ),
    "Ask what matters to you before discharge (Cedar Ward)": EventMeasures(
        measures=[
            MeasureSpec(
                name="Discharge plans with what matters to the person written in",
                type=T.PROCESS,
                definition=(
                    "Discharges from Cedar Ward in the week whose discharge plan has the "
                    "person's own words under 'What matters to me'."
                ),
                unit="discharges",
                value_kind=K.PROPORTION,
                numerator_definition="Discharge plans with 'What matters to me' filled in",
                denominator_definition="Discharges from Cedar Ward in the week",
                denominator=(8, 15),
                data_source="Discharge plan audit",
                direction=D.HIGHER,
                target="80",
                before=18,
                after=70,
                noise=8,
                ramp=2,
            ),
            MeasureSpec(
                name="People who felt involved in planning their discharge",
                type=T.OUTCOME,
                definition=(
                    "Answers of 'yes, definitely' to 'Were you involved in planning your "
                    "discharge?' on the ward's leaving survey, in the month."
                ),
                unit="people",
                value_kind=K.PROPORTION,
                numerator_definition="People answering 'yes, definitely'",
                denominator_definition="People answering the question",
                denominator=(18, 32),
                data_source="Cedar Ward leaving survey",
                frequency=F.MONTHLY,
                direction=D.HIGHER,
                before=52,
                after=60,
                noise=6,
            ),
            MeasureSpec(
                name="Days from discharge decision to leaving the ward",
                type=T.BALANCING,
                definition=(
                    "The average days from the decision to discharge to the person leaving the "
                    "ward, for discharges in the week."
                ),
                unit="days",
                data_source="Bed management system",
                direction=D.LOWER,
                before=3.2,
                after=3.3,
                noise=0.6,
                decimals=1,
            ),
        ]
    ),
}


# --- seeding ----------------------------------------------------------------------------------


def seed_measurement(
    organisation: Organisation, *, people: Mapping[str, User], today: dt.date | None = None
) -> None:
    """The measures, data and tests of change of the organisation's demo events (once)."""
    today = today or timezone.localdate()
    with organisation_scope(organisation):
        events = list(
            AlwaysEvent.objects.filter(
                organisation=organisation, title__in=list(DEMO), stage__in=MEASURED_STAGES
            )
        )
    for event in events:
        with organisation_scope(organisation):
            if Measure.objects.filter(event=event).exists():
                continue
            tested = (
                StageTransition.objects.filter(event=event, to_stage=Stage.TESTING)
                .order_by("at")
                .values_list("at", flat=True)
                .first()
            )
        change = timezone.localdate(tested) if tested else today - dt.timedelta(weeks=12)
        _seed_event(event, DEMO[event.title], people=people, change=change, today=today)


def _periods(frequency: str, today: dt.date) -> list[dt.date]:
    if frequency == F.WEEKLY:
        monday = today - dt.timedelta(days=today.weekday())
        return [monday - dt.timedelta(weeks=k) for k in range(WEEKS - 1, -1, -1)]
    first = today.replace(day=1)
    months = [(first.year * 12 + first.month - 1) - k for k in range(MONTHS - 1, -1, -1)]
    return [dt.date(m // 12, m % 12 + 1, 1) for m in months]


@dataclass
class Series:
    periods: list[dt.date]
    rows: list[dict[str, Decimal | None]]
    change_index: int
    excluded_index: int | None

    def plotted(self) -> list[float]:
        return [
            float(r["numerator"] * 100 / r["denominator"])  # type: ignore[operator]
            if r["denominator"]
            else float(r["value"])  # type: ignore[arg-type]
            for r in self.rows
        ]


def _series(spec: MeasureSpec, seed: str, change: dt.date, today: dt.date) -> Series:
    """Deterministic data: the level moves from `before` to `after` from the change period on."""
    rng = random.Random(seed)  # noqa: S311 - demo numbers, not security
    periods = _periods(spec.frequency, today)
    start = change - dt.timedelta(days=change.weekday())
    if spec.frequency == F.MONTHLY:
        start = change.replace(day=1)
    change_index = next((i for i, p in enumerate(periods) if p >= start), len(periods))
    excluded_index = None
    if spec.excluded is not None:
        excluded_index = len(periods) - 1 - spec.excluded[0]
    rows: list[dict[str, Decimal | None]] = []
    for i, _period in enumerate(periods):
        done = min(1.0, (i - change_index + 1) / spec.ramp) if i >= change_index else 0.0
        level = spec.before + (spec.after - spec.before) * done
        raw = level + rng.gauss(0, spec.noise)
        if spec.value_kind == K.PROPORTION:
            denominator = rng.randint(*spec.denominator)
            numerator = round(min(100.0, max(0.0, raw)) * denominator / 100)
            rows.append(
                {
                    "value": None,
                    "numerator": Decimal(numerator),
                    "denominator": Decimal(denominator),
                }
            )
        else:
            if i == excluded_index and spec.excluded is not None:
                raw = spec.excluded[1]
            value = round(max(0.0, raw), spec.decimals)
            rows.append({"value": Decimal(str(value)), "numerator": None, "denominator": None})
    return Series(periods, rows, change_index, excluded_index)


def _check_signal(spec: MeasureSpec, series: Series, event: AlwaysEvent) -> None:
    """The process measure must show the improvement the demo is about, as the chart would."""
    phase_starts = [series.change_index] if spec.phase_reason else []
    analysis = spc.analyse(
        series.plotted(),
        direction=spec.direction,
        target=float(spec.target) if spec.target else None,
        phase_starts=phase_starts,
        chart=spec.chart_type,
        excluded=[] if series.excluded_index is None else [series.excluded_index],
    )
    found = [s for s in spc.improvement_signals(analysis) if s.indices[-1] >= series.change_index]
    if not found:
        raise RuntimeError(
            f"Demo measure {spec.name!r} of {event.title!r} shows no improvement signal after "
            "the change: adjust its levels."
        )


def _seed_event(
    event: AlwaysEvent,
    content: EventMeasures,
    *,
    people: Mapping[str, User],
    change: dt.date,
    today: dt.date,
) -> None:
    lead, staff = people["lead"], people.get("staff", people["lead"])
    organisation = event.organisation
    created: dict[str, Measure] = {}
    change_period: dict[str, dt.date] = {}
    for spec in content.measures:
        measure = measure_services.measure_create(
            event=event,
            by=lead,
            name=spec.name,
            type=spec.type,
            definition=spec.definition,
            unit=spec.unit,
            value_kind=spec.value_kind,
            numerator_definition=spec.numerator_definition,
            denominator_definition=spec.denominator_definition,
            data_source=spec.data_source,
            frequency=spec.frequency,
            direction=spec.direction,
            target=Decimal(spec.target) if spec.target else None,
            chart_type=spec.chart_type,
            # The ward collects its process measures; the lead the others.
            owner=staff if spec.type == T.PROCESS else None,
        )
        series = _series(spec, f"{event.title}|{spec.name}", change, today)
        if spec.type == T.PROCESS:
            _check_signal(spec, series, event)
        points = []
        due_from = period_due(spec.frequency, today)[0] if spec.left_due else None
        for back, (period, row) in enumerate(
            zip(reversed(series.periods), reversed(series.rows), strict=True)
        ):
            if due_from is not None and period >= due_from:
                continue
            # The service's own check, then one bulk write (data_point_save row by row is slow).
            measure_services.check_point(
                measure, period, row["value"], row["numerator"], row["denominator"]
            )
            points.append(
                DataPoint(
                    organisation=organisation,
                    measure=measure,
                    period=period,
                    note=spec.notes.get(back, ""),
                    recorded_by=staff,
                    **row,
                )
            )
        with organisation_scope(organisation):
            DataPoint.objects.bulk_create(points)
            if spec.excluded is not None and series.excluded_index is not None:
                point = DataPoint.objects.get(
                    measure=measure, period=series.periods[series.excluded_index]
                )
                measure_services.data_point_exclude(point=point, reason=spec.excluded[2], by=lead)
        if series.change_index < len(series.periods):
            change_period[spec.name] = series.periods[series.change_index]
        if spec.phase_reason and 0 < series.change_index < len(series.periods):
            phase = measure_services.phase_add(
                measure=measure,
                start_period=series.periods[series.change_index],
                reason=spec.phase_reason,
                by=lead,
            )
            decided = min(
                timezone.make_aware(
                    dt.datetime.combine(min(today, change + dt.timedelta(weeks=10)), dt.time(15))
                ),
                timezone.now(),
            )
            with organisation_scope(organisation):
                Phase.objects.filter(pk=phase.pk).update(created_at=decided)
        created[spec.type] = measure
    if content.drivers:
        # The cycles count their weeks from the first Monday on or after the change, so none is
        # planned before the period the change falls in (its week's Monday, or the first of its
        # month for a monthly measure, where the new phase starts); none after today either.
        first = max([change, *change_period.values()])
        monday = first + dt.timedelta(days=-first.weekday() % 7)
        _seed_drivers(event, content, created, lead=lead, change=monday, today=today)


def _seed_drivers(
    event: AlwaysEvent,
    content: EventMeasures,
    measures: Mapping[str, Measure],
    *,
    lead: User,
    change: dt.date,
    today: dt.date,
) -> None:
    """The driver diagram under the event's aim, its change ideas and their PDSA cycles."""
    linked = [measures[t] for t in (T.PROCESS, T.OUTCOME) if t in measures]
    for primary in content.drivers:
        top = testing_services.driver_add(event=event, text=primary.text, by=lead)
        for text, ideas in primary.secondary:
            secondary = testing_services.driver_add(event=event, text=text, parent=top, by=lead)
            for idea in ideas:
                change_idea = testing_services.change_idea_add(
                    event=event, text=idea.text, kind=idea.kind, driver=secondary, by=lead
                )
                for cycle in idea.cycles:
                    _seed_cycle(change_idea, cycle, linked, lead=lead, change=change, today=today)


def _seed_cycle(
    change_idea: ChangeIdea,
    spec: Cycle,
    measures: list[Measure],
    *,
    lead: User,
    change: dt.date,
    today: dt.date,
    previous: PdsaCycle | None = None,
) -> PdsaCycle:
    # `change` is the first Monday on or after the change; a cycle is never planned after today.
    start = min(today, change + dt.timedelta(weeks=spec.weeks_after))
    if previous is None:
        cycle = testing_services.pdsa_cycle_create(
            change_idea=change_idea,
            objective=spec.objective,
            planned_start=start,
            by=lead,
            questions=spec.questions,
            plan_who=spec.who,
            plan_what=spec.what,
            plan_where=spec.where,
            data_collection_plan="Tally the answers every day on the ward sheet.",
            measures=measures,
        )
    else:
        cycle = testing_services.pdsa_cycle_next(cycle=previous, planned_start=start, by=lead)
    testing_services.pdsa_cycle_start(cycle=cycle, by=lead)
    testing_services.pdsa_cycle_study(
        cycle=cycle,
        carried_out_as_planned=True,
        observations=spec.observations,
        surprises=spec.surprises,
        by=lead,
    )
    testing_services.pdsa_cycle_decide(
        cycle=cycle,
        comparison=spec.comparison,
        decision=spec.decision,
        learning=spec.learning,
        next_steps=spec.next_steps,
        by=lead,
    )
    if spec.then is not None:
        # pdsa_cycle_next closes this cycle and plans the next one from it.
        _seed_cycle(
            change_idea, spec.then, measures, lead=lead, change=change, today=today, previous=cycle
        )
    elif spec.close:
        testing_services.pdsa_cycle_close(cycle=cycle, by=lead)
    planned = timezone.make_aware(dt.datetime.combine(start - dt.timedelta(days=3), dt.time(11)))
    # Decided two weeks into the cycle, before the next one starts, and never after now.
    decided_on = start + dt.timedelta(days=13)
    if spec.then is not None:
        next_start = min(today, change + dt.timedelta(weeks=spec.then.weeks_after))
        decided_on = max(start, min(decided_on, next_start - dt.timedelta(days=1)))
    decided = min(timezone.now(), timezone.make_aware(dt.datetime.combine(decided_on, dt.time(16))))
    with organisation_scope(change_idea.organisation):
        PdsaCycle.objects.filter(pk=cycle.pk).update(created_at=planned, decided_at=decided)
    return cycle
