"""Forms of the co-production pages: small forms, each calling one service."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.html import format_html

from alwaysevents.date_widget import DatePartsField
from alwaysevents.form_messages import PlainForm
from alwaysevents.validators import column_decimal_field
from coproduction.models import (
    AccessNeed,
    Claim,
    Consent,
    Insight,
    InvolvementActivity,
    Partner,
    PaymentRate,
    PaymentSettings,
)
from coproduction.selectors.partners import PartnerRow
from programmes.models import MAIN_PATH, Stage

# The ladder of co-production (Think Local Act Personal), each rung in plain words.
RUNG_EXPLANATIONS = {
    1: "Coercion: people attend, but have no say in what happens.",
    2: "Educating: people are helped to understand the service as it is.",
    3: "Informing: people are told what is happening and why.",
    4: "Consultation: people are asked for their views, but may not hear what was done with them.",
    5: "Engagement: people have more say, but staff still decide.",
    6: "Co-design: partners and staff design the change together, as equals.",
    7: "Co-production: partners and staff share power throughout, from planning to delivery.",
}


def access_flagged(name: str, has_access_needs: bool) -> str:
    """A partner's name for a checkbox label, with the access-needs tag when they have any."""
    if not has_access_needs:
        return name
    return format_html(
        '{} <strong class="nhsuk-tag nhsuk-tag--yellow">Access needs</strong>',
        name,
    )


