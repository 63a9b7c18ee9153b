"""Forms of a measure: the measure, one value, the data grid's rows, phases, imports."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from alwaysevents.date_widget import DatePartsField
from alwaysevents.form_messages import PlainForm, plain_messages
from alwaysevents.tenancy.forms import ScopedModelForm
from alwaysevents.validators import ColumnDecimalField, column_decimal_field
from measurement.models import DataPoint, Measure


def plain_number(value: Any) -> Any:
    """A stored decimal as people write it, for a form to show again: 18.0000 is 18, 2.5000 is
    2.5, 100.00 is 100 (never 1E+2). Equal to the stored value, so the field is unchanged."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return value
    return Decimal(format(value.normalize(), "f"))


def _plain_initial(form: forms.BaseForm, names: tuple[str, ...]) -> None:
    form.initial = {
        **form.initial,
        **{name: plain_number(form.initial[name]) for name in names if name in form.initial},
    }


class MeasureForm(ScopedModelForm):
    class Meta:
        model = Measure
        fields = [
            "name",
            "owner",
            "type",
            "definition",
            "value_kind",
            "unit",
            "numerator_definition",
            "denominator_definition",
            "data_source",
            "frequency",
            "direction",
            "target",
            "chart_type",
            "screen_outliers",
            "fix_limits_after",
        ]
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"target": ColumnDecimalField}
        help_texts = {
            "type": "Outcome: what patients experience. Process: whether the change happens. "
            "Balancing: something that could get worse as a side effect.",
            "numerator_definition": "For a percentage: what is counted, "
            "e.g. patients told their plan by 10am.",
            "denominator_definition": "For a percentage: out of what, "
            "e.g. patients on the ward at 10am.",
            "target": "In the measure's own unit: for a percentage, the per cent (90 for 90%); "
            "for a number, in the unit above (for example 15 minutes).",
        }
        error_messages = {
            "name": {"required": "Enter the name of the measure."},
            "type": {"required": "Choose what kind of measure this is."},
            "definition": {"required": "Write exactly what is counted, when and how."},
            "fix_limits_after": {
                "min_value": "Enter 12 or more, or leave it empty to keep recalculating.",
                "invalid": "Enter a whole number of points, such as 20.",
            },
        }

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, organisation=organisation, **kwargs)
        _plain_initial(self, ("target",))
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        owner.empty_label = "No one named: the team lead"
        owner.label_from_instance = lambda user: user.display_name  # type: ignore[method-assign,assignment]


class PointForm(PlainForm):
    period: forms.DateField = DatePartsField(
        help_text="Any day: it is recorded against its week or month."
    )
    value = column_decimal_field(DataPoint, "value", required=False)
    numerator = column_decimal_field(DataPoint, "numerator", required=False, min_value=0)
    denominator = column_decimal_field(DataPoint, "denominator", required=False, min_value=0)
    note = forms.CharField(required=False, max_length=300)

    def __init__(self, *args: Any, proportion: bool | None = None, **kwargs: Any) -> None:
        """`proportion`: the measure is a percentage (numerator and denominator, no value) or
        not (a value); None keeps every field."""
        super().__init__(*args, **kwargs)
        if proportion is not None:
            for name in ("value",) if proportion else ("numerator", "denominator"):
                del self.fields[name]


def _lowered(text: str) -> str:
    return text[:1].lower() + text[1:]


#: What a figure left empty asks for, in the words of the measure's own definitions.
REQUIRED = {
    "value": lambda measure: "Enter the figure",
    "numerator": lambda measure: (
        f"Enter how many: {_lowered(measure.numerator_definition)}"
        if measure.numerator_definition
        else "Enter how many were counted"
    ),
    "denominator": lambda measure: (
        f"Enter how many in all: {_lowered(measure.denominator_definition)}"
        if measure.denominator_definition
        else "Enter how many in all"
    ),
}


class FigureForm(PointForm):
    """The figure due for one period, entered where it is asked for (the home page): the period
    is fixed (hidden); a number, or for a percentage the numerator and the denominator, each
    named from the measure's own definitions; a note if wanted."""

    period = forms.DateField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, proportion=measure.is_proportion, **kwargs)
        unit = f" ({measure.unit})" if measure.unit and not measure.is_proportion else ""
        labels = {
            "value": f"Figure{unit}",
            "numerator": measure.numerator_definition or "Counted",
            "denominator": f"Out of: {measure.denominator_definition}"
            if measure.denominator_definition
            else "Out of",
        }
        for name, label in labels.items():
            if name in self.fields:
                field = self.fields[name]
                field.label = label
                field.required = True
                field.error_messages.update(plain_messages(field, name))  # from the new label
                field.error_messages["required"] = REQUIRED[name](measure)
                field.widget = forms.TextInput(
                    attrs={
                        "class": "nhsuk-input nhsuk-input--width-5",
                        "inputmode": "decimal",
                        "autocomplete": "off",
                    }
                )
        self.fields["note"].label = "Note"


#: The grid's inputs: how many characters each is sized for.
GRID_WIDTHS = {"value": 5, "numerator": 4, "denominator": 4, "note": 10}
GRID_LABELS = {
    "value": "Value",
    "numerator": "Numerator",
    "denominator": "Denominator",
    "note": "Note",
}


class GridPointForm(PointForm):
    """One row of the data grid: its period is fixed (hidden), then the value (or, for a
    percentage, the numerator and denominator) and a note, drawn as compact NHS inputs. A cell in
    error is marked (`nhsuk-input--error`; Django names its message in `aria-describedby`)."""

    period = forms.DateField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, proportion: bool, **kwargs: Any) -> None:
        super().__init__(*args, proportion=proportion, **kwargs)
        for name, field in self.fields.items():
            if name in GRID_WIDTHS:
                attrs = {"class": f"nhsuk-input nhsuk-input--width-{GRID_WIDTHS[name]}"}
                if name == "note":
                    attrs["maxlength"] = "300"
                else:
                    attrs["inputmode"] = "decimal"
                field.widget = forms.TextInput(attrs={**attrs, "autocomplete": "off"})
        _plain_initial(self, ("value", "numerator", "denominator"))

    def full_clean(self) -> None:
        """Each message names its cell ("Value for 2 Mar 2026: Enter a number."), as the error
        summary lists the grid's problems together; the cell's input is marked."""
        super().full_clean()
        period = self.initial.get("period")
        errors = self.errors  # worked out by now: the form is bound
        if not errors or not period:
            return
        day = f"{period.day} {period:%b %Y}"
        for name, messages in list(errors.items()):
            field = self.fields.get(name)
            where = f"{GRID_LABELS[name]} for {day}" if name in GRID_LABELS else day
            errors[name] = self.error_class(
                [f"{where}: {message}" for message in messages],
                error_class="nonfield" if name == NON_FIELD_ERRORS else None,
                renderer=self.renderer,
            )
            if field is not None and not field.widget.is_hidden:
                field.widget.attrs["class"] += " nhsuk-input--error"


class ExcludeForm(PlainForm):
    point = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Why leave it out of the analysis?", max_length=300)


class PhaseForm(PlainForm):
    start_period = DatePartsField(label="New phase from")
    reason = forms.CharField(
        label="What changed in the process?", widget=forms.Textarea(attrs={"rows": 2})
    )


class KeepLimitsForm(PlainForm):
    """Decline a suggested recalculation for the run that starts at `start_period`."""

    start_period = forms.DateField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why keep the limits?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ImportForm(PlainForm):
    file = forms.FileField(
        label="CSV or Excel file",
        help_text="Columns: measure, period, value (or numerator and denominator), note. "
        "Download the template below to start.",
    )
