from __future__ import annotations

from typing import Any

from django import forms

from alwaysevents.form_messages import PlainForm
from programmes.models import Organisation

EXPIRY_CHOICES = [(30, "30 days"), (90, "90 days"), (180, "6 months"), (365, "1 year")]


class ApiTokenForm(PlainForm):
    name = forms.CharField(
        max_length=100, help_text="What will use it, for example: Power BI refresh, survey tool."
    )
    expires_in_days = forms.TypedChoiceField(
        label="Expires after", choices=EXPIRY_CHOICES, coerce=int, initial=90
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="All my organisations",
        label="Organisation it can reach",
    )
    read_only = forms.BooleanField(
        required=False,
        label="Read-only",
        help_text="It can read data and analysis but never send or change anything.",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            membership__user=user, membership__is_active=True, is_active=True
        ).order_by("name")
