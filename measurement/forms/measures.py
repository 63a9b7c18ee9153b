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
            "target": "For a percentage, the target per cent, e.g. 90.",
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


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV or Excel file",
        help_text="Columns: measure, period, value (or numerator and denominator), note. "
        "Download the template below to start.",
    )
