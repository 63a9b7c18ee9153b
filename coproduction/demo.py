"""Demo content for `seed_demo`: the partners of the demo organisations and their involvement.

The partners are clearly fictional: a first name and how they are connected ("Pat (carer)"),
with example.org email addresses and phone numbers from the range Ofcom keeps for drama
(07700 900xxx). Everything is written through `coproduction.services`, in the order it would
have happened: partners with their access needs and consents, their part in the demo events
(Discovering or beyond), insights with themes, involvement activities across the stages at
different rungs of the ladder with who attended, partner sign-offs of vision statements, one
withdrawn consent and one anonymised partner (so the erasure shows), and payment rates and
claims in every state (`seed_payments`), and what the partner who signs in would change
(`seed_partner_suggestions`). The services stamp "now",
so afterwards the timestamps are moved back to the day each step happened (queryset updates);
every date is relative to `today`.

The main Northfield event ("Plan for your day by 10am (Ward 7)") is co-produced: co-design or
above in most activities, partners about half of the attendance, partners in every stage. The
Emergency Department event had no partners in Discovering, so its profile shows that gap.

Idempotent: an organisation that already has partners is left alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from alwaysevents.tenancy.scope import organisation_scope
from coproduction.models import (
    AccessNeed,
    AuditEntry,
    Claim,
    Consent,
    Insight,
    InvolvementActivity,
    Partner,
    PaymentRate,
)
from coproduction.services import involvement as involvement_services
from coproduction.services import partners as partner_services
from programmes.models import AlwaysEvent, Organisation, Stage, VisionSignOff

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

P = Consent.Purpose
R = Partner.Relationship
Src = Insight.Source
Type = InvolvementActivity.Type
Rung = InvolvementActivity.Rung
WORDING = "2026-01"


@dataclass(frozen=True)
class PartnerSpec:
    key: str
    display_name: str
    relationship: str
    joined_ago: int  # when they first came to the team (created, consents given)
    email: str = ""
    phone: str = ""
    contact_preference: str = Partner.ContactPreference.EMAIL
    recruitment_source: str = Partner.RecruitmentSource.GROUP
    recruitment_note: str = ""
    access_needs: tuple[str, ...] = ()
    access_needs_other: str = ""
    payment_preference: str = Partner.PaymentPreference.EXPENSES
    consents: tuple[str, ...] = (P.CONTACT,)
    # (purpose, days ago): a consent they later withdrew.
    withdrawn: tuple[tuple[str, int], ...] = ()
    # Days ago they asked to be forgotten: their identity is removed, their part stays.
    anonymised_ago: int | None = None


@dataclass(frozen=True)
class Link:
    event: str
    partner: str
    role: str
    ago: int


@dataclass(frozen=True)
class Heard:
    event: str
    source: str
    ago: int
    theme: str
    quote: str


@dataclass(frozen=True)
class Activity:
    event: str
    title: str
    type: str
    ago: int
    stage: str
    rung: int
    hours: str
    staff: tuple[str, ...]
    partners: tuple[str, ...] = ()
    decisions: str = ""
    feedback: str = ""


@dataclass(frozen=True)
class Signed:
    event: str
    partner: str
    ago: int


@dataclass(frozen=True)
class OrganisationSpec:
    partners: tuple[PartnerSpec, ...]
    links: tuple[Link, ...]
    insights: tuple[Heard, ...]
    activities: tuple[Activity, ...]
    sign_offs: tuple[Signed, ...]


# --- Northfield -----------------------------------------------------------------------------------

WARD_7 = "Plan for your day by 10am (Ward 7)"
ED = "Introduce ourselves by name (Emergency Department)"
WARD_12 = "What matters to you before discharge (Ward 12)"
MEDICINES = "Explain your new medicines before you go home"

NORTHFIELD = OrganisationSpec(
    partners=(
        PartnerSpec(
            "pat",
            "Pat (carer)",
            R.CARER,
            390,
            email="pat.carer@example.org",  # signs in: DEMO_PARTNER_SIGN_INS
            phone="07700 900101",
            contact_preference=Partner.ContactPreference.PHONE,
            recruitment_note="Met the team at the Patient Experience and Involvement Group.",
            access_needs=(AccessNeed.LARGE_PRINT,),
            payment_preference=Partner.PaymentPreference.PAID,
            consents=(P.CONTACT, P.QUOTING, P.PHOTOGRAPHS, P.PAYMENT),
            withdrawn=((P.PHOTOGRAPHS, 120),),
        ),
        PartnerSpec(
            "jordan",
            "Jordan (patient)",
            R.PATIENT,
            385,
            email="jordan.patient@example.org",
            recruitment_source=Partner.RecruitmentSource.EVENT,
            recruitment_note='Came to a "What matters to you?" listening event on Ward 7.',
            access_needs=(AccessNeed.BSL,),
            access_needs_other="Send papers a week ahead so the interpreter can read them.",
            consents=(P.CONTACT, P.QUOTING, P.CASE_STUDIES),
        ),
        PartnerSpec(
            "sam",
            "Sam (family member)",
            R.FAMILY,
            360,
            phone="07700 900103",
            contact_preference=Partner.ContactPreference.PHONE,
            recruitment_source=Partner.RecruitmentSource.REFERRAL,
            access_needs=(AccessNeed.STEP_FREE,),
            consents=(P.CONTACT, P.QUOTING),
        ),
        PartnerSpec(
            "alex",
            "Alex (patient)",
            R.PATIENT,
            330,
            email="alex.patient@example.org",
            consents=(P.CONTACT,),
            anonymised_ago=40,
        ),
        PartnerSpec(
            "chris",
            "Chris (patient)",
            R.PATIENT,
            140,
            email="chris.patient@example.org",
            recruitment_source=Partner.RecruitmentSource.EVENT,
            access_needs=(AccessNeed.EASY_READ,),
            consents=(P.CONTACT, P.QUOTING),
        ),
        PartnerSpec(
            "morgan",
            "Morgan (carer)",
            R.CARER,
            135,
            phone="07700 900106",
            contact_preference=Partner.ContactPreference.THROUGH_TEAM,
            access_needs=(AccessNeed.HEARING_LOOP, AccessNeed.STEP_FREE),
            payment_preference=Partner.PaymentPreference.DECLINED,
            consents=(P.CONTACT, P.QUOTING),
        ),
    ),
    links=(
        Link(WARD_7, "pat", "Co-design group", 375),
        Link(WARD_7, "jordan", "Co-design group", 372),
        Link(WARD_7, "sam", "Co-design group", 350),
        Link(WARD_7, "alex", "Testing the 10am conversation", 325),
        Link(ED, "chris", "Co-design group", 125),
        Link(ED, "morgan", "Co-design group", 125),
        Link(WARD_12, "sam", "Co-design group", 110),
        Link(WARD_12, "morgan", "Co-design group", 105),
        Link(MEDICINES, "jordan", "Adviser on the medicines leaflet", 80),
    ),
    insights=(
        Heard(
            WARD_7,
            Src.CONVERSATION,
            372,
            "Knowing the plan",
            "I lay there all morning not knowing if I was going home or not.",
        ),
        Heard(
            WARD_7,
            Src.CONVERSATION,
            368,
            "Knowing the plan",
            "Nobody told my mum what was "
            "happening until the afternoon, so I could not plan the lift home.",
        ),
        Heard(
            WARD_7,
            Src.FFT,
            360,
            "Being listened to",
            "The nurses were kind but always "
            "rushing. I did not want to bother them with questions.",
        ),
        Heard(
            WARD_7,
            Src.COMPLAINT,
            355,
            "Changes to the plan",
            "They said the scan was today, then it was not, and nobody came back to say why.",
        ),
        Heard(
            WARD_7,
            Src.WORKSHOP,
            320,
            "Plain words",
            "Write it on the board in words I understand, not the letters the doctors use.",
        ),
        Heard(
            ED,
            Src.SURVEY,
            165,
            "Knowing who is who",
            "I saw five people and I could not tell you who any of them were.",
        ),
        Heard(
            ED,
            Src.FFT,
            160,
            "Knowing who is who",
            "The nurse said her name and it made me feel like a person, not a number.",
        ),
        Heard(
            ED,
            Src.CONVERSATION,
            150,
            "Feeling safe",
            "When you are frightened, a name and a smile matter more than anything.",
        ),
        Heard(
            WARD_12,
            Src.CONVERSATION,
            100,
            "Going home ready",
            "I wanted to know who to ring if something went wrong once I was home.",
        ),
        Heard(
            WARD_12,
            Src.CONVERSATION,
            95,
            "Being asked",
            "No one asked what I needed at home. I live alone and have stairs.",
        ),
        Heard(
            MEDICINES,
            Src.CONVERSATION,
            60,
            "Understanding medicines",
            "I got home with a bag of tablets and no idea which ones were new.",
        ),
    ),
    activities=(
        Activity(
            WARD_7,
            '"What matters to you?" conversations on Ward 7',
            Type.CONVERSATION,
            370,
            Stage.DISCOVERING,
            Rung.CONSULTATION,
            "6",
            ("lead", "nurse1"),
            ("pat", "jordan"),
            decisions="Knowing the plan became the theme the team chose to work on.",
            feedback="Glad someone finally asked.",
        ),
        Activity(
            WARD_7,
            "Listening event with patients and families",
            Type.WORKSHOP,
            345,
            Stage.DISCOVERING,
            Rung.ENGAGEMENT,
            "3",
            ("lead", "nurse1", "hca1"),
            ("pat", "jordan", "sam"),
            decisions="Partners asked for the plan by 10am, not by the end of the ward round.",
            feedback="Good to hear other families had the same worries.",
        ),
        Activity(
            WARD_7,
            "Co-design workshop 1: what a good morning looks like",
            Type.CO_DESIGN,
            320,
            Stage.CO_DESIGNING,
            Rung.CO_DESIGN,
            "3",
            ("lead", "nurse1", "hca1"),
            ("pat", "jordan", "sam", "alex"),
            decisions="Partners chose a bedside board and a short conversation at 10am.",
            feedback="We were listened to. The BSL interpreter made it easy to join in.",
        ),
        Activity(
            WARD_7,
            "Co-design workshop 2: the bedside board and the vision",
            Type.CO_DESIGN,
            300,
            Stage.CO_DESIGNING,
            Rung.CO_PRODUCTION,
            "3",
            ("lead", "nurse1", "pharmacist1"),
            ("pat", "jordan", "sam"),
            decisions="Partners wrote the vision statement's wording and the board's "
            "headings with the team.",
            feedback="It felt like our words, not the hospital's.",
        ),
        Activity(
            WARD_7,
            "Testing the 10am conversation on the ward",
            Type.TESTING,
            250,
            Stage.TESTING,
            Rung.CO_DESIGN,
            "4",
            ("nurse1", "hca1"),
            ("pat", "alex"),
            decisions="Partners asked for the board to say who the nurse is that day.",
            feedback="The board helped, but staff sometimes forgot to update it.",
        ),
        Activity(
            WARD_7,
            "Reviewing the first months' feedback together",
            Type.EVALUATION,
            150,
            Stage.IMPLEMENTING,
            Rung.CO_DESIGN,
            "2",
            ("lead", "nurse2"),
            ("jordan", "sam"),
            decisions="Added a prompt to the handover sheet, as partners suggested.",
            feedback="Good to see the chart going the right way.",
        ),
        Activity(
            WARD_7,
            "Partner group check-in on keeping it going",
            Type.CONVERSATION,
            80,
            Stage.SUSTAINING,
            Rung.CO_PRODUCTION,
            "2",
            ("lead", "staff"),
            ("pat", "jordan"),
            decisions="Partners will review the board with new staff at induction.",
            feedback="We want to help Ward 9 start.",
        ),
        Activity(
            WARD_7,
            "Sharing the story with Ward 9 staff",
            Type.WORKSHOP,
            25,
            Stage.SPREADING,
            Rung.INFORMING,
            "1.5",
            ("lead", "nurse2"),
            ("pat",),
            feedback="Telling our story to Ward 9 was a proud moment.",
        ),
        Activity(
            ED,
            "Staff huddle: reading complaints and waiting-room comments",
            Type.WORKSHOP,
            160,
            Stage.DISCOVERING,
            Rung.INFORMING,
            "1",
            ("lead", "staff"),
        ),
        Activity(
            ED,
            "Co-design meeting: how we introduce ourselves",
            Type.CO_DESIGN,
            115,
            Stage.CO_DESIGNING,
            Rung.CO_DESIGN,
            "2.5",
            ("lead", "staff"),
            ("chris", "morgan"),
            decisions="Partners chose large-print name badges and the words to use.",
            feedback="Easy-read notes before the meeting helped.",
        ),
        Activity(
            ED,
            "Partners try the name badges in the waiting room",
            Type.TESTING,
            60,
            Stage.TESTING,
            Rung.ENGAGEMENT,
            "2",
            ("staff",),
            ("chris",),
            feedback="People noticed the badges straight away.",
        ),
        Activity(
            WARD_12,
            '"What matters to you?" before discharge',
            Type.CONVERSATION,
            100,
            Stage.DISCOVERING,
            Rung.CONSULTATION,
            "3",
            ("lead", "nurse2"),
            ("sam", "morgan"),
            decisions="The team added questions about getting home to the conversation.",
        ),
        Activity(
            WARD_12,
            "Co-design meeting: the going-home conversation",
            Type.CO_DESIGN,
            40,
            Stage.CO_DESIGNING,
            Rung.CO_DESIGN,
            "2",
            ("lead", "nurse2", "hca1"),
            ("sam", "morgan"),
            decisions="Partners drafted the vision statement with the team.",
            feedback="Step-free room and the hearing loop worked well.",
        ),
        Activity(
            MEDICINES,
            "Asking patients what they want to know about new medicines",
            Type.CONVERSATION,
            50,
            Stage.DISCOVERING,
            Rung.CONSULTATION,
            "2",
            ("pharmacist1",),
            ("jordan",),
        ),
    ),
    sign_offs=(
        Signed(WARD_7, "jordan", 285),
        Signed(ED, "chris", 70),
        Signed(WARD_12, "sam", 15),
    ),
)

# --- Riverside ------------------------------------------------------------------------------------

WILLOW = "Keep the people who matter to you in touch (Willow Ward)"
NEXT = "What happens next after your first appointment"
CEDAR = "Ask what matters to you before discharge (Cedar Ward)"
MAPLE = "Make time to talk every shift (Maple Ward)"
HOME = "Tell carers who we are and how to reach us (Home Treatment Team)"

RIVERSIDE = OrganisationSpec(
    partners=(
        PartnerSpec(
            "robin",
            "Robin (service user)",
            R.SERVICE_USER,
            355,
            email="robin.serviceuser@example.org",
            recruitment_note="Member of the service user forum.",
            access_needs=(AccessNeed.BSL,),
            payment_preference=Partner.PaymentPreference.PAID,
            consents=(P.CONTACT, P.QUOTING, P.PAYMENT),
        ),
        PartnerSpec(
            "casey",
            "Casey (carer)",
            R.CARER,
            350,
            phone="07700 900201",
            contact_preference=Partner.ContactPreference.PHONE,
            recruitment_source=Partner.RecruitmentSource.REFERRAL,
            access_needs=(AccessNeed.LARGE_PRINT, AccessNeed.STEP_FREE),
            consents=(P.CONTACT, P.QUOTING, P.CASE_STUDIES),
        ),
        PartnerSpec(
            "jamie",
            "Jamie (service user)",
            R.SERVICE_USER,
            235,
            email="jamie.serviceuser@example.org",
            consents=(P.CONTACT, P.QUOTING, P.PHOTOGRAPHS),
        ),
        PartnerSpec(
            "taylor",
            "Taylor (family member)",
            R.FAMILY,
            155,
            email="taylor.family@example.org",
            phone="07700 900204",
            recruitment_source=Partner.RecruitmentSource.EVENT,
            access_needs=(AccessNeed.EASY_READ,),
            consents=(P.CONTACT,),
        ),
    ),
    links=(
        Link(WILLOW, "robin", "Co-design group", 345),
        Link(WILLOW, "casey", "Co-design group", 340),
        Link(WILLOW, "jamie", "Co-design group", 230),
        Link(NEXT, "jamie", "Co-design group", 225),
        Link(NEXT, "taylor", "Co-design group", 150),
        Link(CEDAR, "taylor", "Co-design group", 145),
        Link(CEDAR, "casey", "Co-design group", 115),
        Link(MAPLE, "robin", "Family letter reviewer", 165),
        Link(MAPLE, "casey", "Co-design group", 130),
        Link(HOME, "casey", "Carers' adviser", 45),
    ),
    insights=(
        Heard(
            WILLOW,
            Src.CONVERSATION,
            340,
            "Staying in touch",
            "The hardest part was not being able to ring my daughter when I wanted to.",
        ),
        Heard(
            WILLOW,
            Src.CONVERSATION,
            335,
            "Staying in touch",
            "I did not know I could visit in the evening. Nobody told us.",
        ),
        Heard(
            WILLOW,
            Src.SURVEY,
            320,
            "Feeling part of the plan",
            "Families know the person best. Ask us.",
        ),
        Heard(
            NEXT,
            Src.CONVERSATION,
            225,
            "Knowing what happens next",
            "I left my first appointment with no idea when I would hear again.",
        ),
        Heard(
            NEXT,
            Src.FFT,
            210,
            "Waiting without news",
            "The waiting is worse when you hear nothing at all.",
        ),
        Heard(
            CEDAR,
            Src.CONVERSATION,
            140,
            "Being asked",
            "It was the first time anyone asked what I wanted my life to look like after the ward.",
        ),
        Heard(
            MAPLE,
            Src.CONVERSATION,
            165,
            "Time to talk",
            "Staff were always in the office. I just wanted ten minutes.",
        ),
        Heard(
            HOME,
            Src.CONVERSATION,
            35,
            "Knowing who to call",
            "At 2am I did not know who to ring. I had a card with three numbers on it.",
        ),
    ),
    activities=(
        Activity(
            WILLOW,
            '"What matters to you?" conversations with families',
            Type.CONVERSATION,
            330,
            Stage.DISCOVERING,
            Rung.CONSULTATION,
            "5",
            ("lead", "nurse1"),
            ("robin", "casey"),
            decisions="Staying in touch became the focus.",
        ),
        Activity(
            WILLOW,
            "Co-design workshop: phones, visiting and video calls",
            Type.CO_DESIGN,
            280,
            Stage.CO_DESIGNING,
            Rung.CO_PRODUCTION,
            "3",
            ("lead", "nurse1", "peer1"),
            ("robin", "casey", "jamie"),
            decisions="Partners set the visiting hours and wrote the welcome leaflet.",
            feedback="We were equal partners in the room.",
        ),
        Activity(
            WILLOW,
            "Testing the welcome leaflet on admission",
            Type.TESTING,
            200,
            Stage.TESTING,
            Rung.CO_DESIGN,
            "2",
            ("nurse1", "ot1"),
            ("robin", "casey"),
            decisions="Large-print version added after partners tried it.",
        ),
        Activity(
            WILLOW,
            "Looking at the data together",
            Type.EVALUATION,
            120,
            Stage.IMPLEMENTING,
            Rung.ENGAGEMENT,
            "1.5",
            ("lead", "peer1"),
            ("casey",),
            feedback="Good to see it working, but keep asking families.",
        ),
        Activity(
            NEXT,
            "Co-design session: the letter after your first appointment",
            Type.CO_DESIGN,
            170,
            Stage.CO_DESIGNING,
            Rung.CO_DESIGN,
            "2",
            ("lead", "cpn1"),
            ("jamie", "taylor"),
            decisions="Partners rewrote the letter in plain words.",
        ),
        Activity(
            NEXT,
            "Testing the new letter",
            Type.TESTING,
            100,
            Stage.TESTING,
            Rung.ENGAGEMENT,
            "1.5",
            ("cpn1",),
            ("jamie",),
        ),
        Activity(
            CEDAR,
            '"What matters to you?" on Cedar Ward',
            Type.CONVERSATION,
            130,
            Stage.DISCOVERING,
            Rung.CONSULTATION,
            "3",
            ("lead", "nurse1"),
            ("taylor",),
        ),
        Activity(
            CEDAR,
            "Co-design meeting: the discharge conversation",
            Type.CO_DESIGN,
            90,
            Stage.CO_DESIGNING,
            Rung.CO_DESIGN,
            "2",
            ("lead", "ot1"),
            ("taylor", "casey"),
            decisions="Partners chose three questions for every discharge conversation.",
            feedback="Easy-read papers helped me take part.",
        ),
        Activity(
            MAPLE,
            "Letter to families about the project",
            Type.CONVERSATION,
            160,
            Stage.DISCOVERING,
            Rung.INFORMING,
            "1",
            ("lead",),
            ("robin",),
        ),
        Activity(
            MAPLE,
            "First co-design session with families",
            Type.CO_DESIGN,
            120,
            Stage.CO_DESIGNING,
            Rung.CO_DESIGN,
            "2",
            ("lead", "nurse1"),
            ("casey",),
        ),
        Activity(
            HOME,
            "Carers' coffee morning",
            Type.CONVERSATION,
            30,
            Stage.DISCOVERING,
            Rung.CONSULTATION,
            "2",
            ("cpn1", "peer1"),
            ("casey",),
        ),
    ),
    sign_offs=(
        Signed(WILLOW, "robin", 255),
        Signed(NEXT, "jamie", 146),
        Signed(CEDAR, "taylor", 76),
    ),
)

SPECS: dict[str, OrganisationSpec] = {"northfield": NORTHFIELD, "riverside": RIVERSIDE}


# --- running it -----------------------------------------------------------------------------------


def seed_coproduction(
    organisation: Organisation, *, people: Mapping[str, User], today: dt.date | None = None
) -> None:
    """The partners, involvement and payments of a named demo organisation, once each.

    `people` maps the local part of each demo email ("lead", "staff", "nurse1") to its user.
    An organisation that already has partners keeps them; payments are seeded once on their
    own (`seed_payments`).
    """
    spec = SPECS.get(organisation.slug)
    if spec is None:
        return
    with organisation_scope(organisation):
        seeded = Partner.objects.exists()
    if not seeded:
        _Seeder(organisation, people, today or timezone.localdate(), spec).run()
    seed_payments(organisation, people=people, today=today)
    seed_partner_sign_in(organisation, people=people)
    seed_partner_suggestions(organisation, today=today)


# The partner who signs in (the partner pages, /o/<slug>/me/), with the demo password.
DEMO_PARTNER_SIGN_INS: dict[str, tuple[str, str]] = {
    "northfield": ("Pat (carer)", "pat.carer@example.org"),
}


def seed_partner_sign_in(organisation: Organisation, *, people: Mapping[str, User]) -> None:
    """Give the organisation's demo partner a sign-in with the partner role, once.

    The same services as an accepted invitation (without sending an email): a partner
    membership, linked to their partner record.
    """
    from coproduction.models import PartnerMembership
    from coproduction.services.partner_access import partner_membership_link
    from programmes.demo import demo_user
    from programmes.models import Membership, Role
    from programmes.services import membership_add

    found = DEMO_PARTNER_SIGN_INS.get(organisation.slug)
    if found is None:
        return
    name, email = found
    with organisation_scope(organisation):
        partner = Partner.objects.filter(email=email, anonymised_at__isnull=True).first()
        if partner is None or PartnerMembership.objects.filter(partner=partner).exists():
            return
        existing = Membership.objects.filter(user__email=email).first()
    if existing is not None and existing.role != Role.PARTNER:
        return  # never turn a staff sign-in into a partner's
    user = demo_user(email, name)
    membership = existing or membership_add(
        organisation=organisation, user=user, role=Role.PARTNER, by=people.get("lead")
    )
    partner_membership_link(partner=partner, membership=membership, by=people.get("lead"))


# What the demo partner who signs in would change (the partner's event page; the team reads it
# on the Co-production tab): (event, days ago, text).
DEMO_SUGGESTIONS: dict[str, tuple[tuple[str, int, str], ...]] = {
    "northfield": (
        (
            WARD_7,
            3,
            "Please write the plan on the board before visiting starts, so families "
            "can read it too.",
        ),
    ),
}


def seed_partner_suggestions(organisation: Organisation, *, today: dt.date | None = None) -> None:
    """The demo partner's suggestions, written as them (`partner_suggestion_make`), once."""
    from coproduction.models import PartnerMembership, PartnerSuggestion
    from coproduction.services.suggestions import partner_suggestion_make

    found = DEMO_SUGGESTIONS.get(organisation.slug)
    sign_in = DEMO_PARTNER_SIGN_INS.get(organisation.slug)
    if not found or sign_in is None:
        return
    with organisation_scope(organisation):
        if PartnerSuggestion.objects.exists():
            return
        link = (
            PartnerMembership.objects.select_related("partner", "membership__user")
            .filter(partner__email=sign_in[1], membership__is_active=True)
            .first()
        )
        events = {e.title: e for e in AlwaysEvent.objects.all()}
    if link is None:
        return
    today = today or timezone.localdate()
    now = timezone.now()
    for title, ago, text in found:
        event = events.get(title)
        if event is None:
            continue
        suggestion = partner_suggestion_make(
            partner=link.partner, event=event, text=text, by=link.membership.user
        )
        at = timezone.make_aware(
            dt.datetime.combine(today - dt.timedelta(days=ago), dt.time(18, 0))
        )
        with organisation_scope(organisation):
            PartnerSuggestion.objects.filter(pk=suggestion.pk).update(
                created_at=min(at, now - dt.timedelta(minutes=1))
            )


