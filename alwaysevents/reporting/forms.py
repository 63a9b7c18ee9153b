from __future__ import annotations

from typing import Any

from django import forms

from alwaysevents.form_messages import PlainForm, plain_messages
from alwaysevents.reporting.models import Channel, DigestFrequency, NotificationKind
from programmes import selectors
from programmes.models import AlwaysEvent, Cohort, Stage

HELP = {
    NotificationKind.MEASURE_DATA_DUE: "For team leads, when a measure's next figure is due.",
    NotificationKind.PDSA_OVERDUE: "For team leads, when a test of change has passed its date.",
    NotificationKind.PROGRESS_SCORE_STALE: "For team leads and sponsors.",
    NotificationKind.CHALLENGE_UNANSWERED: "For executive sponsors.",
    NotificationKind.CONSENT_REVIEW_DUE: "For organisation admins.",
    NotificationKind.PARTNER_RETENTION_PASSED: "For organisation admins.",
    NotificationKind.STAFF_DIGEST: "Successes of the teams you are in.",
    NotificationKind.MONTHLY_REPORT: "For executive sponsors.",
    NotificationKind.REPORT_ESCALATION: "For organisation admins.",
}


class NotificationPreferencesForm(PlainForm):
    """One choice of channel per kind, and how often the staff digest comes."""

    digest_frequency = forms.ChoiceField(
        label="How often should the staff digest come?", choices=DigestFrequency.choices
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        required = NotificationKind.cannot_be_turned_off()
        for kind in NotificationKind:
            choices, help_text = Channel.choices, HELP.get(kind, "")
            if kind in required:
                choices = [(v, label) for v, label in choices if v != Channel.NONE]
                help_text += " It cannot be turned off: choose how it reaches you."
            field = forms.ChoiceField(label=kind.label, choices=choices, help_text=help_text)
            # Added after PlainForm wrote its messages: in plain words here.
            field.error_messages.update(plain_messages(field, kind.value))
            self.fields[kind.value] = field
        # The digest frequency reads best after the digest's own channel.
        self.order_fields([*NotificationKind.values, "digest_frequency"])

    def channels(self) -> dict[str, str]:
        return {kind: self.cleaned_data[kind] for kind in NotificationKind.values}


class DashboardFilterForm(PlainForm):
    """The dashboard's filters (a GET form: every filter may be left at "Any")."""

    marks_optional = False  # no "(optional)" after each filter

    stage = forms.ChoiceField(
        label="Stage", choices=[("", "Any stage"), *Stage.choices], required=False
    )
    service = forms.ChoiceField(label="Service or team", required=False)
    cohort = forms.ModelChoiceField(
        label="Cohort",
        queryset=Cohort.objects.none(),
        required=False,
        empty_label="Any cohort",
    )

    def __init__(self, *args: Any, services: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service_field = self.fields["service"]
        assert isinstance(service_field, forms.ChoiceField)  # noqa: S101 - narrows the type
        service_field.choices = [("", "Any service or team")] + [(s, s) for s in services]
        cohort_field = self.fields["cohort"]
        assert isinstance(cohort_field, forms.ModelChoiceField)  # noqa: S101
        cohort_field.queryset = selectors.cohort_list().order_by("name")


class DashboardCommentForm(PlainForm):
    """A comment on an event's timeline from its card on the dashboard (posted to
    `DashboardCommentView`, which checks it with programmes' `CommentForm`). A page holds one
    per card, so its ids and its label name the event."""

    text = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="It goes on the event's timeline, where the team sees it.",
    )

    def __init__(self, *args: Any, event: AlwaysEvent | None = None, **kwargs: Any) -> None:
        if event is not None:
            kwargs.setdefault("auto_id", f"comment-{event.pk}-%s")
        super().__init__(*args, **kwargs)
        if event is not None:
            self.fields["text"].label = f"Your comment on {event.title}"
