"""Demo content for `seed_demo`: the Always Events of the named demo organisations.

Everything is written through `programmes.services`, as a team would write it, in the order it
would have happened. The services stamp "now" on what they create, so afterwards the timestamps
are moved back to the day each step happened (a queryset update), and every date is relative to
`today`, so the demo always looks current. No real patients, partners or staff appear here: the
people are the demo sign-ins and a few extra demo staff, and partners are described, not named.

Idempotent: an event whose title already exists in the organisation is left alone; staff rates
and extra staff are created once. Later issues add their demo content in modules like this one.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models
from django.db.models import Case, Value, When
from django.utils import timezone

from alwaysevents.tenancy.scope import organisation_scope
from programmes import readiness, services
from programmes.models import (
    AlwaysEvent,
    Challenge,
    Criterion,
    EventComment,
    Impact,
    Membership,
    Organisation,
    ProgressScore,
    Role,
    Stage,
    StageTransition,
    SustainPlan,
    TeamMember,
    TimeEntry,
    VisionSignOff,
)

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - published demo sign-ins, never production


@functools.cache
def _demo_password_hash(hasher: str) -> str:
    """Hashing is slow on purpose: do it once per hasher and share the hash between demo users."""
    return make_password(DEMO_PASSWORD)


def demo_user(email: str, full_name: str) -> User:
    """The demo sign-in for `email`, created once with the demo password and a verified email."""
    user_model = get_user_model()
    user = user_model.objects.filter(email=email).first()
    if user is None:
        user = user_model.objects.create_user(email=email, password=None, full_name=full_name)
        user.password = _demo_password_hash(settings.PASSWORD_HASHERS[0])
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


# --- extra demo staff ---------------------------------------------------------------------------

# Team members who log time on the events, beside the published sign-ins. They can sign in with
# the demo password, but are not listed: they exist to make teams and time logs realistic.
EXTRA_STAFF: dict[str, list[tuple[str, str]]] = {
    "northfield": [
        ("nurse1", "Staff Nurse 1"),
        ("nurse2", "Staff Nurse 2"),
        ("hca1", "Healthcare Assistant 1"),
        ("pharmacist1", "Ward Pharmacist 1"),
    ],
    "riverside": [
        ("nurse1", "Mental Health Nurse 1"),
        ("cpn1", "Community Mental Health Nurse 1"),
        ("ot1", "Occupational Therapist 1"),
        ("peer1", "Peer Support Worker 1"),
    ],
}


def demo_staff(organisation: Organisation, *, by: User | None) -> dict[str, User]:
    """The extra demo staff of the organisation, as team members, by local part of the email."""
    people = {}
    for local, title in EXTRA_STAFF.get(organisation.slug, []):
        email = f"{local}@{organisation.slug}.example"
        user = demo_user(email, f"{title}, {organisation.slug.title()}")
        with organisation_scope(organisation):
            exists = Membership.objects.filter(user=user).exists()
        if not exists:
            services.membership_add(
                organisation=organisation, user=user, role=Role.TEAM_MEMBER, by=by
            )
        people[local] = user
    return people


# --- staff rates --------------------------------------------------------------------------------

# The hourly cost of staff time (pay plus employer's on-costs), a demo figure per band for the
# last financial year and this one (after the pay award), each from 1 April.
STAFF_RATES = {
    TeamMember.Band.BAND_3: ("19.80", "20.40"),
    TeamMember.Band.BAND_4: ("22.30", "23.00"),
    TeamMember.Band.BAND_5: ("26.60", "27.40"),
    TeamMember.Band.BAND_6: ("32.90", "33.90"),
    TeamMember.Band.BAND_7: ("38.80", "40.00"),
    TeamMember.Band.BAND_8A: ("45.60", "47.00"),
}


def seed_staff_rates(organisation: Organisation, *, today: dt.date) -> None:
    april = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    for band, (last_year, this_year) in STAFF_RATES.items():
        for effective_from, rate in (
            (april.replace(year=april.year - 1), last_year),
            (april, this_year),
        ):
            services.staff_rate_set(
                organisation=organisation,
                band=band,
                hourly_rate=Decimal(rate),
                effective_from=effective_from,
            )


# --- the story of an event, step by step ------------------------------------------------------
# Each step says how many days ago it happened (`ago`) and, where it matters, who did it (the
# local part of a demo email; the team lead by default).


@dataclass(frozen=True)
class Member:
    who: str
    role: str
    band: str
    hours: str  # protected time agreed, hours a week


@dataclass(frozen=True)
class Details:
    ago: int
    fields: dict[str, str]
    by: str = "lead"


@dataclass(frozen=True)
class Move:
    ago: int
    to: str
    reason: str = ""
    override: str = ""  # the reason for moving on with readiness items not met
    by: str = "lead"


@dataclass(frozen=True)
class Score:
    ago: int
    score: str
    reason: str
    by: str = "lead"
    # Meant to look stale: kept older than PROGRESS_SCORE_STALE_WEEKS whatever the setting.
    stale: bool = False


@dataclass(frozen=True)
class Vision:
    ago: int
    text: str
    by: str = "lead"


@dataclass(frozen=True)
class SignOff:
    ago: int
    name: str
    by: str = "lead"


@dataclass(frozen=True)
class Aim:
    ago: int
    measure: str
    target: str
    deadline_in: int  # days from today; negative for a deadline already passed
    population: str
    frequency: str
    by: str = "lead"


@dataclass(frozen=True)
class Criteria:
    ago: int
    evidence: dict[str, tuple[bool, str]]  # kind -> (confirmed, evidence)
    by: str = "lead"


@dataclass(frozen=True)
class Note:
    """A challenge or a facilitator."""

    ago: int
    area: str
    text: str
    kind: str = Challenge.Kind.CHALLENGE
    help_needed: str = Challenge.Help.NONE
    addressed_ago: int | None = None
    by: str = "lead"


@dataclass(frozen=True)
class Benefit:
    ago: int
    kind: str
    description: str
    unintended: bool = False
    money: str | None = None
    hours: str | None = None
    basis: str = ""
    by: str = "lead"


@dataclass(frozen=True)
class Spend:
    ago: int
    description: str
    amount: str
    by: str = "lead"


@dataclass(frozen=True)
class Plan:
    ago: int
    owner: str
    frequency: str
    standard_work: str
    training: str
    spread_targets: str
    review_in: int  # days from today
    by: str = "lead"


@dataclass(frozen=True)
class Comment:
    ago: int
    text: str
    by: str = "sponsor"


@dataclass(frozen=True)
class Spread:
    ago: int
    title: str
    service: str
    team: Sequence[Member] = ()
    score_reason: str = ""
    by: str = "lead"


Step = (
    (Details | Move | Score | Vision | SignOff | Aim | Criteria | Note | Benefit | Spend | Plan)
    | Comment
    | Spread
)


@dataclass(frozen=True)
class TimeLog:
    """Weekly hours per person: `hours` is each person's usual week, varied a little."""

    hours: dict[str, str]
    weeks: int = 10
    until_ago: int = 0  # no entries for weeks starting after this many days ago
    notes: dict[int, str] = field(default_factory=dict)  # weeks ago -> the lead's note