class _Seeder:
    def __init__(
        self,
        organisation: Organisation,
        people: Mapping[str, User],
        today: dt.date,
        spec: OrganisationSpec,
    ) -> None:
        self.organisation = organisation
        self.people = people
        self.lead = people["lead"]
        self.today = today
        self.spec = spec
        self.now = timezone.now()
        self.tick = 0
        self.backdate: list[tuple[type[models.Model], int, dict[str, Any]]] = []
        with organisation_scope(organisation):
            self.events = {e.title: e for e in AlwaysEvent.objects.all()}
        self.partners: dict[str, Partner] = {}

    def day(self, ago: int) -> dt.date:
        return self.today - dt.timedelta(days=ago)

    def at(self, ago: int) -> dt.datetime:
        """A time on the day `ago` days back; steps on one day keep their order."""
        self.tick += 1
        moment = dt.datetime.combine(self.day(ago), dt.time(10, 0)) + dt.timedelta(
            minutes=3 * self.tick
        )
        return min(timezone.make_aware(moment), self.now - dt.timedelta(minutes=1))

    def later(self, model: type[models.Model], pk: int, **fields: Any) -> None:
        self.backdate.append((model, pk, fields))

    def _last_audit(self) -> int:
        with organisation_scope(self.organisation):
            return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def _audit_at(self, since: int, at: dt.datetime) -> None:
        with organisation_scope(self.organisation):
            for pk in AuditEntry.objects.filter(pk__gt=since).values_list("pk", flat=True):
                self.later(AuditEntry, pk, at=at)

    def run(self) -> None:
        spec = self.spec
        for p in spec.partners:
            self._partner(p)
        for link in spec.links:
            event = self.events.get(link.event)
            if event is None:
                continue
            partner_services.partner_join_event(
                partner=self.partners[link.partner],
                event=event,
                role=link.role,
                joined_on=self.day(link.ago),
                by=self.lead,
            )
        for heard in spec.insights:
            event = self.events.get(heard.event)
            if event is None:
                continue
            insight = involvement_services.insight_record(
                event=event,
                source=heard.source,
                gathered_on=self.day(heard.ago),
                theme=heard.theme,
                quote=heard.quote,
                by=self.lead,
            )
            self.later(Insight, insight.pk, created_at=self.at(heard.ago))
        for item in spec.activities:
            event = self.events.get(item.event)
            if event is None:
                continue
            activity = involvement_services.activity_record(
                event=event,
                title=item.title,
                type=item.type,
                held_on=self.day(item.ago),
                stage=item.stage,
                rung=item.rung,
                hours=Decimal(item.hours),
                by=self.lead,
                staff=[self.people[who] for who in item.staff],
                partners=[self.partners[key] for key in item.partners],
                decisions_influenced=item.decisions,
                partner_feedback=item.feedback,
            )
            self.later(InvolvementActivity, activity.pk, created_at=self.at(max(item.ago - 1, 0)))
        for signed in spec.sign_offs:
            event = self.events.get(signed.event)
            if event is None or not event.vision_statement:
                continue
            signed_off = partner_services.partner_sign_off_vision(
                event=event,
                partner=self.partners[signed.partner],
                signed_on=self.day(signed.ago),
                by=self.lead,
            )
            self.later(VisionSignOff, signed_off.sign_off_id, recorded_at=self.at(signed.ago))
        # Last, as they happened after everything above: withdrawals and erasure.
        for p in spec.partners:
            partner = self.partners[p.key]
            for purpose, ago in p.withdrawn:
                with organisation_scope(self.organisation):
                    consent = Consent.objects.get(
                        partner=partner, purpose=purpose, withdrawn_at__isnull=True
                    )
                since = self._last_audit()
                partner_services.consent_withdraw(consent=consent, by=self.lead)
                at = self.at(ago)
                self.later(Consent, consent.pk, withdrawn_at=at)
                self._audit_at(since, at)
            if p.anonymised_ago is not None:
                since = self._last_audit()
                partner_services.partner_anonymise(partner=partner, by=self.lead)
                at = self.at(p.anonymised_ago)
                self.later(Partner, partner.pk, anonymised_at=at)
                self._audit_at(since, at)
        with organisation_scope(self.organisation):
            for model, pk, fields in self.backdate:
                model._default_manager.filter(pk=pk).update(**fields)

    def _partner(self, p: PartnerSpec) -> None:
        partner = partner_services.partner_create(
            organisation=self.organisation,
            by=self.lead,
            display_name=p.display_name,
            relationship=p.relationship,
            email=p.email,
            phone=p.phone,
            contact_preference=p.contact_preference,
            recruitment_source=p.recruitment_source,
            recruitment_note=p.recruitment_note,
            access_needs=list(p.access_needs),
            access_needs_other=p.access_needs_other,
            payment_preference=p.payment_preference,
            retention_until=self.today + dt.timedelta(days=3 * 365),
        )
        self.partners[p.key] = partner
        at = self.at(p.joined_ago)
        self.later(Partner, partner.pk, created_at=at)
        for purpose in p.consents:
            since = self._last_audit()
            consent = partner_services.consent_give(
                partner=partner, purpose=purpose, wording_version=WORDING, by=self.lead
            )
            self.later(Consent, consent.pk, given_at=at)
            self._audit_at(since, at)


