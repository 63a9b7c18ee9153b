"""Demo data: the programme, cohorts, organisations and one sign-in per role.

Every date is derived from today (the cohorts from this year's), so the demo looks current
whenever it is seeded. Idempotent: running it twice on one day changes nothing. `--scale N`
makes sure N generated organisations of the same shape exist too (bulk writes), for benchmarks
and load tests.
The content of each named organisation (its Always Events and what the teams recorded) lives
in `programmes.demo`; later issues add their own demo content the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from accreditation.demo import seed_accreditation
from accreditation.demo_review import seed_accreditation_review
from alwaysevents.tenancy.scope import across_organisations
from coproduction.demo import DEMO_PARTNER_SIGN_INS, seed_coproduction
from measurement.demo import seed_measurement
from programmes import demo, services
from programmes.demo import DEMO_PASSWORD
from programmes.models import Cohort, Membership, Organisation, ProgrammeRole, Role

#: The programme's first cohort; cohorts are numbered from it, one a year.
FIRST_COHORT_YEAR = 2026


def cohort_of(year: int) -> tuple[str, dt.date, dt.date]:
    """The year's cohort: (name, from its second Monday of January, to its third Friday of
    December), so "Cohort 1 (2026)" runs from 12 January to 18 December 2026."""
    january = dt.date(year, 1, 1)
    december = dt.date(year, 12, 1)
    starts_on = january + dt.timedelta(days=-january.weekday() % 7 + 7)  # first Monday + 1 week
    ends_on = december + dt.timedelta(days=(4 - december.weekday()) % 7 + 14)  # first Friday + 2
    number = year - FIRST_COHORT_YEAR + 1
    name = f"Cohort {number} ({year})" if number >= 1 else f"Cohort ({year})"
    return name, starts_on, ends_on


def cohorts(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The cohort running (or the last one, between cohorts) and the next one, from `today`:
    the named organisations are in the first, the organisation without people in the second.
    The same on every day of a year, so seeding twice on one day changes nothing."""
    _, starts_on, _ = cohort_of(today.year)
    year = today.year if today >= starts_on else today.year - 1
    return [cohort_of(year), cohort_of(year + 1)]


ORGANISATIONS = [
    # slug, name, ODS code, type, region, cohort index, with people
    (
        "northfield",
        "Northfield Hospitals NHS Foundation Trust",
        "RNF",
        "acute_trust",
        "midlands",
        0,
        True,
    ),
    (
        "riverside",
        "Riverside Mental Health NHS Trust",
        "RRV",
        "mental_health_trust",
        "london",
        0,
        True,
    ),
    ("westmoor", "Westmoor Community Care", None, "social_care", "south_west", 1, False),
]

PEOPLE = [
    # local part, role, full name pattern
    ("orgadmin", Role.ORGANISATION_ADMIN, "Organisation Admin"),
    ("lead", Role.TEAM_LEAD, "Team Lead"),
    ("staff", Role.TEAM_MEMBER, "Staff Member"),
    ("sponsor", Role.EXECUTIVE_SPONSOR, "Executive Sponsor"),
]

PROGRAMME_PEOPLE = [
    ("admin@programme.example", "Programme Admin", ProgrammeRole.PROGRAMME_ADMIN),
    ("reviewer@programme.example", "Programme Reviewer", ProgrammeRole.REVIEWER),
]


