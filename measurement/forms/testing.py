"""Forms for testing changes: the driver diagram and PDSA cycles. Shapes only: the rules are in
`measurement.services.testing`, whose messages these forms show. A field the service always
needs is required here too, with the service's own message, so the page does not call it
optional."""

from __future__ import annotations

from typing import Any

from django import forms

from alwaysevents.date_widget import DatePartsField
from alwaysevents.form_messages import PlainForm
from measurement.models import ChangeIdea, Driver, Measure, PdsaCycle

NO_NAMES = "No names, NHS numbers or clinical details."


def _text_field(label: str, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=300, **kwargs)


class DriverForm(PlainForm):
    """A primary driver: one of the big things that must be true for the aim to happen."""

    text = _text_field(
        "Primary driver",
        help_text="Something that must be true for the aim to happen, e.g. “Staff know the "
        "plan for each patient's day”.",
    )


class DriverChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.text


class SecondaryDriverForm(PlainForm):
    parent = DriverChoiceField(
        label="Under the primary driver",
        queryset=Driver.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of this event's primary drivers"},
    )
    text = _text_field(
        "Secondary driver",
        help_text="A way to make the primary driver true, e.g. “A huddle every morning”.",
    )

    def __init__(self, *args: Any, drivers: list[Driver], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - for mypy
        primary_pks = [d.pk for d in drivers if d.is_primary]
        field.queryset = Driver.objects.with_scopes_disabled().filter(pk__in=primary_pks)


class ChangeIdeaForm(PlainForm):
    text = _text_field("Change idea", help_text="Something specific the team will try. " + NO_NAMES)
    kind = forms.ChoiceField(
        label="Kind of change",
        choices=ChangeIdea.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether the change is relational (behaviour, communication) or "
            "transactional (process, equipment)."
        },
        help_text="Relational changes are about how people behave and talk with each other; "
        "transactional changes are about processes, forms or equipment.",
    )
    # Its choices are the secondary drivers the page has already read: the diagram shows one of
    # these forms for every change idea, and none of them may run a query of its own.
    driver = forms.ChoiceField(label="Under the secondary driver", required=False)

    def __init__(self, *args: Any, drivers: list[Driver], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._secondaries = {str(d.pk): d for d in drivers if not d.is_primary}
        field = self.fields["driver"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - for mypy
        field.choices = [
            ("", "Not placed yet"),
            *((pk, d.text) for pk, d in self._secondaries.items()),
        ]

    def clean_driver(self) -> Driver | None:
        return self._secondaries.get(self.cleaned_data.get("driver") or "")


class _OneOfTheEvent(PlainForm):
    """Forms that act on one driver or change idea of the event, named by a hidden `target`."""

    target = forms.IntegerField(widget=forms.HiddenInput)


class DriverRenameForm(_OneOfTheEvent):
    text = _text_field("New wording", error_messages={"required": "Enter the new wording"})


class DriverRemoveForm(_OneOfTheEvent):
    confirm = forms.BooleanField(
        required=False,
        label="Yes, remove it and what is under it. Change ideas are kept, not placed under a "
        "driver.",
    )


class ChangeIdeaEditForm(_OneOfTheEvent, ChangeIdeaForm):
    pass


class ChangeIdeaRemoveForm(_OneOfTheEvent):
    pass


class EmptyForm(PlainForm):
    """A button: start, close, start the next cycle."""


class MeasureChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_type_display().lower()} measure)"


class PdsaPlanForm(PlainForm):
    """The Plan of a cycle, with its questions and predictions as numbered pairs of fields."""

    purpose = forms.ChoiceField(
        label="What is this cycle for?",
        choices=PdsaCycle.Purpose.choices,
        error_messages={"required": "Choose what the cycle is for."},
    )
    objective = forms.CharField(
        label="Objective",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what this cycle is for: its objective."},
        help_text="What this cycle sets out to learn or do.",
    )
    plan_who = forms.CharField(label="Who", max_length=200, required=False)
    plan_what = forms.CharField(
        label="What will be done", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    plan_where = forms.CharField(label="Where", max_length=200, required=False)
    planned_start = DatePartsField(label="When it starts", required=False)
    data_collection_plan = forms.CharField(
        label="How you will collect the data",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Who counts what, when. Counts only: " + NO_NAMES,
    )
    measures = MeasureChoices(
        label="Measures this cycle uses",
        queryset=Measure.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The cycle will show on these measures' charts.",
        error_messages={"invalid_choice": "Choose only measures of this Always Event"},
    )

    def __init__(
        self, data: Any = None, *, measures: Any, rows: int = 3, initial: Any = None, **kwargs: Any
    ) -> None:
        initial = dict(initial or {})
        questions = list(initial.pop("questions", []) or [])
        self.rows = max(rows, len(questions) + 1)
        for n, row in enumerate(questions, start=1):
            initial[f"question_{n}"] = row.get("question", "")
            initial[f"prediction_{n}"] = row.get("prediction", "")
        super().__init__(data, initial=initial, **kwargs)
        field = self.fields["measures"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - for mypy
        field.queryset = measures
        for n in range(1, self.rows + 1):
            self.fields[f"question_{n}"] = forms.CharField(
                label=f"Question {n}", max_length=500, required=False
            )
            self.fields[f"prediction_{n}"] = forms.CharField(
                label=f"Prediction for question {n}",
                max_length=500,
                required=False,
                help_text="What do you expect to happen?" if n == 1 else "",
            )

    def question_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"question_{n}"], self[f"prediction_{n}"]) for n in range(1, self.rows + 1)]

    def plan_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith(("question_", "predic"))]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        questions = [
            {
                "question": data.pop(f"question_{n}", ""),
                "prediction": data.pop(f"prediction_{n}", ""),
            }
            for n in range(1, self.rows + 1)
        ]
        data["questions"] = questions
        data["purpose"] = data.get("purpose") or PdsaCycle.Purpose.TEST
        data["measures"] = list(data.get("measures") or [])
        return data


class PdsaDoForm(PlainForm):
    carried_out_as_planned = forms.TypedChoiceField(
        label="Was it carried out as planned?",
        choices=[("yes", "Yes"), ("no", "No, it changed")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the test was carried out as planned."},
    )
    observations = forms.CharField(
        label="What happened: your observations",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write what you saw when you tried it: the observations.",
        },
        help_text=NO_NAMES,
    )
    surprises = forms.CharField(
        label="Anything that surprised you",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class PdsaDecideForm(PlainForm):
    comparison = forms.CharField(
        label="How did it compare with your predictions?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Compare what happened with your predictions before deciding: "
            "were they right?",
        },
        help_text="For each question: what you predicted, and what happened.",
    )
    learning = forms.CharField(
        label="What did you learn?", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    decision = forms.ChoiceField(
        label="What will you do now?",
        choices=[
            ("adopt", "Adopt: keep the change as it is"),
            ("adapt", "Adapt: change it and test again"),
            ("abandon", "Abandon: stop testing this change"),
            ("expand", "Expand: test it on a bigger scale or somewhere new"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what to do next: adopt, adapt, abandon or expand."},
    )
    next_steps = forms.CharField(
        label="Next steps", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
