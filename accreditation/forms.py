"""Forms of the team's accreditation pages: small forms, each calling one service."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from accreditation.models import Criterion
from accreditation.selectors import RecordOption
from accreditation.services.submissions import ACCEPTED_EXTENSIONS
from alwaysevents.form_messages import PlainForm


def _criterion_choices(criteria: Iterable[Criterion]) -> list[tuple[str, str]]:
    return [("", "The submission as a whole")] + [
        (str(c.pk), f"{c.code} {c.title}") for c in criteria
    ]


class _CriterionChoice(PlainForm):
    criterion = forms.ChoiceField(label="Which criterion it supports", required=False)

    def __init__(self, *args: Any, criteria: Iterable[Criterion] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = {str(c.pk): c for c in criteria}
        self.fields["criterion"].choices = _criterion_choices(  # type: ignore[attr-defined]
            self.criteria.values()
        )

    def chosen_criterion(self) -> Criterion | None:
        return self.criteria.get(self.cleaned_data.get("criterion") or "")


class EmptyForm(PlainForm):
    """A button that needs no input (start, send for sign-off, attest, reopen)."""


class ReasonForm(PlainForm):
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EvidenceFileForm(_CriterionChoice):
    title = forms.CharField(
        label="What this evidence shows",
        max_length=200,
        help_text="For example: our case study, the huddle script, minutes of the group.",
    )
    file = forms.FileField(
        label="File",
        help_text="PDF, an image (PNG, JPEG, GIF) or an office document; 20 MB at most.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
    )

    field_order = ["title", "criterion", "file"]


class EvidenceRecordForm(_CriterionChoice):
    record = forms.ChoiceField(label="Record in the app")
    title = forms.CharField(
        label="What it shows",
        help_text="If you leave this empty, the record's own name is used.",
        max_length=200,
        required=False,
    )

    field_order = ["record", "criterion", "title"]

    def __init__(self, *args: Any, records: Iterable[RecordOption] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.records = {o.value: o for o in records}
        self.fields["record"].choices = [  # type: ignore[attr-defined]
            (o.value, o.label) for o in self.records.values()
        ]

    def chosen_record(self) -> RecordOption:
        return self.records[self.cleaned_data["record"]]


class EvidenceRemoveForm(PlainForm):
    evidence = forms.IntegerField(widget=forms.HiddenInput)


class SelfAssessmentForm(PlainForm):
    """One text box per criterion of the submission's version."""

    def __init__(self, *args: Any, criteria: Iterable[Criterion] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"c{c.pk}"] = forms.CharField(
                label=f"{c.code} {c.title}",
                required=False,
                max_length=10_000,
                help_text=c.guidance,
                widget=forms.Textarea(attrs={"rows": 5}),
                error_messages={
                    "max_length": f"The self-assessment of {c.code} must be %(limit_value)d "
                    "characters or fewer (you entered %(show_value)d)"
                },
            )

    def texts(self) -> list[tuple[Criterion, str]]:
        return [(c, self.cleaned_data.get(f"c{c.pk}", "")) for c in self.criteria]


# --- programme admins: criteria versions ----------------------------------------------------------


class CriteriaVersionForm(PlainForm):
    title = forms.CharField(label="Title", max_length=200)
    validity_months = forms.IntegerField(
        label="Accreditation lasts (months)",
        min_value=1,
        max_value=120,
        initial=36,
        help_text="After this, an accreditation lapses unless renewed with recent data.",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
    )
    notes = forms.CharField(
        label="What changed from the previous version",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CriteriaVersionCreateForm(CriteriaVersionForm):
    copy_current = forms.BooleanField(
        label="Start from the criteria of the current published version",
        required=False,
        initial=True,
    )


class CriterionForm(PlainForm):
    code = forms.CharField(
        label="Code",
        max_length=10,
        help_text="For example: C10.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5"}),
    )
    title = forms.CharField(label="Title", max_length=200)
    guidance = forms.CharField(
        label="Guidance", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence_expected = forms.CharField(
        label="Evidence expected", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    check_key = forms.ChoiceField(
        label="Automatic check", choices=Criterion.Check.choices, required=False
    )
    thresholds = forms.JSONField(
        label="Thresholds",
        required=False,
        initial=dict,
        help_text='Named settings of the check, for example {"minimum_pdsa_cycles": 3}.',
        widget=forms.Textarea(attrs={"rows": 2, "class": "ae-code"}),
    )

    def clean_thresholds(self) -> Any:
        value = self.cleaned_data.get("thresholds")
        return {} if value in (None, "") else value