@dataclass(frozen=True)
class EventSpec:
    title: str
    service: str
    started: int  # days ago
    details: dict[str, str]
    team: Sequence[Member]
    steps: Sequence[Step]
    time: TimeLog | None = None


# A little weekly variation, so the time log looks like real weeks (leave, busy wards).
VARIATION = ("0", "0.5", "-0.5", "0", "1", "-0.5", "0", "0.5", "-1", "0", "0.5", "-0.5")

B = TeamMember.Band
A = Challenge.Area
K = Impact.Kind
CK = Criterion.Kind
FACILITATOR = Challenge.Kind.FACILITATOR
SPONSOR = Challenge.Help.SPONSOR


# --- Northfield Hospitals NHS Foundation Trust (acute) -------------------------------------------

NORTHFIELD_OVERSIGHT = "Patient Experience and Involvement Group"
NORTHFIELD_QI = "Quality Improvement Hub, qi.hub@northfield.example"

NORTHFIELD: list[EventSpec] = [
    EventSpec(
        title="Plan for your day by 10am (Ward 7)",
        service="Ward 7, older people's medicine",
        started=420,
        details={
            "focus_population": "Older people staying on Ward 7, and their families",
            "setting": "Inpatient ward",
            "position": "Medicine Division",
            "qi_strategy_theme": "Communication and involvement",
            "qi_support_contact": NORTHFIELD_QI,
            "oversight_group": NORTHFIELD_OVERSIGHT,
            "staff_engagement": (
                'We asked the ward team "What matters to you at work?" at three safety huddles '
                "and on a feedback wall for two weeks. Staff said they wanted fewer interruptions "
                "and to feel patients trusted them to keep them informed."
            ),
        },
        team=[
            Member("lead", "Ward sister", B.BAND_7, "3"),
            Member("staff", "Staff nurse", B.BAND_5, "2"),
            Member("nurse1", "Staff nurse", B.BAND_5, "1.5"),
            Member("hca1", "Healthcare assistant", B.BAND_3, "1"),
        ],
        steps=[
            Score(
                419,
                "0.5",
                "Ward 7 agreed to take part after the inpatient survey showed many people did not "
                "know what was happening each day.",
            ),
            Move(406, Stage.SET_UP),
            Score(404, "1.0", "Sponsor and team lead named; team of four with protected time."),
            Move(380, Stage.DISCOVERING),
            Score(376, "1.5", 'Started "What matters to you?" conversations on the ward.'),
            Note(
                350,
                A.ENGAGEMENT,
                'Night staff felt the plan for the day was "another form to fill in".',
                addressed_ago=300,
            ),
            Move(330, Stage.CO_DESIGNING),
            Spend(320, "Refreshments and parking for two co-design workshops", "64.50"),
            Score(
                300,
                "2.0",
                "Two co-design workshops with patients and families; they chose a bedside board "
                "and a short conversation at 10am.",
            ),
            Spend(300, "Bedside whiteboards for 28 bed spaces", "840.00"),
            Vision(
                292,
                "We will always tell you the plan for your day by 10am, in a way you understand, "
                "and tell you if it changes.",
            ),
            SignOff(286, "Co-design partner (carer of a former Ward 7 patient)"),
            Aim(
                284,
                "are told the plan for their day by 10am",
                "90",
                -100,
                "patients on Ward 7",
                "weekly",
            ),
            Criteria(
                280,
                {
                    CK.IMPORTANT: (
                        True,
                        "Not knowing the plan for the day was the top theme in 41 "
                        '"What matters to you?" conversations.',
                    ),
                    CK.EVIDENCE_BASED: (
                        True,
                        "Inpatient survey: only 38% said staff told them what would happen "
                        "each day.",
                    ),
                    CK.MEASURABLE: (
                        True,
                        "Ten patients a week are asked one question at 11am by a volunteer.",
                    ),
                    CK.AFFORDABLE_SUSTAINABLE: (
                        True,
                        "Uses the existing 9.30 board round; the boards are a one-off cost.",
                    ),
                },
            ),
            Move(275, Stage.TESTING),
            Note(
                260,
                A.SENIOR_SUPPORT,
                "The matron joined the 10am board round twice a week, which made it part of the "
                "routine.",
                kind=FACILITATOR,
            ),
            Score(
                240,
                "2.5",
                "Tested the bedside board on six beds for three weeks; no change yet in what "
                "patients told us.",
            ),
            Spend(250, "Printing the leaflet 'Your day on Ward 7'", "120.00"),
            Score(200, "3.0", "Patients who could tell us their plan rose from 35% to 60%."),
            Benefit(
                200,
                K.SERVICE_USERS,
                'Patients and families say they know what is happening each day. One said: "I '
                "knew I was waiting for my scan, so I didn't worry.\" (anonymised survey "
                "comment)",
            ),
            Move(180, Stage.IMPLEMENTING),
            Score(150, "3.5", "Above 80% for eight weeks in a row, on every bed."),
            Benefit(
                150,
                K.OTHER_BENEFIT,
                "Fewer phone calls from relatives asking for updates: the ward clerks say "
                "afternoons are calmer. We did not plan for this.",
                unintended=True,
            ),
            Benefit(
                130,
                K.STAFF_SKILLS,
                "Four staff completed the Trust's QI foundation course and now run PDSA cycles "
                "on their own.",
            ),
            Plan(
                120,
                "lead",
                SustainPlan.Frequency.MONTHLY,
                "The nurse in charge goes through each person's plan at the 9.30 board round and "
                "the named nurse writes it on the bedside board by 10am. Changes are written up "
                "the same day.",
                "Part of the ward induction for new starters, students and regular bank staff; "
                "a 10-minute refresher at the monthly ward meeting.",
                "Ward 9 (stroke rehabilitation) and Ward 11 (respiratory medicine).",
                40,
            ),
            Move(110, Stage.SUSTAINING),
            Score(100, "4.0", "Above 90% for four months; the ward runs it without the team."),
            Benefit(
                90,
                K.EFFICIENCY,
                "Fewer call bells and questions about what is happening today.",
                money="4680",
                hours="180",
                basis=(
                    "We tallied questions about the day's plan for two weeks before and after: "
                    "about 30 minutes a day less across the ward. 0.5 hours x 365 days is about "
                    "180 hours a year of band 5 nurse time at £26 an hour, about £4,680."
                ),
            ),
            Note(
                60,
                A.STAFF_TIME,
                "Bank and agency staff do not know about the 10am conversation, so it slips on "
                "short-staffed days.",
                help_needed=Challenge.Help.QI_SUPPORT,
            ),
            Move(
                35,
                Stage.SPREADING,
                "Nine months above 90%. Ward 9 asked to start from our statements.",
            ),
            Score(34, "4.5", "Sustained above 90% for nine months; Ward 9 is starting."),
            Spread(
                30,
                "Plan for your day by 10am (Ward 9)",
                "Ward 9, stroke rehabilitation",
                team=[Member("nurse2", "Staff nurse", B.BAND_5, "1.5")],
                score_reason="Ward 9 agreed to take part, starting from Ward 7's statements.",
            ),
            Note(
                21,
                A.SENIOR_SUPPORT,
                "Ward 9 has no protected time agreed yet. We need the sponsor to agree it with "
                "the division so the spread can start.",
                help_needed=SPONSOR,
            ),
            Comment(
                20,
                "Brilliant work. I will take the spread plan to the Patient Experience and "
                "Involvement Group next month and raise Ward 9's protected time with the division.",
            ),
        ],
        time=TimeLog(
            {"lead": "2.5", "staff": "1.5", "nurse1": "1.5", "hca1": "1"},
            notes={
                1: "Monthly audit: 10 patients asked at 11am",
                4: "Met Ward 9 team to hand over the board and leaflet",
                8: "Sustain plan review",
            },
        ),
    ),
    EventSpec(
        title="Introduce ourselves by name (Emergency Department)",
        service="Emergency Department",
        started=200,
        details={
            "focus_population": "Adults attending the Emergency Department, and people with them",
            "setting": "Emergency department",
            "position": "Urgent and Emergency Care Division",
            "qi_strategy_theme": "Compassionate care",
            "qi_support_contact": NORTHFIELD_QI,
            "oversight_group": NORTHFIELD_OVERSIGHT,
            "staff_engagement": (
                "A two-question survey at shift handovers (52 replies): staff said being "
                "called by name by colleagues mattered to them too."
            ),
        },
        team=[
            Member("lead", "Senior sister", B.BAND_7, "3"),
            Member("staff", "Charge nurse", B.BAND_6, "1"),
            Member("nurse2", "Staff nurse", B.BAND_5, "1"),
            Member("hca1", "Healthcare assistant", B.BAND_3, "1"),
        ],
        steps=[
            Score(
                199,
                "0.5",
                "The department signed up after complaints about not knowing who was who.",
            ),
            Move(190, Stage.SET_UP),
            Score(188, "1.0", "Team and sponsor in place."),
            Move(175, Stage.DISCOVERING),
            Score(170, "1.5", 'Asked 60 people in the waiting room "What matters to you?"'),
            Note(
                150,
                A.STAFF_TIME,
                "Protected time is cancelled on busy shifts, so most of the work happens in the "
                "team lead's own time. We need the sponsor's help to protect it on the rota.",
                help_needed=SPONSOR,
            ),
            Move(130, Stage.CO_DESIGNING),
            Score(125, "2.0", "Co-design meeting with three patient partners and six staff."),
            Note(
                110,
                A.COPRODUCTION,
                "Hard to recruit partners who have used the department; the Patients' Forum "
                "helped us reach two.",
                addressed_ago=80,
            ),
            Vision(
                95,
                "We will always tell you our name and our role when we first meet you, and "
                "again if you ask.",
            ),
            Aim(
                92,
                "can tell us the name and role of the nurse looking after them",
                "85",
                120,
                "adults seen in the Emergency Department",
                "weekly",
            ),
            Criteria(
                90,
                {
                    CK.IMPORTANT: (True, "The most common theme in 60 waiting-room conversations."),
                    CK.EVIDENCE_BASED: (True, "Complaints and Friends and Family Test comments."),
                    CK.MEASURABLE: (True, "A five-question card, 20 people a week at discharge."),
                    CK.AFFORDABLE_SUSTAINABLE: (True, "Name badges are the only cost."),
                },
            ),
            Move(
                84,
                Stage.TESTING,
                override=(
                    "Our partners agreed the wording at the co-design meeting but could not come "
                    "back in to sign it before our first test. We are starting small tests now "
                    "and will record their sign-off when they do."
                ),
            ),
            SignOff(70, "Co-design partner (patient who used the department)"),
            Spend(66, "Large-print name badges for 120 staff, chosen by partners", "360.00"),
            Note(
                60,
                A.MEASUREMENT,
                "No easy way to count whether staff introduced themselves; we use a short card at "
                "discharge, but night shifts often miss it.",
                help_needed=Challenge.Help.QI_SUPPORT,
            ),
            Score(
                60,
                "2.5",
                'Three PDSA cycles on name badges and "Hello, my name is" at triage; no change '
                "yet on night shifts.",
            ),
            Note(
                40,
                A.ENGAGEMENT,
                "Large-print name badges chosen by partners were popular with staff.",
                kind=FACILITATOR,
            ),
            Benefit(
                35,
                K.STAFF_RELATIONSHIPS,
                "Students and new starters say it is easier to join in when everyone says who "
                "they are.",
                unintended=True,
            ),
            Score(
                20,
                "2.5",
                "Reviewed at the team huddle: day shifts are improving, nights not yet.",
            ),
        ],
        # Over-reliance: the team lead carries most of the hours.
        time=TimeLog(
            {"lead": "6", "staff": "1", "nurse2": "0.5", "hca1": "0.5"},
            notes={
                1: "PDSA cycle 3: night shift test, 20 discharge cards",
                3: "Audit of discharge cards, in my own time",
                6: "Sign-off meeting with partners",
            },
        ),
    ),
    EventSpec(
        title="What matters to you before discharge (Ward 12)",
        service="Ward 12, general surgery",
        started=150,
        details={
            "focus_population": "Adults going home after surgery, and their families",
            "setting": "Inpatient ward",
            "position": "Surgery Division",
            "qi_strategy_theme": "Safe and timely discharge",
            "qi_support_contact": NORTHFIELD_QI,
            "oversight_group": NORTHFIELD_OVERSIGHT,
            "staff_engagement": (
                "Discussed at two ward meetings: staff said late discharges and last-minute "
                "questions were the most stressful part of the day."
            ),
        },
        team=[
            Member("lead", "Ward manager", B.BAND_7, "2"),
            Member("nurse1", "Discharge co-ordinator", B.BAND_6, "2"),
            Member("pharmacist1", "Ward pharmacist", B.BAND_7, "1"),
            Member("staff", "Staff nurse", B.BAND_5, "1"),
        ],
        steps=[
            Score(149, "0.5", "Ward 12 put itself forward at the divisional meeting."),
            Move(140, Stage.SET_UP),
            Score(138, "1.0", "Team of four named, protected time agreed."),
            Move(120, Stage.DISCOVERING),
            Score(
                115,
                "1.5",
                'Two "What matters to you?" listening sessions; 34 comments gathered.',
            ),
            Move(60, Stage.CO_DESIGNING),
            Note(
                45,
                A.COPRODUCTION,
                "Only one partner could come to the daytime workshop; we are trying an evening "
                "session online.",
            ),
            Benefit(
                40,
                K.STAFF_WELLBEING,
                "Staff enjoyed hearing directly from patients; two said it reminded them why "
                "they came into nursing.",
            ),
            Score(30, "2.0", "Themes agreed with partners; first co-design workshop held."),
            Vision(
                20,
                "We will always ask what matters to you before you go home, and plan your "
                "discharge around it.",
            ),
            Criteria(
                18,
                {
                    CK.IMPORTANT: (True, "Top theme in 34 listening-session comments."),
                    CK.EVIDENCE_BASED: (True, "Discharge complaints over the last year."),
                },
            ),
        ],
        time=TimeLog(
            {"lead": "2", "nurse1": "2", "pharmacist1": "0.5", "staff": "1"},
            notes={2: "Evening online co-design session planned with partners"},
        ),
    ),
    EventSpec(
        title="Explain your new medicines before you go home",
        service="Pharmacy, medical wards",
        started=120,
        details={
            "focus_population": "Adults going home from the medical wards with new medicines",
            "setting": "Inpatient wards and discharge lounge",
            "position": "Clinical Support Services",
            "qi_strategy_theme": "Medicines safety",
            "qi_support_contact": NORTHFIELD_QI,
            "oversight_group": "Medicines Safety Group",
            "staff_engagement": (
                "Pharmacy team meeting: staff said rushed explanations at the last minute left "
                "them worried about people going home."
            ),
        },
        team=[
            Member("lead", "Team lead", B.BAND_7, "1.5"),
            Member("pharmacist1", "Lead pharmacist", B.BAND_8A, "2"),
            Member("nurse2", "Staff nurse", B.BAND_5, "1"),
        ],
        steps=[
            Score(119, "0.5", "Pharmacy and the medical wards agreed to work on this together."),
            Move(112, Stage.SET_UP),
            Score(110, "1.0", "Team named; the Medicines Safety Group will oversee it."),
            Move(90, Stage.DISCOVERING),
            # The latest score is older than the stale threshold: the page should say so.
            Score(
                75,
                "1.5",
                'Started "What matters to you?" conversations in the discharge lounge.',
                stale=True,
            ),
            Note(
                50,
                A.STAFF_TIME,
                "Pharmacy vacancies mean the team has missed three of the last five meetings.",
            ),
        ],
        time=TimeLog(
            {"lead": "1.5", "pharmacist1": "1.5", "nurse2": "1"},
            until_ago=35,
            notes={9: "Discharge lounge conversations (8 people)"},
        ),
    ),
    EventSpec(
        title="Tell you how long you will wait (children's outpatients)",
        service="Children's outpatients",
        started=30,
        details={
            "focus_population": "Children and young people at outpatient clinics, and their "
            "parents and carers",
            "setting": "Outpatient clinic",
            "position": "Women's and Children's Division",
            "qi_strategy_theme": "Communication and involvement",
            "oversight_group": NORTHFIELD_OVERSIGHT,
        },
        team=[
            Member("lead", "Outpatient sister", B.BAND_7, "2"),
            Member("staff", "Play specialist", B.BAND_4, "0"),
        ],
        steps=[
            Score(30, "0.5", "Parents' feedback about waiting times prompted the clinic to join."),
            Move(21, Stage.SET_UP),
            Score(20, "1.0", "Sponsor and team lead named; first team meeting booked."),
        ],
    ),
]


