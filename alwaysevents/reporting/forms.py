from __future__ import annotations

from typing import Any

from django import forms

from alwaysevents.reporting.models import Channel, DigestFrequency, NotificationKind

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


class NotificationPreferencesForm(forms.Form):
    """One choice of channel per kind, and how often the staff digest comes."""

    digest_frequency = forms.ChoiceField(
        label="How often should the staff digest come?", choices=DigestFrequency.choices
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Channel.choices, help_text=HELP.get(kind, "")
            )
        # The digest frequency reads best after the digest's own channel.
        self.order_fields([*NotificationKind.values, "digest_frequency"])

    def channels(self) -> dict[str, str]:
        return {kind: self.cleaned_data[kind] for kind in NotificationKind.values}
