"""Forms of the partner pages: few fields, plain labels, one thing each."""

from __future__ import annotations

from django import forms

from alwaysevents.form_messages import PlainForm
from coproduction.models import AccessNeed, Partner


class OwnDetailsForm(PlainForm):
    contact_preference = forms.ChoiceField(
        label="How would you like the team to contact you?",
        choices=Partner.ContactPreference.choices,
        widget=forms.RadioSelect,
    )
    access_needs = forms.MultipleChoiceField(
        label="Is there anything that would help you take part?",
        choices=AccessNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick any that apply. The team will plan for them.",
    )
    access_needs_other = forms.CharField(
        label="Anything else we should know",
        max_length=300,
        required=False,
        help_text="For example: I need breaks every hour.",
    )


class WithdrawOwnConsentForm(PlainForm):
    consent = forms.IntegerField(widget=forms.HiddenInput)


class SignOffOwnForm(PlainForm):
    agree = forms.BooleanField(
        label="I agree: this statement says what matters to me",
        error_messages={"required": "Tick the box if you agree with the statement."},
    )


class FeedbackForm(PlainForm):
    attendance = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label="Your feedback",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What went well, and what could be better? Please do not include anyone's "
        "name or health details.",
    )


class SuggestionForm(PlainForm):
    text = forms.CharField(
        label="Tell the team in your own words",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Anything about this work, or how the team works with you. They read "
        "everything you send. Please do not include anyone's name or health details.",
        error_messages={
            "required": "Write what you would change in the box.",
            "max_length": "Keep what you would change to %(limit_value)d characters or fewer.",
        },
    )