class PartnerForm(PlainForm):
    display_name = forms.CharField(
        label="Name they want to be known by", max_length=120, help_text="Fictional in demos."
    )
    relationship = forms.ChoiceField(
        label="How they are connected to the service", choices=Partner.Relationship.choices
    )
    contact_preference = forms.ChoiceField(
        label="How they prefer to be contacted", choices=Partner.ContactPreference.choices
    )
    email = forms.CharField(label="Email", max_length=254, required=False)
    phone = forms.CharField(label="Phone", max_length=40, required=False)
    access_needs = forms.MultipleChoiceField(
        label="Communication and access needs",
        choices=AccessNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    access_needs_other = forms.CharField(label="Other access needs", max_length=300, required=False)
    payment_preference = forms.ChoiceField(
        label="Payment preference", choices=Partner.PaymentPreference.choices
    )
    recruitment_source = forms.ChoiceField(
        label="How they came to the team", choices=Partner.RecruitmentSource.choices
    )
    role = forms.CharField(
        label="Their role in this Always Event",
        max_length=120,
        required=False,
        help_text="A few words, for example: co-design group.",
    )


class InsightForm(PlainForm):
    source = forms.ChoiceField(choices=Insight.Source.choices)
    gathered_on = DatePartsField(label="Date heard")
    theme = forms.CharField(max_length=120, help_text="A few words, for example: knowing the plan.")
    quote = forms.CharField(
        label="What was said (anonymised)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="No names, NHS numbers or clinical details.",
    )


class ActivityForm(PlainForm):
    title = forms.CharField(max_length=200)
    type = forms.ChoiceField(label="Kind of activity", choices=InvolvementActivity.Type.choices)
    held_on = DatePartsField(label="Date")
    stage = forms.ChoiceField(
        label="Stage of the Always Event",
        choices=[(stage, Stage(stage).label) for stage in MAIN_PATH],
    )
    rung = forms.TypedChoiceField(
        label="Rung of the ladder of co-production",
        coerce=int,
        choices=[
            (rung, f"{rung}. {explanation}") for rung, explanation in RUNG_EXPLANATIONS.items()
        ],
        widget=forms.RadioSelect,
        help_text="Judge it together with the partners who took part.",
    )
    hours = column_decimal_field(InvolvementActivity, "hours", min_value=0, max_value=999)
    staff = forms.TypedMultipleChoiceField(
        label="Staff attending",
        coerce=int,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    partners = forms.TypedMultipleChoiceField(
        label="Partners attending",
        coerce=int,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    decisions_influenced = forms.CharField(
        label="Decisions partners influenced",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    partner_feedback = forms.CharField(
        label="Partner feedback", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(
        self,
        *args: Any,
        members: Iterable[tuple[int, str]] = (),
        partners: Iterable[PartnerRow] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = list(members)  # type: ignore[attr-defined]
        self.fields["partners"].choices = [  # type: ignore[attr-defined]
            (row.partner_id, access_flagged(row.name, row.has_access_needs)) for row in partners
        ]


class ConsentForm(PlainForm):
    purpose = forms.ChoiceField(label="What they consent to", choices=Consent.Purpose.choices)
    wording_version = forms.CharField(
        label="Version of the consent wording",
        max_length=40,
        help_text="As printed on the form they agreed to, for example: v2.",
    )


class WithdrawForm(PlainForm):
    consent = forms.IntegerField(widget=forms.HiddenInput)


class AnonymiseForm(PlainForm):
    confirm = forms.BooleanField(
        label="I understand their name and contact details will be removed for good",
        error_messages={"required": "Tick the box to confirm you want to anonymise them."},
    )


class SignOffForm(PlainForm):
    signed_on = DatePartsField(label="Date they signed it off")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].initial = timezone.localdate()


# --- payments -----------------------------------------------------------------------------------

RECEIPT_ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


class PaymentRateForm(PlainForm):
    level = forms.CharField(
        label="Level of involvement",
        max_length=60,
        help_text="A few words, for example: attendance, half day, full day.",
    )
    amount = column_decimal_field(PaymentRate, "amount", label="Amount (£)", min_value=0)
    effective_from = DatePartsField(
        label="From",
        help_text="The rate applies from this date; an earlier rate for the level stops then.",
        error_messages={"required": "Enter the date the rate applies from"},
    )


class PaymentSettingsForm(PlainForm):
    team_lead_approval_limit = column_decimal_field(
        PaymentSettings,
        "team_lead_approval_limit",
        label="Team leads may approve claims up to (£)",
        min_value=0,
        error_messages={
            "min_value": "The limit must be £0 or more",
            "invalid": "Enter the limit in pounds, like 75 or 75.50",
            "required": "Enter the limit in pounds (£0 means only the admin approves claims)",
        },
        help_text="Claims above this need the organisation admin. £0 means only the admin.",
    )


class ClaimForm(PlainForm):
    partner = forms.TypedChoiceField(label="Partner", coerce=int, choices=[])
    kind = forms.ChoiceField(label="What the claim is for", choices=[("", "Choose one")])
    amount = column_decimal_field(Claim, "amount", label="Amount (£)", min_value=Decimal("0.01"))
    activity = forms.TypedChoiceField(
        label="Activity it is for",
        coerce=int,
        empty_value=None,
        choices=[],
        required=False,
    )
    description = forms.CharField(
        label="Details",
        max_length=300,
        required=False,
        help_text="For example: bus fare to and from the workshop.",
    )
    receipt = forms.FileField(
        label="Receipt",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": RECEIPT_ACCEPT}),
        help_text="A PDF, PNG or JPEG file of up to 10 MB. A photo or scan is fine.",
    )

    def __init__(
        self,
        *args: Any,
        partners: Iterable[PartnerRow] = (),
        activities: Iterable[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", "Choose a partner")] + [  # type: ignore[attr-defined]
            (row.partner_id, row.name) for row in partners
        ]
        self.fields["kind"].choices = [("", "Choose one"), *Claim.Kind.choices]  # type: ignore[attr-defined]
        self.fields["activity"].choices = [("", "None"), *activities]  # type: ignore[attr-defined]


class EditClaimForm(PlainForm):
    """Correct a draft: what it is for, the amount and the details."""

    kind = forms.ChoiceField(label="What the claim is for", choices=Claim.Kind.choices)
    amount = column_decimal_field(Claim, "amount", label="Amount (£)", min_value=Decimal("0.01"))
    description = forms.CharField(label="Details", max_length=300, required=False)


class ReceiptForm(PlainForm):
    receipt = forms.FileField(
        label="Receipt",
        widget=forms.ClearableFileInput(attrs={"accept": RECEIPT_ACCEPT}),
        help_text="A PDF, PNG or JPEG file of up to 10 MB. A photo or scan is fine.",
        error_messages={"required": "Choose the receipt's file."},
    )


class SubmitClaimForm(PlainForm):
    """No fields: the button is the confirmation."""


class DecideClaimForm(PlainForm):
    """Approve, or mark paid; with the benefits-advice confirmation when it is still needed."""

    def __init__(self, *args: Any, notice_for: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if notice_for:
            self.fields["benefits_notice_confirmed"] = forms.BooleanField(
                label=f"{notice_for} has been given the benefits-advice notice above",
                error_messages={
                    "required": "Tick to confirm they have been given the benefits-advice "
                    "notice before their first payment."
                },
            )


class RejectClaimForm(PlainForm):
    reason = forms.CharField(
        label="Why it is rejected",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        help_text="The team lead and the partner will want to know, so say it plainly.",
        error_messages={"required": "Say why the claim is rejected."},
    )