# --- Riverside Mental Health NHS Trust ----------------------------------------------------------

RIVERSIDE_OVERSIGHT = "Service User and Carer Experience Committee"
RIVERSIDE_QI = "Improvement Academy, improvement@riverside.example"

RIVERSIDE: list[EventSpec] = [
    EventSpec(
        title="Keep the people who matter to you in touch (Willow Ward)",
        service="Willow Ward, adult acute inpatient",
        started=380,
        details={
            "focus_population": "Adults admitted to Willow Ward, and the people who matter to them",
            "setting": "Inpatient mental health ward",
            "position": "Acute and Urgent Care Directorate",
            "qi_strategy_theme": "Carer involvement",
            "qi_support_contact": RIVERSIDE_QI,
            "oversight_group": RIVERSIDE_OVERSIGHT,
            "staff_engagement": (
                'We asked "What matters to you at work?" at the ward away day. Staff said '
                "difficult calls from worried relatives were among the hardest parts of the job."
            ),
        },
        team=[
            Member("lead", "Ward manager", B.BAND_7, "2"),
            Member("nurse1", "Mental health nurse", B.BAND_5, "1.5"),
            Member("peer1", "Peer support worker", B.BAND_4, "2"),
            Member("staff", "Healthcare assistant", B.BAND_3, "1"),
        ],
        steps=[
            Score(379, "0.5", "Carers' feedback about not being told of admissions."),
            Move(368, Stage.SET_UP),
            Score(365, "1.0", "Team and sponsor named."),
            Move(350, Stage.DISCOVERING),
            Score(345, "1.5", 'Heard from 22 people and 15 carers: "What matters to you?"'),
            Note(
                320,
                A.COPRODUCTION,
                "Partners find meetings hard to attend while unwell; we moved to short "
                "conversations on the ward with the peer support worker.",
                addressed_ago=290,
            ),
            Move(300, Stage.CO_DESIGNING),
            Score(290, "2.0", "Co-design sessions with people on the ward and the carers' group."),
            Note(
                280,
                A.COPRODUCTION,
                "Having a peer support worker on the team made conversations easier for everyone.",
                kind=FACILITATOR,
            ),
            Vision(
                260,
                "We will always ask you who matters to you and what they can be told, and keep "
                "them in touch if you want us to.",
            ),
            SignOff(255, "Co-design partner (former Willow Ward patient)"),
            SignOff(255, "Co-design partner (carer)"),
            Aim(
                252,
                "have who they want us to contact recorded within 24 hours of admission",
                "90",
                -90,
                "adults admitted to Willow Ward",
                "monthly",
            ),
            Criteria(
                250,
                {
                    CK.IMPORTANT: (True, "Top theme for carers and for people on the ward."),
                    CK.EVIDENCE_BASED: (True, "Carers' survey and complaints from families."),
                    CK.MEASURABLE: (True, "Monthly audit of the 'People who matter' record."),
                    CK.AFFORDABLE_SUSTAINABLE: (True, "Part of the admission conversation."),
                },
            ),
            Move(245, Stage.TESTING),
            Spend(240, "Peer support worker backfill for co-design sessions", "420.00"),
            Note(
                230,
                A.MEASUREMENT,
                "The electronic record had nowhere to record contact preferences. IT added a "
                "field after we asked.",
                help_needed=Challenge.Help.ORGANISATION_ADMIN,
                addressed_ago=180,
            ),
            Score(220, "2.5", "Tested an admission prompt card; recording still patchy."),
            Score(170, "3.0", "Recorded within 24 hours for 70% of admissions, up from 30%."),
            Move(150, Stage.IMPLEMENTING),
            Spend(148, "Laminated carer information cards", "95.00"),
            Score(140, "3.5", "Above 85% for three months."),
            Benefit(
                130,
                K.SERVICE_USERS,
                'Carers say they are contacted sooner. One said: "For the first time someone '
                'rang me the day they were admitted." (anonymised)',
            ),
            Benefit(
                120,
                K.STAFF_WELLBEING,
                "Fewer difficult phone calls from worried relatives; staff say handovers are "
                "calmer. We had not expected this.",
                unintended=True,
            ),
            Plan(
                95,
                "lead",
                SustainPlan.Frequency.MONTHLY,
                "At every admission the admitting nurse asks who the person wants us to contact, "
                "what they may be told and how, and records it in 'People who matter' within 24 "
                "hours. The nurse in charge checks at the morning safety huddle.",
                "Part of ward induction for new staff, students and regular bank staff; the peer "
                "support worker runs a 20-minute session each quarter.",
                "Cedar Ward and the psychiatric intensive care unit.",
                60,
            ),
            Move(90, Stage.SUSTAINING),
            Score(88, "4.0", "Recorded within 24 hours for 9 in 10 admissions for six months."),
            Benefit(
                60,
                K.EFFICIENCY,
                "Fewer formal complaints from families about not being told.",
                money="3600",
                hours="72",
                basis=(
                    "Complaints about not being contacted fell from 8 to 2 a year (complaints "
                    "log, 12 months before and after). Each takes about 12 hours of staff time, "
                    "about £600 at the Trust's average cost of handling a complaint: 6 x 12 = 72 "
                    "hours and 6 x £600 = £3,600."
                ),
            ),
            Score(14, "4.5", "Sustained above 90% for nine months; carers' feedback improved."),
            Comment(10, "Thank you. This is a good example for the board's carers' strategy."),
        ],
        time=TimeLog(
            {"lead": "1.5", "nurse1": "1", "peer1": "1.5", "staff": "0.5"},
            notes={2: "Monthly audit of 'People who matter'", 6: "Quarterly induction session"},
        ),
    ),
    EventSpec(
        title="What happens next after your first appointment",
        service="North Locality Community Mental Health Team",
        started=260,
        details={
            "focus_population": "Adults seen by the team for the first time",
            "setting": "Community clinic and home visits",
            "position": "Community Services Directorate",
            "qi_strategy_theme": "Access and waiting well",
            "oversight_group": RIVERSIDE_OVERSIGHT,
            "staff_engagement": (
                "Team meeting and an anonymous survey (18 replies): staff wanted fewer calls "
                "chasing what happens next."
            ),
        },
        team=[
            Member("lead", "Team manager", B.BAND_7, "2"),
            Member("cpn1", "Community mental health nurse", B.BAND_6, "2"),
            Member("ot1", "Occupational therapist", B.BAND_6, "1.5"),
            Member("staff", "Team administrator", B.BAND_3, "1"),
        ],
        steps=[
            Score(259, "0.5", "The team chose this after feedback from the service user forum."),
            Move(250, Stage.SET_UP),
            Score(248, "1.0", "Team and sponsor named; protected time agreed."),
            Move(
                235,
                Stage.DISCOVERING,
                override=(
                    "The Improvement Academy post is vacant until next month. Our sponsor agreed "
                    'we should start the "What matters to you?" conversations rather than wait.'
                ),
            ),
            Score(230, "1.5", 'First "What matters to you?" conversations after appointments.'),
            Details(205, {"qi_support_contact": RIVERSIDE_QI}),
            Move(190, Stage.CO_DESIGNING),
            Score(185, "2.0", "Two co-design sessions with people who use the service."),
            Note(
                170,
                A.ENGAGEMENT,
                "Two clinicians felt the written summary repeated the clinic letter.",
                addressed_ago=130,
            ),
            Vision(
                150,
                "We will always explain what happens next before you leave your first "
                "appointment, and give it to you in writing.",
            ),
            SignOff(146, "Co-design partner (person who uses the service)"),
            Aim(
                145,
                "leave their first appointment with a written 'what happens next' summary",
                "90",
                60,
                "adults at their first appointment with the team",
                "fortnightly",
            ),
            Criteria(
                144,
                {
                    CK.IMPORTANT: (True, "The top theme from the service user forum."),
                    CK.EVIDENCE_BASED: (True, "Duty line calls and local survey results."),
                    CK.MEASURABLE: (True, "Weekly tally from the appointment system."),
                    CK.AFFORDABLE_SUSTAINABLE: (True, "A printed pad; five minutes a visit."),
                },
            ),
            Move(140, Stage.TESTING),
            Note(
                130,
                A.MEASUREMENT,
                "The team administrator built a simple weekly tally from the appointment system.",
                kind=FACILITATOR,
                by="staff",
            ),
            Spend(125, "Printing 'what happens next' summary pads", "180.00"),
            Score(120, "2.5", "Tested the summary with two clinicians; mixed results."),
            Score(80, "3.0", "Written summary given after 70% of first appointments, up from 20%."),
            Benefit(
                70,
                K.STAFF_SKILLS,
                "Two team members learned to run PDSA cycles and now coach others in the locality.",
            ),
            Move(45, Stage.IMPLEMENTING),
            Score(
                40, "3.5", "Above 80% for six weeks; fewer people phone to ask what happens next."
            ),
            Benefit(
                38,
                K.SERVICE_USERS,
                "People say they leave knowing who will contact them and when.",
            ),
            Benefit(
                30,
                K.EFFICIENCY,
                "Fewer calls to the duty line asking what happens next.",
                money="3875",
                hours="125",
                basis=(
                    "Duty line log for four weeks before and after: about two fewer calls a "
                    "day, each about 15 minutes with follow-up, over 250 working days: "
                    "2 x 0.25 x 250 = 125 hours a year of band 6 time at about £31 an hour."
                ),
            ),
            Note(
                25,
                A.SENIOR_SUPPORT,
                "We need a decision on who pays for printing the summary pads across the "
                "locality; the budget holder is unclear. Asking the sponsor to decide.",
                help_needed=SPONSOR,
            ),
        ],
        time=TimeLog(
            {"lead": "2", "cpn1": "1.5", "ot1": "1", "staff": "1"},
            notes={1: "Fortnightly review of the tally", 5: "Handover to the whole team"},
        ),
    ),
    EventSpec(
        title="Ask what matters to you before discharge (Cedar Ward)",
        service="Cedar Ward, adult acute inpatient",
        started=170,
        details={
            "focus_population": "Adults leaving Cedar Ward",
            "setting": "Inpatient mental health ward",
            "position": "Acute and Urgent Care Directorate",
            "qi_strategy_theme": "Person-centred care and recovery",
            "qi_support_contact": RIVERSIDE_QI,
            "oversight_group": RIVERSIDE_OVERSIGHT,
            "staff_engagement": (
                "Reflective practice group discussion: staff wanted discharge planning to start "
                "earlier and feel less rushed."
            ),
        },
        team=[
            Member("lead", "Ward manager", B.BAND_7, "2"),
            Member("ot1", "Occupational therapist", B.BAND_6, "2"),
            Member("nurse1", "Mental health nurse", B.BAND_5, "1"),
            Member("peer1", "Peer support worker", B.BAND_4, "1"),
        ],
        steps=[
            Score(169, "0.5", "Cedar Ward joined after the Willow Ward team shared its work."),
            Move(160, Stage.SET_UP),
            Score(158, "1.0", "Team and sponsor named."),
            Move(150, Stage.DISCOVERING),
            Score(145, "1.5", "Listening sessions with people about to leave the ward."),
            Move(110, Stage.CO_DESIGNING),
            Score(105, "2.0", "Co-design sessions with the carers' group and people on the ward."),
            Note(
                95,
                A.COPRODUCTION,
                "The carers' group helped us reword the 'What matters to me' card in plain "
                "English.",
                kind=FACILITATOR,
            ),
            Vision(
                80,
                "We will always ask what matters to you before you leave hospital, and make it "
                "part of your plan.",
            ),
            SignOff(76, "Co-design partner (carer)"),
            Aim(
                75,
                "have what matters to them written into their discharge plan",
                "80",
                150,
                "adults leaving Cedar Ward",
                "fortnightly",
            ),
            Criteria(
                74,
                {
                    CK.IMPORTANT: (True, "Raised by most people in the listening sessions."),
                    CK.EVIDENCE_BASED: (True, "National guidance on discharge planning."),
                    CK.MEASURABLE: (True, "Fortnightly audit of discharge plans."),
                    CK.AFFORDABLE_SUSTAINABLE: (True, "Fits the existing ward round."),
                },
            ),
            Move(70, Stage.TESTING),
            Note(
                45,
                A.STAFF_TIME,
                "Most of the work falls on one occupational therapist; the nurses have not had "
                "their protected time on the rota for six weeks. We need the sponsor's help.",
                help_needed=SPONSOR,
            ),
            Benefit(
                35,
                K.STAFF_SKILLS,
                "Three staff have learned to plan and record PDSA cycles.",
            ),
            Score(
                25,
                "2.5",
                "First two PDSA cycles tested the 'What matters to me' card at the ward round; "
                "too early to see improvement.",
            ),
        ],
        # Over-reliance: one occupational therapist carries most of the hours.
        time=TimeLog(
            {"ot1": "5", "lead": "1", "nurse1": "0.5", "peer1": "0.5"},
            notes={2: "PDSA cycle 2 planning"},
        ),
    ),
    EventSpec(
        title="Make time to talk every shift (Maple Ward)",
        service="Maple Ward, older adults' mental health",
        started=200,
        details={
            "focus_population": "Older adults staying on Maple Ward",
            "setting": "Inpatient mental health ward",
            "position": "Older Adults Directorate",
            "qi_strategy_theme": "Person-centred care and recovery",
            "qi_support_contact": RIVERSIDE_QI,
            "oversight_group": RIVERSIDE_OVERSIGHT,
            "staff_engagement": (
                "Staff said paperwork left too little time to sit and talk with people; "
                "collected at two team meetings."
            ),
        },
        team=[
            Member("lead", "Ward manager", B.BAND_7, "1.5"),
            Member("staff", "Staff nurse", B.BAND_5, "1"),
            Member("nurse1", "Mental health nurse", B.BAND_5, "1"),
        ],
        steps=[
            Score(199, "0.5", "Maple Ward volunteered at the directorate meeting."),
            Move(190, Stage.SET_UP),
            Score(188, "1.0", "Team and sponsor named."),
            Move(175, Stage.DISCOVERING),
            Score(170, "1.5", 'Heard from 12 people and their families: "What matters to you?"'),
            Move(140, Stage.CO_DESIGNING),
            Score(120, "2.0", "First co-design session with families."),
            Move(
                63,
                Stage.PAUSED,
                "Maple Ward is closed to admissions for refurbishment for three months and the "
                "team has moved to other wards. We will pick up the co-design work when the ward "
                "reopens.",
            ),
            Note(
                62,
                A.OTHER,
                "Ward refurbishment: the team is spread across three wards until it reopens.",
            ),
            # Reviewed when pausing, and not since: stale by now.
            Score(
                60, "2.0", "Paused during the ward refurbishment; no change in score.", stale=True
            ),
            Note(
                55,
                A.SENIOR_SUPPORT,
                "We need the sponsor to confirm the team can come back together when Maple Ward "
                "reopens.",
                help_needed=SPONSOR,
            ),
        ],
        time=TimeLog({"lead": "1.5", "staff": "1", "nurse1": "1"}, weeks=14, until_ago=63),
    ),
    EventSpec(
        title="Tell carers who we are and how to reach us (Home Treatment Team)",
        service="Home Treatment Team",
        started=90,
        details={
            "focus_population": "Carers of adults supported at home during a crisis",
            "setting": "People's homes",
            "position": "Acute and Urgent Care Directorate",
            "qi_strategy_theme": "Carer involvement",
            "qi_support_contact": RIVERSIDE_QI,
            "oversight_group": RIVERSIDE_OVERSIGHT,
            "staff_engagement": (
                "Team huddle: staff said many visitors change each day, so carers often do not "
                "know who is coming."
            ),
        },
        team=[
            Member("lead", "Team manager", B.BAND_7, "1.5"),
            Member("cpn1", "Community mental health nurse", B.BAND_6, "1.5"),
            Member("staff", "Support worker", B.BAND_4, "1"),
        ],
        steps=[
            Score(89, "0.5", "The carers' centre raised this with the team."),
            Move(80, Stage.SET_UP),
            Score(78, "1.0", "Team and sponsor named; protected time agreed."),
            Move(50, Stage.DISCOVERING),
            Note(
                40,
                A.COPRODUCTION,
                "Carers are hard to reach because visits are at home and at short notice; we "
                "are asking the carers' centre to help.",
            ),
            Score(30, "1.5", "Eight carers have told us what matters to them so far."),
        ],
        time=TimeLog({"lead": "1.5", "cpn1": "1.5", "staff": "1"}, weeks=8),
    ),
]

