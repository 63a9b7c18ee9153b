from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from typing import Any

from django import forms

from alwaysevents.date_widget import DatePartsField
from alwaysevents.form_messages import PlainForm, PlainModelForm
from alwaysevents.tenancy.forms import ScopedForm, ScopedModelForm
from alwaysevents.validators import ColumnDecimalField, column_decimal_field
from programmes.models import (
    AlwaysEvent,
    Challenge,
    Cohort,
    Cost,
    Criterion,
    Impact,
    Organisation,
    ProgrammeRole,
    ProgressScore,
    Role,
    StaffRate,
    Stage,
    SustainPlan,
    TeamMember,
    TimeEntry,
)
from programmes.services.lifecycle import (
    CLOSED_REASON,
    OVERRIDE,
    REASON,
    move_needs,
    move_words,
)


class CohortForm(PlainModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "starts_on", "ends_on", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"starts_on": DatePartsField, "ends_on": DatePartsField}
        labels = {"starts_on": "Starts on", "ends_on": "Ends on"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The cohort cannot end before it starts.")
        return data

    def validate_constraints(self, exclude: Any = None) -> None:
        # The same rule is checked in clean() with a plainer message.
        pass


def _timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class OrganisationCreateForm(PlainModelForm):
    timezone = forms.ChoiceField(
        label="Timezone",
        choices=_timezone_choices,
        initial="Europe/London",
        help_text=Organisation._meta.get_field("timezone").help_text,
    )

    class Meta:
        model = Organisation
        fields = ["name", "slug", "ods_code", "type", "region", "cohort", "timezone"]
        labels = {"slug": "Short name for addresses", "type": "Type of organisation"}
        help_texts = {"slug": "Lower-case letters, digits and hyphens, e.g. northfield."}

    def clean_ods_code(self) -> str | None:
        value = (self.cleaned_data.get("ods_code") or "").strip().upper()
        return value or None


class OrganisationUpdateForm(OrganisationCreateForm):
    class Meta(OrganisationCreateForm.Meta):
        fields = ["name", "ods_code", "type", "region", "cohort", "timezone", "is_active"]
        labels = {**OrganisationCreateForm.Meta.labels, "is_active": "Taking part"}


# Staff roles only: partners are invited from their partner record, never given a staff role.
STAFF_ROLE_CHOICES = [(value, label) for value, label in Role.choices if value != Role.PARTNER]


class InvitationForm(PlainForm):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES, initial=Role.TEAM_MEMBER)


class OrganisationAdminInvitationForm(PlainForm):
    email = forms.EmailField(
        label="Email address of the organisation admin",
        help_text="They will be able to invite everyone else in their organisation.",
    )


class MembershipRoleForm(PlainForm):
    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES)


class ProgrammeRoleForm(PlainForm):
    email = forms.EmailField(
        label="Email address", help_text="The person must already have an account."
    )
    role = forms.ChoiceField(choices=ProgrammeRole.choices)


# --- Always Events ------------------------------------------------------------------------------


def _people() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.none()


