"""Forms of the review side: declarations, scores, requests, assignment and the decision."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model

from accreditation.models import Criterion, Decision, Judgement, Submission

JUDGEMENT_CHOICES = list(Judgement.choices)
RECOMMENDATION_CHOICES = [
    (Submission.State.ACCREDITED, "Accredited"),
    (Submission.State.NOT_YET_ACCREDITED, "Not yet accredited"),
]


class CriterionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.title}"


class ReviewerChoiceField(forms.ModelChoiceField):
    """Reviewers, each labelled with their conflict and workload (set by the form)."""

    labels: dict[int, str]

    def label_from_instance(self, obj: Any) -> str:
        return getattr(self, "labels", {}).get(obj.pk, str(obj))


class ConflictDeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label="Do you have a conflict of interest with this submission?",
        choices=[
            ("no", "No: I have no conflict of interest"),
            ("yes", "Yes: I have a conflict of interest"),
        ],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        help_text=(
            "For example: you work, or worked recently, for the organisation; you know the "
            "team personally; you advised them on this Always Event."
        ),
    )
    conflict_details = forms.CharField(
        label="What is the conflict? (only if you have one)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CriteriaJudgementForm(forms.Form):
    """One radio group and one comment box per criterion (`judgement_<pk>`, `<text>_<pk>`)."""

    text_field = "comment"
    text_label = "Comment"
    judgement_required = False

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"judgement_{criterion.pk}"] = forms.ChoiceField(
                label=f"{criterion.code} {criterion.title}",
                choices=JUDGEMENT_CHOICES,
                widget=forms.RadioSelect,
                required=self.judgement_required,
            )
            self.fields[f"{self.text_field}_{criterion.pk}"] = forms.CharField(
                label=f"{self.text_label} on {criterion.code}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def judgements(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            c.pk: (data.get(f"judgement_{c.pk}") or "", data.get(f"{self.text_field}_{c.pk}", ""))
            for c in self.criteria
        }

    def rows(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        return [
            (c, self[f"judgement_{c.pk}"], self[f"{self.text_field}_{c.pk}"]) for c in self.criteria
        ]


class ReviewForm(CriteriaJudgementForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    overall_comment = forms.CharField(
        label="Overall comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    recommendation = forms.ChoiceField(
        label="Your recommendation",
        choices=RECOMMENDATION_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )


class DecisionForm(CriteriaJudgementForm):
    text_field = "feedback"
    text_label = "Feedback to the team"
    judgement_required = True

    outcome = forms.ChoiceField(
        label="Your decision", choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label="Overall feedback to the team",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class InformationRequestForm(forms.Form):
    question = forms.CharField(
        label="Your question for the team",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The review waits, and its deadline pauses, until the team answers.",
    )
    criterion = CriterionChoiceField(
        label="About criterion (optional)",
        queryset=Criterion.objects.none(),
        required=False,
        empty_label="The whole submission",
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["criterion"])
        field.queryset = Criterion.objects.filter(pk__in=[c.pk for c in criteria])


class InformationAnswerForm(forms.Form):
    request = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 3}))


class AssignReviewerForm(forms.Form):
    reviewer = ReviewerChoiceField(
        label="Reviewer", queryset=get_user_model().objects.none(), empty_label="Choose…"
    )
    lived_experience = forms.BooleanField(
        label="This reviewer brings lived experience (as a patient, carer or family member)",
        required=False,
    )

    def __init__(self, *args: Any, options: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {}
        for option in options:
            note = []
            if option.conflict:
                note.append("conflict of interest")
            note.append(f"{option.active_reviews} review(s) in hand")
            labels[option.user.pk] = f"{option.user.display_name} ({'; '.join(note)})"
        field = cast(ReviewerChoiceField, self.fields["reviewer"])
        field.queryset = get_user_model().objects.filter(pk__in=list(labels))
        field.labels = labels


class ReleaseReviewerForm(forms.Form):
    assignment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Why release this reviewer?", max_length=300)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="What is missing?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The team reads this, completes the submission and sends it again.",
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="Verification code",
        max_length=30,
        help_text="As printed on the certificate, for example K7QPM-3MZTW-9XRAB.",
    )