EVENTS: dict[str, list[EventSpec]] = {"northfield": NORTHFIELD, "riverside": RIVERSIDE}


# --- running the stories --------------------------------------------------------------------------


def seed_events(
    organisation: Organisation, *, people: Mapping[str, User], today: dt.date | None = None
) -> list[AlwaysEvent]:
    """Staff rates and the demo Always Events of a named organisation; returns the new events.

    `people` maps the local part of each demo email ("lead", "staff", "sponsor", "nurse1") to
    its user. Events whose title already exists in the organisation are skipped.
    """
    specs = EVENTS.get(organisation.slug, [])
    if not specs:
        return []
    today = today or timezone.localdate()
    seed_staff_rates(organisation, today=today)
    with organisation_scope(organisation):
        existing = set(AlwaysEvent.objects.values_list("title", flat=True))
    created = []
    for spec in specs:
        if spec.title not in existing:
            created.extend(_Story(organisation, people, today, spec).run())
    return created


class _Story:
    """Writes one event's spec through the services, then moves the timestamps back."""

    def __init__(
        self,
        organisation: Organisation,
        people: Mapping[str, User],
        today: dt.date,
        spec: EventSpec,
    ) -> None:
        self.organisation = organisation
        self.people = people
        self.today = today
        self.spec = spec
        self.now = timezone.now()
        self.tick = 0
        self.backdate: list[tuple[type[models.Model], int, dict[str, Any]]] = []
        self.events: list[AlwaysEvent] = []

    def day(self, ago: int) -> dt.date:
        return self.today - dt.timedelta(days=ago)

    def at(self, ago: int) -> dt.datetime:
        """A time of day on the day `ago` days back; steps on one day keep their order."""
        self.tick += 1
        moment = dt.datetime.combine(self.day(ago), dt.time(9, 0)) + dt.timedelta(
            minutes=7 * self.tick
        )
        return min(timezone.make_aware(moment), self.now - dt.timedelta(minutes=1))

    def later(self, model: type[models.Model], pk: int, **fields: Any) -> None:
        self.backdate.append((model, pk, fields))

    def run(self) -> list[AlwaysEvent]:
        spec, people = self.spec, self.people
        lead = people["lead"]
        event = services.event_create(
            organisation=self.organisation,
            title=spec.title,
            service=spec.service,
            by=lead,
            team_lead=lead,
            executive_sponsor=people["sponsor"],
            **spec.details,
        )
        self.events.append(event)
        started = self.at(spec.started)
        self.later(AlwaysEvent, event.pk, created_at=started)
        self._team(event, spec.team, started)
        for step in sorted(spec.steps, key=lambda s: -s.ago):  # stable: same day keeps order
            self._step(event, step)
        if spec.time is not None:
            self._time(event, spec.time)
        with organisation_scope(self.organisation):
            for model, pk, fields in self.backdate:
                model._default_manager.filter(pk=pk).update(**fields)
        return self.events

    def _team(self, event: AlwaysEvent, team: Sequence[Member], at: dt.datetime) -> None:
        for member in team:
            saved = services.team_member_save(
                event=event,
                user=self.people[member.who],
                protected_hours_per_week=Decimal(member.hours),
                band=member.band,
                role_in_team=member.role,
                by=self.people["lead"],
            )
            self.later(TeamMember, saved.pk, added_at=at)

    def _step(self, event: AlwaysEvent, step: Step) -> None:
        by = self.people[step.by]
        at = self.at(step.ago)
        match step:
            case Details():
                services.event_update_details(event=event, by=by, **step.fields)
            case Move():
                self._move(event, step, by, at)
            case Score():
                score = services.progress_score_set(
                    event=event, score=step.score, reason=step.reason, by=by
                )
                if step.stale:
                    at = self.at(max(step.ago, settings.PROGRESS_SCORE_STALE_WEEKS * 7 + 7))
                self.later(ProgressScore, score.pk, set_at=at)
            case Vision():
                services.event_set_vision(event=event, vision_statement=step.text, by=by)
            case SignOff():
                sign_off = services.vision_sign_off_record(
                    event=event, signed_by_name=step.name, signed_on=self.day(step.ago), by=by
                )
                self.later(VisionSignOff, sign_off.pk, recorded_at=at)
            case Aim():
                services.event_set_aim(
                    event=event,
                    by=by,
                    aim_measure=step.measure,
                    aim_target_percent=Decimal(step.target),
                    aim_deadline=self.today + dt.timedelta(days=step.deadline_in),
                    aim_population=step.population,
                    aim_review_frequency=step.frequency,
                )
            case Criteria():
                for kind, (confirmed, evidence) in step.evidence.items():
                    services.criterion_set(
                        event=event, kind=kind, confirmed=confirmed, evidence=evidence, by=by
                    )
            case Note():
                challenge = services.challenge_record(
                    event=event,
                    area=step.area,
                    kind=step.kind,
                    text=step.text,
                    noted_on=self.day(step.ago),
                    help_needed=step.help_needed,
                    by=by,
                )
                fields: dict[str, Any] = {"created_at": at}
                if step.addressed_ago is not None:
                    services.challenge_set_status(
                        challenge=challenge, status=Challenge.Status.ADDRESSED, by=by
                    )
                    fields["addressed_at"] = self.at(step.addressed_ago)
                self.later(Challenge, challenge.pk, **fields)
            case Benefit():
                services.impact_record(
                    event=event,
                    kind=step.kind,
                    description=step.description,
                    unintended=step.unintended,
                    money_estimate=Decimal(step.money) if step.money else None,
                    hours_estimate=Decimal(step.hours) if step.hours else None,
                    basis=step.basis,
                    noted_on=self.day(step.ago),
                    by=by,
                )
            case Spend():
                services.cost_record(
                    event=event,
                    description=step.description,
                    amount=Decimal(step.amount),
                    incurred_on=self.day(step.ago),
                    by=by,
                )
            case Plan():
                plan = services.sustain_plan_save(
                    event=event,
                    by=by,
                    owner=self.people[step.owner],
                    monitoring_frequency=step.frequency,
                    standard_work=step.standard_work,
                    training=step.training,
                    spread_targets=step.spread_targets,
                    review_date=self.today + dt.timedelta(days=step.review_in),
                )
                self.later(SustainPlan, plan.pk, updated_at=at)
            case Comment():
                comment = services.event_comment_add(event=event, text=step.text, by=by)
                self.later(EventComment, comment.pk, created_at=at)
            case Spread():
                self._spread(event, step, by, at)
            case _:
                raise TypeError(f"Unknown demo step: {step!r}")

    def _move(self, event: AlwaysEvent, step: Move, by: User, at: dt.datetime) -> None:
        """Move on as the team would: overriding only where the story says so.

        A readiness item of this app left unmet without a planned override is a mistake in the
        demo content, so it stops the seed. Checks other apps register (for example measures)
        have no demo data here yet, so those are moved past with a plain reason.
        """
        unmet: list[readiness.CheckResult] = []
        if step.to == services.next_stage(event.stage):
            with organisation_scope(self.organisation):
                fresh = AlwaysEvent.objects.get(pk=event.pk)
                unmet = [r for r in readiness.evaluate(fresh, step.to) if not r.met]
        own = [r.label for r in unmet if r.app == "programmes"]
        if own and not step.override:
            raise RuntimeError(
                f"Demo event {event.title!r} is not ready for {step.to}: {'; '.join(own)}."
            )
        reason = step.override or step.reason
        if unmet and not step.override:
            reason = (reason + " " if reason else "") + (
                "The rest of the checklist is being recorded as we go."
            )
        transition = services.event_transition(
            event=event, to_stage=step.to, by=by, reason=reason, override=bool(unmet)
        )
        event.stage = transition.to_stage
        event.paused_from = transition.from_stage if step.to == Stage.PAUSED else ""
        self.later(StageTransition, transition.pk, at=at)

    def _spread(self, event: AlwaysEvent, step: Spread, by: User, at: dt.datetime) -> None:
        child = services.event_spread(event=event, title=step.title, service=step.service, by=by)
        self.events.append(child)
        self.later(AlwaysEvent, child.pk, created_at=at)
        self._team(child, step.team, at)
        if step.score_reason:
            score = services.progress_score_set(
                event=child, score="0.5", reason=step.score_reason, by=by
            )
            self.later(ProgressScore, score.pk, set_at=self.at(step.ago))

    def _time(self, event: AlwaysEvent, log: TimeLog) -> None:
        """One entry a week per person, recorded by that person at the end of the week."""
        this_week = services.monday_of(self.today)
        last = services.monday_of(self.day(log.until_ago))
        recorded: dict[dt.date, dt.datetime] = {}
        for index, (who, usual) in enumerate(log.hours.items()):
            person = self.people[who]
            for weeks_ago in range(log.weeks, -1, -1):
                week = this_week - dt.timedelta(weeks=weeks_ago)
                if week > last or (weeks_ago == 0 and self.today.weekday() < 2):
                    continue  # nothing yet this week until Wednesday
                if (weeks_ago + 3 * index) % 7 == 5:
                    continue  # leave, study day or a week too busy to log
                hours = Decimal(usual) + Decimal(VARIATION[(weeks_ago + index) % len(VARIATION)])
                hours = max(hours, Decimal("0.5"))
                note = log.notes.get(weeks_ago, "") if index == 0 else ""
                services.time_entry_record(
                    event=event,
                    person=person,
                    week_starting=week,
                    hours=hours,
                    note=note,
                    by=person,
                )
                recorded[week] = min(
                    timezone.make_aware(
                        dt.datetime.combine(week + dt.timedelta(days=4), dt.time(16, 30))
                    ),
                    self.now - dt.timedelta(minutes=2),
                )
        if recorded:
            with organisation_scope(self.organisation):
                TimeEntry.objects.filter(event=event).update(
                    recorded_at=Case(
                        *[When(week_starting=w, then=Value(at)) for w, at in recorded.items()],
                        output_field=models.DateTimeField(),
                    )
                )
