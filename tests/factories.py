"""factory_boy factories. Children take the organisation from their parent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from programmes.models import (
    AlwaysEvent,
    Challenge,
    Cohort,
    Cost,
    EventComment,
    Impact,
    Invitation,
    Membership,
    Organisation,
    ProgressScore,
    Role,
    StaffRate,
    Stage,
    StageTransition,
    TeamMember,
    TimeEntry,
    VisionSignOff,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"Cohort {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Trust {n}")
    slug = factory.Sequence(lambda n: f"trust-{n}")
    region = Organisation.Region.LONDON
    type = Organisation.Type.ACUTE_TRUST
    cohort = factory.SubFactory(CohortFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.TEAM_MEMBER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.TEAM_MEMBER


# --- Always Events (issue 3) ------------------------------------------------------------------


def member_of(organisation: Organisation, role: str = Role.TEAM_MEMBER, **user: object):
    """A new person with an active membership of `organisation`, returned as the user."""
    return MembershipFactory(organisation=organisation, role=role, user=UserFactory(**user)).user


class AlwaysEventFactory(factory.django.DjangoModelFactory):
    """A bare event (no criteria rows, no team): use `services.event_create` for the full one."""

    class Meta:
        model = AlwaysEvent

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Always Event {n}")
    service = factory.Sequence(lambda n: f"Ward {n}")


class _EventChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    event = factory.SubFactory(AlwaysEventFactory)
    organisation = factory.SelfAttribute("event.organisation")


class TeamMemberFactory(_EventChildFactory):
    class Meta:
        model = TeamMember

    user = factory.LazyAttribute(lambda o: member_of(o.organisation))
    protected_hours_per_week = Decimal("2")


class ProgressScoreFactory(_EventChildFactory):
    class Meta:
        model = ProgressScore

    score = ProgressScore.Score.S10
    reason = "Charter agreed."


class TimeEntryFactory(_EventChildFactory):
    class Meta:
        model = TimeEntry

    person = factory.LazyAttribute(lambda o: member_of(o.organisation))
    week_starting = factory.LazyFunction(
        lambda: timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    )
    hours = Decimal("1")


class ChallengeFactory(_EventChildFactory):
    class Meta:
        model = Challenge

    area = Challenge.Area.STAFF_TIME
    text = "Hard to get cover for the protected time."
    noted_on = factory.LazyFunction(timezone.localdate)


class ImpactFactory(_EventChildFactory):
    class Meta:
        model = Impact

    kind = Impact.Kind.SERVICE_USERS
    description = "Patients say they know the plan for their day."
    noted_on = factory.LazyFunction(timezone.localdate)


class CostFactory(_EventChildFactory):
    class Meta:
        model = Cost

    description = "Printing"
    amount = Decimal("10.00")
    incurred_on = factory.LazyFunction(timezone.localdate)


class EventCommentFactory(_EventChildFactory):
    class Meta:
        model = EventComment

    text = "Good progress."


class StageTransitionFactory(_EventChildFactory):
    class Meta:
        model = StageTransition

    from_stage = Stage.PROPOSED
    to_stage = Stage.SET_UP


class VisionSignOffFactory(_EventChildFactory):
    class Meta:
        model = VisionSignOff

    signed_by_name = factory.Faker("first_name", locale="en_GB")
    statement = factory.SelfAttribute("event.vision_statement")
    signed_on = factory.LazyFunction(timezone.localdate)


class StaffRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRate

    organisation = factory.SubFactory(OrganisationFactory)
    band = TeamMember.Band.BAND_5
    hourly_rate = Decimal("20.00")
    effective_from = dt.date(2020, 4, 1)


# --- co-production: insights and involvement activities (issue 5) ------------------------------

from coproduction.models import Attendance, Insight, InvolvementActivity  # noqa: E402


class InsightFactory(_EventChildFactory):
    class Meta:
        model = Insight

    source = Insight.Source.CONVERSATION
    gathered_on = factory.LazyFunction(timezone.localdate)
    theme = "Knowing the plan"
    quote = "I never knew what was happening today."


class ActivityFactory(_EventChildFactory):
    """An involvement activity. Pass `staff=[users]` and `partners=[partners]` for attendance."""

    class Meta:
        model = InvolvementActivity
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Workshop {n}")
    type = InvolvementActivity.Type.WORKSHOP
    held_on = factory.LazyFunction(timezone.localdate)
    stage = Stage.DISCOVERING
    rung = InvolvementActivity.Rung.ENGAGEMENT
    hours = Decimal("2")

    @factory.post_generation
    def staff(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted:
            self.staff.set(extracted)

    @factory.post_generation
    def partners(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted:
            Attendance.objects.with_scope(organisation=self.organisation_id).bulk_create(
                Attendance(organisation_id=self.organisation_id, activity=self, partner=p)
                for p in extracted
            )


# --- co-production: partners and consent (issue 5) ----------------------------------------------

from coproduction.models import Consent, EventPartner, Partner  # noqa: E402


class PartnerFactory(factory.django.DjangoModelFactory):
    """A clearly fictional partner with a pseudonym of its own."""

    class Meta:
        model = Partner

    organisation = factory.SubFactory(OrganisationFactory)
    display_name = factory.Sequence(lambda n: f"Sam Example {n}")
    pseudonym = factory.Sequence(lambda n: f"Partner {n + 1000}")
    relationship = Partner.Relationship.PATIENT
    email = factory.Sequence(lambda n: f"partner{n}@example.org")
    phone = "01632 960000"


class EventPartnerFactory(_EventChildFactory):
    class Meta:
        model = EventPartner

    partner = factory.SubFactory(
        PartnerFactory, organisation=factory.SelfAttribute("..organisation")
    )
    role = "Co-design group"
    joined_on = factory.LazyFunction(timezone.localdate)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    partner = factory.SubFactory(PartnerFactory)
    organisation = factory.SelfAttribute("partner.organisation")
    purpose = Consent.Purpose.QUOTING
    wording_version = "v1"
    given_at = factory.LazyFunction(timezone.now)
