from __future__ import annotations

from django import forms

from alwaysevents.validators import ColumnDecimalField, column_decimal_field
from measurement.models import DataPoint, Measure

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = [
            "name",
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


class PointForm(forms.Form):
    period = forms.DateField(
        widget=DATE, help_text="Any day: it is recorded against its week or month."
    )
    value = column_decimal_field(DataPoint, "value", required=False)
    numerator = column_decimal_field(DataPoint, "numerator", required=False, min_value=0)
    denominator = column_decimal_field(DataPoint, "denominator", required=False, min_value=0)
    note = forms.CharField(required=False, max_length=300)


class ExcludeForm(forms.Form):
    point = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Why leave this point out of the analysis?", max_length=300)


class PhaseForm(forms.Form):
    start_period = forms.DateField(label="New phase from", widget=DATE)
    reason = forms.CharField(
        label="What changed in the process?", widget=forms.Textarea(attrs={"rows": 2})
    )


class KeepLimitsForm(forms.Form):
    """Decline a suggested recalculation for the run that starts at `start_period`."""

    start_period = forms.DateField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why keep the limits? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV or Excel file",
        help_text="Columns: measure, period, value (or numerator and denominator), note. "
        "Download the template below to start.",
    )
