from __future__ import annotations

from typing import Any

from django import forms

from programmes.models import Cohort, Organisation, ProgrammeRole, Role


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "starts_on", "ends_on", "description"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
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


class OrganisationCreateForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "slug", "ods_code", "type", "region", "cohort"]
        labels = {"slug": "Short name for addresses", "type": "Type of organisation"}
        help_texts = {"slug": "Lower-case letters, digits and hyphens, e.g. northfield."}

    def clean_ods_code(self) -> str | None:
        value = (self.cleaned_data.get("ods_code") or "").strip().upper()
        return value or None


class OrganisationUpdateForm(OrganisationCreateForm):
    class Meta(OrganisationCreateForm.Meta):
        fields = ["name", "ods_code", "type", "region", "cohort", "is_active"]
        labels = {**OrganisationCreateForm.Meta.labels, "is_active": "Taking part"}


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.TEAM_MEMBER)


class OrganisationAdminInvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email address of the organisation admin",
        help_text="They will be able to invite everyone else in their organisation.",
    )


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class ProgrammeRoleForm(forms.Form):
    email = forms.EmailField(
        label="Email address", help_text="The person must already have an account."
    )
    role = forms.ChoiceField(choices=ProgrammeRole.choices)