# --- payments -------------------------------------------------------------------------------------
#
# Rates (one superseded), the team lead's approval limit and a few claims in each state, on the
# main events. Receipts are made here: a one-page PDF and a small PNG, clearly marked as demo.
# Idempotent on its own: an organisation that already has rates or claims is left alone, so it
# also runs for databases seeded before payments existed.


@dataclass(frozen=True)
class RateSpec:
    level: str
    amount: str
    from_ago: int


@dataclass(frozen=True)
class ClaimSpec:
    event: str
    partner: str
    kind: str
    amount: str
    state: str
    ago: int  # when it was started; each later step a few days after
    description: str
    receipt: str = ""  # "pdf" or "png"
    reason: str = ""  # why it was rejected
    approver: str = "orgadmin"  # "lead" within the limit


@dataclass(frozen=True)
class PaymentSpec:
    limit: str
    rates: tuple[RateSpec, ...]
    claims: tuple[ClaimSpec, ...]


K = Claim.Kind
S = Claim.State

PAYMENT_SPECS: dict[str, PaymentSpec] = {
    "northfield": PaymentSpec(
        limit="50",
        rates=(
            RateSpec("attendance", "20", 400),
            RateSpec("half day", "40", 400),
            RateSpec("half day", "45", 90),
            RateSpec("full day", "80", 400),
            RateSpec("full day", "90", 90),
        ),
        claims=(
            ClaimSpec(
                WARD_7,
                "pat",
                K.TRAVEL,
                "6.80",
                S.PAID,
                60,
                "Bus fares to and from the co-design group",
                receipt="png",
                approver="lead",
            ),
            ClaimSpec(
                WARD_7,
                "jordan",
                K.TRAVEL,
                "14.20",
                S.PAID,
                45,
                "Taxi to the testing session (step-free)",
                receipt="pdf",
                approver="lead",
            ),
            ClaimSpec(
                WARD_7,
                "sam",
                K.SUBSISTENCE,
                "7.50",
                S.APPROVED,
                20,
                "Lunch on the workshop day",
                receipt="pdf",
                approver="lead",
            ),
            ClaimSpec(
                WARD_7,
                "pat",
                K.CARER_COVER,
                "64.00",
                S.APPROVED,
                18,
                "Sitter for Pat's husband during the full-day workshop",
                receipt="pdf",
            ),
            ClaimSpec(
                WARD_7,
                "pat",
                K.INVOLVEMENT,
                "45.00",
                S.SUBMITTED,
                6,
                "Half day at the co-design workshop",
            ),
            ClaimSpec(
                WARD_7,
                "sam",
                K.TRAVEL,
                "9.60",
                S.SUBMITTED,
                5,
                "Parking for two sessions",
                receipt="png",
            ),
            ClaimSpec(
                WARD_7,
                "jordan",
                K.TRAVEL,
                "14.20",
                S.REJECTED,
                30,
                "Taxi to the testing session",
                reason="Already claimed: the same journey was paid on an earlier claim.",
            ),
            ClaimSpec(WARD_7, "sam", K.TRAVEL, "4.20", S.DRAFT, 1, "Bus fare"),
        ),
    ),
    "riverside": PaymentSpec(
        limit="75",
        rates=(
            RateSpec("attendance", "25", 300),
            RateSpec("half day", "50", 300),
        ),
        claims=(
            ClaimSpec(
                WILLOW,
                "robin",
                K.INVOLVEMENT,
                "50.00",
                S.PAID,
                50,
                "Half day: letter to families workshop",
            ),
            ClaimSpec(
                WILLOW,
                "robin",
                K.TRAVEL,
                "11.00",
                S.APPROVED,
                12,
                "Train fare",
                receipt="pdf",
                approver="lead",
            ),
            ClaimSpec(
                WILLOW,
                "casey",
                K.CARER_COVER,
                "30.00",
                S.SUBMITTED,
                4,
                "Childcare for the afternoon session",
                receipt="png",
            ),
            ClaimSpec(
                WILLOW,
                "casey",
                K.SUBSISTENCE,
                "5.00",
                S.REJECTED,
                25,
                "Coffee",
                reason="Refreshments were provided at the session.",
            ),
            ClaimSpec(WILLOW, "jamie", K.TRAVEL, "3.40", S.DRAFT, 2, "Bus fare"),
        ),
    ),
}