class Command(BaseCommand):
    help = "Create the demo programme and its sign-ins (idempotent); --scale N adds organisations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=int, default=0, help="Also make sure N generated organisations exist."
        )

    def handle(self, *args: Any, scale: int = 0, **options: Any) -> None:
        if scale < 0:
            self.stderr.write("--scale must be 0 or more.")
            return
        # One "today" for every part of the demo, even if the seed runs past midnight.
        today = timezone.localdate()
        with transaction.atomic():
            self._seed_named(today)
        if scale:
            with transaction.atomic():
                created = self._seed_generated(scale, today)
            self.stdout.write(f"Generated organisations: {scale} in place ({created} new).")
        self._print_sign_ins()

    # --- the named demo -------------------------------------------------------------------

    def _seed_named(self, today: dt.date) -> None:
        cohort_rows = []
        for name, starts_on, ends_on in cohorts(today):
            cohort, _ = Cohort.objects.get_or_create(
                name=name, defaults={"starts_on": starts_on, "ends_on": ends_on}
            )
            cohort_rows.append(cohort)

        admin = None
        for email, full_name, programme_role in PROGRAMME_PEOPLE:
            user = demo.demo_user(email, full_name)
            services.programme_role_set(user=user, role=programme_role, granted=True, by=None)
            if programme_role == ProgrammeRole.PROGRAMME_ADMIN:
                admin = user

        for slug, name, ods, org_type, region, cohort_index, with_people in ORGANISATIONS:
            organisation = Organisation.objects.filter(slug=slug).first()
            if organisation is None:
                organisation = services.organisation_create(
                    name=name,
                    slug=slug,
                    ods_code=ods,
                    type=org_type,
                    region=region,
                    cohort=cohort_rows[cohort_index],
                )
            if not with_people:
                continue
            people = {}
            for local, role, title in PEOPLE:
                user = demo.demo_user(f"{local}@{slug}.example", f"{title}, {slug.title()}")
                with across_organisations():
                    exists = Membership.objects.filter(
                        organisation=organisation, user=user
                    ).exists()
                if not exists:
                    services.membership_add(
                        organisation=organisation, user=user, role=role, by=admin
                    )
                people[local] = user
            people.update(demo.demo_staff(organisation, by=admin))
            demo.seed_events(organisation, people=people, today=today)
            seed_measurement(organisation, people=people, today=today)
            seed_coproduction(organisation, people=people, today=today)
            seed_accreditation(organisation, people=people, today=today)
            seed_accreditation_review(organisation, people=people, today=today)
            # The one place outside reporting that calls it: demo glue, not a dependency.
            from alwaysevents.reporting.demo import seed_reporting

            seed_reporting(organisation, people=people, today=today)
            from alwaysevents.reporting.demo_reports import seed_reports

            seed_reports(organisation, people=people, today=today)

    # --- generated organisations for scale ------------------------------------------------

    def _seed_generated(self, scale: int, today: dt.date) -> int:
        user_model = get_user_model()
        slugs = [f"generated-{i:05d}" for i in range(1, scale + 1)]
        existing = set(Organisation.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        missing = [slug for slug in slugs if slug not in existing]
        if not missing:
            return 0
        cohort = Cohort.objects.get(name=cohorts(today)[0][0])
        regions = [choice for choice, _ in Organisation.Region.choices]
        Organisation.objects.bulk_create(
            [
                Organisation(
                    slug=slug,
                    name=f"Generated Trust {slug.rsplit('-', 1)[1]}",
                    type=Organisation.Type.ACUTE_TRUST,
                    region=regions[int(slug.rsplit("-", 1)[1]) % len(regions)],
                    cohort=cohort,
                )
                for slug in missing
            ]
        )
        organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=missing)}
        password = make_password(DEMO_PASSWORD)
        emails = [f"{local}@{slug}.example" for slug in missing for local, _, _ in PEOPLE]
        user_model.objects.bulk_create(
            [
                user_model(email=email, password=password, full_name=email.split("@")[0].title())
                for email in emails
            ],
            ignore_conflicts=True,
        )
        users = {u.email: u for u in user_model.objects.filter(email__in=emails)}
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=users[e], email=e, verified=True, primary=True) for e in emails],
            ignore_conflicts=True,
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    organisation=organisations[slug],
                    user=users[f"{local}@{slug}.example"],
                    role=role,
                )
                for slug in missing
                for local, role, _ in PEOPLE
            ],
            ignore_conflicts=True,
        )
        return len(missing)

    def _print_sign_ins(self) -> None:
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with any of these:"))
        self.stdout.write(f"  password for every demo sign-in: {DEMO_PASSWORD}")
        for email, _, programme_role in PROGRAMME_PEOPLE:
            self.stdout.write(f"  {email:<32} {ProgrammeRole(programme_role).label}")
        for slug, *_rest, with_people in ORGANISATIONS:
            if with_people:
                for local, role, _ in PEOPLE:
                    self.stdout.write(
                        f"  {local + '@' + slug + '.example':<32} {Role(role).label}, {slug}"
                    )
                if slug in DEMO_PARTNER_SIGN_INS:
                    name, email = DEMO_PARTNER_SIGN_INS[slug]
                    self.stdout.write(f"  {email:<32} {Role.PARTNER.label} ({name}), {slug}")