class EventFilterForm(PlainForm):
    marks_optional = False  # filters: every one is optional, none says so
    stage = forms.ChoiceField(choices=[("", "Any stage"), *Stage.choices], required=False)
    service = forms.ChoiceField(label="Service or team", required=False)
    sponsor = forms.ModelChoiceField(
        label="Executive sponsor", queryset=_people(), required=False, empty_label="Any sponsor"
    )

    def __init__(self, *args: Any, organisation: Any, services: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from alwaysevents.tenancy.forms import narrow_choices

        narrow_choices(self.fields, organisation)
        service_field = self.fields["service"]
        assert isinstance(service_field, forms.ChoiceField)  # noqa: S101 - narrows the type
        service_field.choices = [("", "Any service or team")] + [(s, s) for s in services]


EVENT_DETAIL_FIELDS = [
    "title",
    "service",
    "focus_population",
    "setting",
    "position",
    "qi_strategy_theme",
    "qi_support_contact",
    "oversight_group",
    "staff_engagement",
    "cohort",
]


class EventForm(ScopedModelForm):
    class Meta:
        model = AlwaysEvent
        fields = EVENT_DETAIL_FIELDS
        widgets = {"staff_engagement": forms.Textarea(attrs={"rows": 4})}


class EventCreateForm(ScopedModelForm):
    class Meta:
        model = AlwaysEvent
        fields = [
            "title",
            "service",
            "focus_population",
            "setting",
            "team_lead",
            "executive_sponsor",
        ]
        help_texts = {"title": 'A short name, for example "Plan for the day".'}


class LeadershipForm(ScopedModelForm):
    class Meta:
        model = AlwaysEvent
        fields = ["team_lead", "executive_sponsor"]


class TeamMemberForm(ScopedForm):
    user = forms.ModelChoiceField(label="Person", queryset=_people())
    protected_hours_per_week = column_decimal_field(
        TeamMember,
        "protected_hours_per_week",
        label="Protected time agreed (hours a week)",
        min_value=0,
        max_value=40,
    )
    band = forms.ChoiceField(
        label="Pay band",
        choices=TeamMember.Band.choices,
        initial=TeamMember.Band.OTHER,
        help_text="Used to estimate the cost of staff time.",
    )
    role_in_team = forms.CharField(label="Role in the team", required=False, max_length=120)


class StageSelect(forms.Select):
    """The stage to move to. Each option says which questions its move asks (`data-needs`), so
    static/js/stage-questions.mjs shows only those when the choice changes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs: dict[str, frozenset[str]] = {}

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        needs = self.needs.get(str(option["value"]))
        if needs is not None:
            option["attrs"]["data-needs"] = " ".join(sorted(needs))
        return option


class StageForm(PlainForm):
    """Move the event to another stage, answering only what the chosen move asks
    (`lifecycle.move_needs`): the answers a move does not ask for are ignored."""

    to_stage = forms.ChoiceField(
        label="Move to",
        widget=StageSelect(attrs={"data-stage-move": ""}),
        error_messages={
            "required": "Select the stage to move to",
            "invalid_choice": "Select one of the stages offered",
        },
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept on the timeline with the move.",
    )
    closed_reason = forms.ChoiceField(
        label="Why is it closing?",
        required=False,
        choices=[("", "Choose one"), *AlwaysEvent.ClosedReason.choices],
    )
    override = forms.BooleanField(
        label="Move on anyway: I have given the reason above", required=False
    )

    def __init__(
        self,
        *args: Any,
        moves: list[str],
        from_stage: str,
        unmet: Sequence[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.from_stage = from_stage
        self.unmet = list(unmet)
        #: The questions each move offered asks (the rest are ignored).
        self.needs = {
            move: move_needs(from_stage=from_stage, to_stage=move, ready=not self.unmet)
            for move in moves
        }
        to_stage = self.fields["to_stage"]
        assert isinstance(to_stage, forms.ChoiceField)  # noqa: S101 - narrows the type
        to_stage.choices = [(s, Stage(s).label) for s in moves]
        assert isinstance(to_stage.widget, StageSelect)  # noqa: S101 - narrows the type
        to_stage.widget.needs = self.needs

    def needs_for(self, to_stage: str | None) -> frozenset[str]:
        return self.needs.get(to_stage or "", frozenset())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        to_stage = data.get("to_stage")
        if not to_stage:
            return data
        needs = self.needs_for(to_stage)
        target = Stage(to_stage).label
        if OVERRIDE in needs and not data.get(OVERRIDE):
            self.add_error(
                OVERRIDE,
                f"Not ready for {target} yet. Still to do: {'; '.join(self.unmet)}. To move on "
                "anyway, give the reason and tick “Move on anyway”.",
            )
        if REASON in needs and not data.get(REASON, "").strip():
            words = move_words(from_stage=self.from_stage, to_stage=to_stage)
            self.add_error(REASON, f"Say why you are {words}.")
        if CLOSED_REASON in needs and not data.get(CLOSED_REASON):
            self.add_error(CLOSED_REASON, "Choose why it is closing: completed, stopped or merged.")
        for name, nothing in ((REASON, ""), (OVERRIDE, False), (CLOSED_REASON, "")):
            if name not in needs and name in data:
                data[name] = nothing
        return data


class VisionForm(PlainModelForm):
    class Meta:
        model = AlwaysEvent
        fields = ["vision_statement"]
        widgets = {"vision_statement": forms.Textarea(attrs={"rows": 3})}


class SignOffForm(PlainForm):
    signed_by_name = forms.CharField(label="Partner's name, as they want it shown", max_length=150)
    signed_on = DatePartsField(
        label="Signed off on",
        error_messages={
            "required": "Enter the date the partner signed it off",
            "invalid": "The sign-off date must be a real date, "
            "with the day, month and year as numbers, like 27 3 2026",
        },
    )


class AimForm(PlainModelForm):
    class Meta:
        model = AlwaysEvent
        fields = [
            "aim_population",
            "aim_measure",
            "aim_target_percent",
            "aim_deadline",
            "aim_review_frequency",
        ]
        field_classes = {
            "aim_target_percent": ColumnDecimalField,
            "aim_deadline": DatePartsField,
        }
        error_messages = {
            "aim_target_percent": {"invalid": "The target must be a number, like 90 or 92.5"},
            "aim_deadline": {
                "invalid": "The date must be a real date, "
                "with the day, month and year as numbers, like 27 3 2026"
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["aim_target_percent"].widget.attrs["class"] = "nhsuk-input--width-4"


class CriterionForm(PlainForm):
    """One of the four criteria; which one is in the page's address (`kind`), and the box to
    tick names it."""

    confirmed = forms.BooleanField(label="We confirm this", required=False)
    evidence = forms.CharField(
        label="What shows it", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind in Criterion.Kind.values:
            label = Criterion.Kind(kind).label.lower()
            self.fields["confirmed"].label = f"We confirm the Always Event is {label}"


class ScoreForm(PlainForm):
    score = forms.ChoiceField(label="Progress score", choices=ProgressScore.Score.choices)
    reason = forms.CharField(
        label="Why this score?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What has happened since the last score. The same score again records a review.",
    )


class TimeEntryForm(ScopedForm):
    person = forms.ModelChoiceField(queryset=_people())
    week_starting = DatePartsField(
        label="Week",
        error_messages={
            "required": "Enter a day in the week",
            "invalid": "The week must be a real date, "
            "with the day, month and year as numbers, like 27 3 2026",
        },
        help_text="Any day in the week: it is recorded against its Monday.",
    )
    hours = column_decimal_field(TimeEntry, "hours", min_value=0, max_value=80)
    note = forms.CharField(required=False, max_length=300)


class ChallengeForm(PlainForm):
    kind = forms.ChoiceField(
        label="Is it a challenge or something that helped?",
        choices=Challenge.Kind.choices,
        error_messages={"required": "Select whether it is a challenge or something that helped"},
    )
    area = forms.ChoiceField(choices=Challenge.Area.choices)
    text = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 3}))
    noted_on = DatePartsField(label="Date")
    help_needed = forms.ChoiceField(
        label="Who can help?", choices=Challenge.Help.choices, required=False
    )


class ImpactForm(PlainForm):
    kind = forms.ChoiceField(choices=Impact.Kind.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    unintended = forms.BooleanField(label="We did not plan for this (unintended)", required=False)
    money_estimate = column_decimal_field(
        Impact, "money_estimate", label="Money saved a year (£)", required=False, min_value=0
    )
    hours_estimate = column_decimal_field(
        Impact, "hours_estimate", label="Hours saved a year", required=False, min_value=0
    )
    basis = forms.CharField(
        label="Basis of the estimate",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="How you worked the figure out, so others can check it.",
    )
    noted_on = DatePartsField(label="Date")


class CostForm(PlainForm):
    description = forms.CharField(label="What it was for", max_length=300)
    amount = column_decimal_field(Cost, "amount", label="Amount (£)", min_value=0)
    incurred_on = DatePartsField(label="Date")


class SustainPlanForm(ScopedModelForm):
    class Meta:
        model = SustainPlan
        fields = [
            "owner",
            "monitoring_frequency",
            "standard_work",
            "training",
            "spread_targets",
            "review_date",
        ]
        field_classes = {"review_date": DatePartsField}
        widgets = {
            "standard_work": forms.Textarea(attrs={"rows": 3}),
            "training": forms.Textarea(attrs={"rows": 2}),
            "spread_targets": forms.Textarea(attrs={"rows": 2}),
        }


class SpreadForm(PlainForm):
    title = forms.CharField(label="Title of the new team's Always Event", max_length=200)
    service = forms.CharField(label="Service or team it spreads to", max_length=200)


class CommentForm(PlainForm):
    text = forms.CharField(
        label="Add a comment",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write a comment first"},
    )


class StaffRateForm(PlainForm):
    band = forms.ChoiceField(label="Pay band", choices=TeamMember.Band.choices)
    hourly_rate = column_decimal_field(
        StaffRate, "hourly_rate", label="Hourly cost (£)", min_value=0
    )
    effective_from = DatePartsField(
        label="From",
        error_messages={
            "required": "Enter the date the rate applies from",
            "invalid": "The date the rate applies from must be a real date, "
            "with the day, month and year as numbers, like 27 3 2026",
        },
    )