def demo_receipt_pdf(text: str) -> bytes:
    """A one-page PDF that says `text` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 14 Tf 40 100 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 200] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def demo_receipt_png(width: int = 48, height: int = 32) -> bytes:
    """A small PNG: a pale receipt with a few grey lines of 'writing'."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = bytearray()
    for y in range(height):
        rows.append(0)  # no filter
        for x in range(width):
            writing = y % 6 == 3 and 6 <= x < width - 6 - (y * 3) % 14
            rows += bytes((120, 120, 120) if writing else (250, 248, 240))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows)))
        + chunk(b"IEND", b"")
    )


def seed_payments(
    organisation: Organisation, *, people: Mapping[str, User], today: dt.date | None = None
) -> None:
    """Payment rates, the approval limit and claims of a named demo organisation, once."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coproduction.services import payments as payment_services
    from programmes.models import Membership

    spec = PAYMENT_SPECS.get(organisation.slug)
    partner_spec = SPECS.get(organisation.slug)
    if spec is None or partner_spec is None:
        return
    today = today or timezone.localdate()
    with organisation_scope(organisation):
        if PaymentRate.objects.exists() or Claim.objects.exists():
            return
        events = {e.title: e for e in AlwaysEvent.objects.all()}
        names = {p.key: p.display_name for p in partner_spec.partners}
        partners = {p.display_name: p for p in Partner.objects.filter(anonymised_at__isnull=True)}
        memberships = {
            m.user_id: m for m in Membership.objects.filter(user__in=list(people.values()))
        }
    payment_services.payment_settings_update(
        organisation=organisation, team_lead_approval_limit=Decimal(spec.limit)
    )
    for rate in spec.rates:
        payment_services.payment_rate_set(
            organisation=organisation,
            level=rate.level,
            amount=Decimal(rate.amount),
            effective_from=today - dt.timedelta(days=rate.from_ago),
        )
    lead = people["lead"]
    now = timezone.now()

    def at(ago: int, minutes: int = 0) -> dt.datetime:
        moment = dt.datetime.combine(today - dt.timedelta(days=ago), dt.time(11, 0))
        return min(timezone.make_aware(moment) + dt.timedelta(minutes=minutes), now)

    for number, c in enumerate(spec.claims, start=1):
        event = events.get(c.event)
        partner = partners.get(names.get(c.partner, ""))
        if event is None or partner is None:
            continue
        receipt = None
        if c.receipt == "pdf":
            text = f"DEMO RECEIPT {number} - {c.description[:30]} - GBP {c.amount}"
            receipt = SimpleUploadedFile("receipt.pdf", demo_receipt_pdf(text))
        elif c.receipt == "png":
            receipt = SimpleUploadedFile("receipt.png", demo_receipt_png())
        with organisation_scope(organisation):
            activity = (
                InvolvementActivity.objects.filter(event=event, attendance__partner=partner)
                .order_by("-held_on")
                .first()
            )
        claim = payment_services.claim_create(
            partner=partner,
            event=event,
            kind=c.kind,
            amount=Decimal(c.amount),
            by=lead,
            activity=activity,
            description=c.description,
            receipt=receipt,
        )
        steps: dict[str, Any] = {"created_at": at(c.ago)}
        audited: list[tuple[int, dt.datetime]] = []  # (audit entries after pk, when)
        if c.state != S.DRAFT:
            payment_services.claim_submit(claim=claim, by=lead)
            steps["submitted_at"] = at(c.ago, 30)
        if c.state == S.REJECTED:
            audited.append((_last_audit_pk(organisation), at(max(c.ago - 2, 0))))
            payment_services.claim_reject(claim=claim, reason=c.reason, by=people["orgadmin"])
        if c.state in (S.APPROVED, S.PAID):
            approver = people[c.approver]
            steps["approved_at"] = at(max(c.ago - 2, 0))
            audited.append((_last_audit_pk(organisation), steps["approved_at"]))
            payment_services.claim_approve(
                claim=claim,
                by=approver,
                membership=memberships[approver.pk],
                benefits_notice_confirmed=True,
            )
        if c.state == S.PAID:
            steps["paid_at"] = at(max(c.ago - 7, 0))
            audited.append((_last_audit_pk(organisation), steps["paid_at"]))
            payment_services.claim_mark_paid(claim=claim, by=people["orgadmin"])
        with organisation_scope(organisation):
            Claim.objects.filter(pk=claim.pk).update(**steps)
            for since, when in audited:  # in step order: a later step re-dates its own entries
                AuditEntry.objects.filter(pk__gt=since).update(at=when)


def _last_audit_pk(organisation: Organisation) -> int:
    with organisation_scope(organisation):
        return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
