"""Forms of the review side: declarations, scores, requests, assignment and the decision."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model

from accreditation.models import Criterion, Decision, Judgement, Submission
from alwaysevents.form_messages import PlainForm

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


class ConflictDeclarationForm(PlainForm):
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
        label="If you have a conflict, what is it?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CriteriaJudgementForm(PlainForm):
    """One radio group and one comment box per criterion (`judgement_<pk>`, `<text>_<pk>`)."""

    text_field = "comment"
    text_label = "Comment"
    judgement_label = "Judgement for"
    #: What a missing judgement says; "{code}" is the criterion's code.
    judgement_missing = "Choose met, partly met or not met for {code}"

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            missing = self.judgement_missing.format(code=criterion.code)
            self.fields[f"judgement_{criterion.pk}"] = forms.ChoiceField(
                label=f"{self.judgement_label} {criterion.code}",
                choices=JUDGEMENT_CHOICES,
                widget=forms.RadioSelect,
                error_messages={
                    "required": missing,
                    "invalid_choice": f"Choose met, partly met or not met for {criterion.code}",
                },
            )
            self.fields[f"{self.text_field}_{criterion.pk}"] = forms.CharField(
                label=f"{self.text_label} on {criterion.code}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        # The criteria come first, as on the page, so the error summary lists them in its order.
        self.order_fields(
            [f"{prefix}_{c.pk}" for c in criteria for prefix in ("judgement", self.text_field)]
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
    """A reviewer's scores. Every score and the recommendation are needed to submit the review
    (so the page does not call them optional), not to save it for later. When submitting, each
    problem the review service would refuse is put on its own field, so the error summary at the
    top of this long page links straight to it."""

    judgement_label = "Your score for"
    judgement_missing = "Score {code} before you submit: choose met, partly met or not met"

    version = forms.IntegerField(widget=forms.HiddenInput)
    overall_comment = forms.CharField(
        label="Overall comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    recommendation = forms.ChoiceField(
        label="Your recommendation",
        choices=RECOMMENDATION_CHOICES,
        widget=forms.RadioSelect(attrs={"inline": True}),
        error_messages={
            "required": "Recommend accredited or not yet accredited before you submit",
            "invalid_choice": "Recommend accredited or not yet accredited",
        },
    )

    def __init__(
        self, *args: Any, criteria: list[Criterion], submitting: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, criteria=criteria, **kwargs)
        self.submitting = submitting

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.submitting:  # saved to come back to: nothing needs an answer yet
            names = [f"judgement_{c.pk}" for c in self.criteria] + ["recommendation"]
            for name in names:
                errors = self.errors.get(name)
                if errors and all(e.code == "required" for e in errors.as_data()):
                    del self.errors[name]
                    data[name] = ""
        for criterion in self.criteria:
            judgement_name = f"judgement_{criterion.pk}"
            comment_name = f"{self.text_field}_{criterion.pk}"
            if judgement_name in self.errors:
                continue
            judgement = data.get(judgement_name) or ""
            comment = (data.get(comment_name) or "").strip()
            if not judgement and comment:
                self.add_error(
                    judgement_name,
                    f"Choose met, partly met or not met for {criterion.code} to keep your comment",
                )
            elif judgement and judgement != Judgement.MET and not comment and self.submitting:
                self.add_error(
                    comment_name,
                    f"Explain why {criterion.code} is {Judgement(judgement).label.lower()}: "
                    "add a comment",
                )
        # In the order of the page (the summary lists them so), form-wide problems first.
        order = {name: n for n, name in enumerate(self.fields)}
        problems = sorted(self.errors.items(), key=lambda item: order.get(item[0], -1))
        self.errors.clear()
        self.errors.update(problems)
        return data


class DecisionForm(CriteriaJudgementForm):
    text_field = "feedback"
    text_label = "Feedback to the team"
    judgement_label = "Moderated judgement for"

    outcome = forms.ChoiceField(
        label="Your decision",
        choices=Decision.Outcome.choices,
        widget=forms.RadioSelect(attrs={"inline": True}),
        error_messages={"required": "Choose accredited or not yet accredited"},
    )
    summary = forms.CharField(
        label="Overall feedback to the team",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class InformationRequestForm(PlainForm):
    question = forms.CharField(
        label="Your question for the team",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The review waits, and its deadline pauses, until the team answers.",
    )
    criterion = CriterionChoiceField(
        label="Which criterion it is about",
        queryset=Criterion.objects.none(),
        required=False,
        empty_label="The whole submission",
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["criterion"])
        field.queryset = Criterion.objects.filter(pk__in=[c.pk for c in criteria])


class InformationAnswerForm(PlainForm):
    request = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 3}))


class AssignReviewerForm(PlainForm):
    reviewer = ReviewerChoiceField(
        label="Reviewer", queryset=get_user_model().objects.none(), empty_label="Choose a reviewer"
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


class ReleaseReviewerForm(PlainForm):
    assignment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Why release this reviewer?", max_length=300)


class ReturnForm(PlainForm):
    reason = forms.CharField(
        label="What is missing?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The team reads this, completes the submission and sends it again.",
    )


class VerifyForm(PlainForm):
    code = forms.CharField(
        label="Verification code",
        max_length=30,
        help_text="As printed on the certificate, for example K7QPM-3MZTW-9XRAB.",
        widget=forms.TextInput(
            attrs={
                "class": "nhsuk-input--width-20 ae-code",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
