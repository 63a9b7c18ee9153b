from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest

from alwaysevents.form_messages import PlainForm


class SignupForm(PlainForm):
    """Extra fields of allauth's sign-up form: people are shown by name, not email address."""

    full_name = forms.CharField(
        label="Your full name",
        max_length=150,
        help_text="As your colleagues know you, for example Priya Shah.",
    )

    def signup(self, request: HttpRequest, user: Any) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        user.save(update_fields=["full_name"])
