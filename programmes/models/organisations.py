from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower

from alwaysevents.tenancy.models import OrganisationOwned


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            f"“{value}” is not a timezone we know. Use a name such as Europe/London."
        )


class Cohort(models.Model):
    """A group of organisations that start the programme together."""

    name = models.CharField(max_length=120, unique=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="programmes_cohort_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


ods_code_validator = RegexValidator(
    r"^[A-Z0-9]{3,6}$",
    "An ODS code is 3 to 6 capital letters and digits, for example RXX or 8J234.",
)


class Organisation(models.Model):
    """An NHS or social-care organisation taking part. The tenant: everything else hangs off it."""

    class Type(models.TextChoices):
        ACUTE_TRUST = "acute_trust", "Acute trust"
        MENTAL_HEALTH_TRUST = "mental_health_trust", "Mental health trust"
        COMMUNITY_TRUST = "community_trust", "Community trust"
        AMBULANCE_TRUST = "ambulance_trust", "Ambulance trust"
        PRIMARY_CARE = "primary_care", "Primary care"
        INTEGRATED_CARE_BOARD = "integrated_care_board", "Integrated care board"
        SOCIAL_CARE = "social_care", "Social care provider"
        HOSPICE = "hospice", "Hospice"
        INDEPENDENT = "independent", "Independent provider"
        OTHER = "other", "Other"

    class Region(models.TextChoices):
        NORTH_EAST_YORKSHIRE = "north_east_yorkshire", "North East and Yorkshire"
        NORTH_WEST = "north_west", "North West"
        MIDLANDS = "midlands", "Midlands"
        EAST_OF_ENGLAND = "east_of_england", "East of England"
        LONDON = "london", "London"
        SOUTH_EAST = "south_east", "South East"
        SOUTH_WEST = "south_west", "South West"

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=60, unique=True, help_text="Used in addresses: /o/<slug>/. Lower case."
    )
    ods_code = models.CharField(
        "ODS code",
        max_length=6,
        unique=True,
        null=True,
        blank=True,
        validators=[ods_code_validator],
        help_text="Organisation Data Service code, if it has one.",
    )
    type = models.CharField(max_length=40, choices=Type.choices, default=Type.ACUTE_TRUST)
    region = models.CharField(max_length=40, choices=Region.choices)
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )
    is_active = models.BooleanField(default=True)
    timezone = models.CharField(
        max_length=64,
        default="Europe/London",
        validators=[validate_timezone],
        help_text="Where the organisation is: its reminders, staff digest and monthly reports "
        "go at 7 in the morning there, and its dates are its own.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="programmes_organisation_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """Roles within one organisation (`product.md`, Users and roles)."""

    TEAM_MEMBER = "team_member", "Team member"
    TEAM_LEAD = "team_lead", "Team lead"
    EXECUTIVE_SPONSOR = "executive_sponsor", "Executive sponsor"
    ORGANISATION_ADMIN = "organisation_admin", "Organisation admin"
    # A patient, carer or family member who signs in to see their own Always Events. Reaches
    # only the partner pages; linked to their `coproduction.Partner` record.
    PARTNER = "partner", "Partner"


# Every role but the partner's: what "any member" means on staff pages, member lists and pickers.
STAFF_ROLES: frozenset[str] = frozenset(set(Role.values) - {Role.PARTNER})


class ProgrammeRole(models.TextChoices):
    """Programme-wide roles, held on the user (see `accounts.User`)."""

    PROGRAMME_ADMIN = "programme_admin", "Programme admin"
    REVIEWER = "reviewer", "Reviewer"


class Membership(OrganisationOwned):
    """A person's place in one organisation, with one role. Deactivated, never deleted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.TEAM_MEMBER)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="programmes_membership_one_per_person"
            )
        ]
        indexes = [models.Index(fields=["user", "is_active"], name="programmes_mem_user_active")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class RoleChange(OrganisationOwned):
    """The record of every change to a membership: who changed what, when."""

    class Kind(models.TextChoices):
        JOINED = "joined", "Joined"
        ROLE_CHANGED = "role_changed", "Role changed"
        DEACTIVATED = "deactivated", "Deactivated"
        REACTIVATED = "reactivated", "Reactivated"

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_role = models.CharField(max_length=30, choices=Role.choices, blank=True)
    to_role = models.CharField(max_length=30, choices=Role.choices, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.membership}"


class ProgrammeRoleChange(models.Model):
    """The record of every grant or removal of a programme-wide role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_role_changes"
    )
    role = models.CharField(max_length=30, choices=ProgrammeRole.choices)
    granted = models.BooleanField(help_text="True when the role was given, False when removed.")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        verb = "granted" if self.granted else "removed"
        return f"{self.get_role_display()} {verb}: {self.user}"


class Invitation(OrganisationOwned):
    """An emailed invitation to join an organisation with a role.

    The link carries a signed, expiring token of the invitation's id
    (`programmes.services.invitation_token`); nothing secret is stored.
    """

    email = models.EmailField()
    role = models.CharField(max_length=30, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
