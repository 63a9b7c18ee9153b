"""The shapes of the API, in and out. Responses are documented exactly, so the schema holds."""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import serializers

from alwaysevents.api.fields import ColumnDecimalField
from alwaysevents.validators import validate_text
from measurement.models import DataPoint, Measure, PdsaCycle
from measurement.services.measures import MEASURE_FIELDS
from programmes.models import AlwaysEvent, Organisation

# --- input ---------------------------------------------------------------------------------------
# Every text field refuses control characters (`alwaysevents.validators.install_text_checks`,
# ADR 5); numbers that a column cannot hold are refused in the forms' words.


class InputModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer that takes input: decimal fields say plainly what their column holds."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: ColumnDecimalField,
    }

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for field in fields.values():
            # A model field's own validators replace DRF's defaults: keep the text check.
            if isinstance(field, serializers.CharField) and validate_text not in field.validators:
                field.validators.append(validate_text)
        return fields


# --- errors -------------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """Every error: a stable code, a sentence for people, and what is wrong with which field."""

    code = serializers.CharField()
    message = serializers.CharField()
    field_errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


# --- organisations and events --------------------------------------------------------------------


class OrganisationSerializer(serializers.ModelSerializer):
    role = serializers.CharField(help_text="Your role in this organisation.")

    class Meta:
        model = Organisation
        fields = ["slug", "name", "ods_code", "type", "region", "role"]


class EventSerializer(serializers.ModelSerializer):
    stage_label = serializers.CharField(source="get_stage_display")
    latest_score = serializers.CharField(
        allow_null=True, help_text="The latest IHI progress score, 0.5 to 5.0."
    )
    latest_score_at = serializers.DateTimeField(allow_null=True)
    team_size = serializers.IntegerField()
    open_challenges = serializers.IntegerField()
    aim = serializers.CharField(source="aim_sentence", help_text="Empty until every part is set.")

    class Meta:
        model = AlwaysEvent
        fields = [
            "id",
            "title",
            "service",
            "stage",
            "stage_label",
            "latest_score",
            "latest_score_at",
            "team_size",
            "open_challenges",
            "vision_statement",
            "aim",
            "aim_target_percent",
            "aim_deadline",
            "created_at",
            "updated_at",
        ]


# --- measures and data ---------------------------------------------------------------------------


class MeasureSerializer(serializers.ModelSerializer):
    point_count = serializers.IntegerField(read_only=True)
    latest_period = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Measure
        fields = ["id", "event", *MEASURE_FIELDS, "point_count", "latest_period", "created_at"]
        read_only_fields = ["id", "event", "created_at"]
        extra_kwargs = {"target": {"coerce_to_string": False}}


class MeasureCreateSerializer(InputModelSerializer):
    class Meta:
        model = Measure
        fields = list(MEASURE_FIELDS)
        extra_kwargs = {"target": {"coerce_to_string": False}}

    def run_validators(self, value: Any) -> None:
        """Uniqueness and the other rules are the service's (it names the field)."""


class DataPointSerializer(serializers.ModelSerializer):
    plotted = serializers.DecimalField(
        max_digits=20, decimal_places=4, coerce_to_string=False, allow_null=True, read_only=True
    )

    class Meta:
        model = DataPoint
        fields = [
            "period",
            "value",
            "numerator",
            "denominator",
            "plotted",
            "note",
            "excluded",
            "excluded_reason",
            "updated_at",
        ]
        extra_kwargs = {
            name: {"coerce_to_string": False} for name in ("value", "numerator", "denominator")
        }


class DataPointRowSerializer(serializers.Serializer):
    """One period. Documentation only: rows are checked one by one by the service."""

    period = serializers.DateField(help_text="The Monday of the week, or the 1st of the month.")
    value = serializers.FloatField(required=False, allow_null=True)
    numerator = serializers.FloatField(required=False, allow_null=True)
    denominator = serializers.FloatField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class DataPointBulkSerializer(serializers.Serializer):
    points = DataPointRowSerializer(many=True)
    all_or_nothing = serializers.BooleanField(
        required=False,
        default=False,
        help_text="When true, one rejected row means nothing is written.",
    )


class RejectionSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The row's position in `points`, from 0.")
    period = serializers.CharField(allow_null=True)
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )


class DataPointBulkResultSerializer(serializers.Serializer):
    applied = serializers.BooleanField()
    created = serializers.ListField(child=serializers.DateField())
    updated = serializers.ListField(child=serializers.DateField())
    rejected = RejectionSerializer(many=True)


# --- analysis ------------------------------------------------------------------------------------


class IconSerializer(serializers.Serializer):
    kind = serializers.CharField()
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    description = serializers.CharField()
    colour = serializers.CharField()
    symbol = serializers.CharField(allow_blank=True)


class SignalSerializer(serializers.Serializer):
    rule = serializers.CharField()
    side = serializers.CharField()
    variation = serializers.CharField()
    periods = serializers.ListField(child=serializers.DateField())
    phase = serializers.IntegerField()
    text = serializers.CharField()


class PhaseSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    start_period = serializers.DateField(allow_null=True)
    centre = serializers.FloatField(allow_null=True)
    upper_limit = serializers.FloatField(allow_null=True)
    lower_limit = serializers.FloatField(allow_null=True)
    trial_limits = serializers.BooleanField()
    explanations = serializers.ListField(child=serializers.CharField())


class AnalysedPointSerializer(serializers.Serializer):
    period = serializers.DateField()
    value = serializers.FloatField()
    excluded = serializers.BooleanField()
    variation = serializers.CharField(allow_null=True)
    text = serializers.CharField(allow_blank=True)


class SuggestedRecalculationSerializer(serializers.Serializer):
    start_period = serializers.DateField(help_text="The first period of the run: the new phase.")
    end_period = serializers.DateField(help_text="The run's last period (the latest).")
    points = serializers.IntegerField(help_text="How many points the run holds (7 or more).")
    side = serializers.ChoiceField(choices=["above", "below"])


class AnalysisSerializer(serializers.Serializer):
    measure = serializers.IntegerField()
    chart = serializers.CharField()
    direction = serializers.CharField()
    target = serializers.FloatField(allow_null=True)
    trial_limits = serializers.BooleanField()
    headline = serializers.CharField(
        help_text="What the chart says in one sentence, from the same reading as the icons."
    )
    summary = serializers.ListField(child=serializers.CharField())
    suggested_recalculation = SuggestedRecalculationSerializer(
        allow_null=True,
        help_text="The latest points make a long run on one side of the centre line: the "
        "process has changed, and new limits from the run's start are suggested. Until a team "
        "lead decides, the assurance icon is 'not_assessed'.",
    )
    variation_icon = IconSerializer(allow_null=True)
    assurance_icon = IconSerializer(allow_null=True)
    signals = SignalSerializer(many=True)
    phases = PhaseSerializer(many=True)
    points = AnalysedPointSerializer(many=True)


# --- PDSA cycles --------------------------------------------------------------------------------


class QuestionSerializer(serializers.Serializer):
    question = serializers.CharField()
    prediction = serializers.CharField(allow_blank=True)


class PdsaCycleSerializer(serializers.ModelSerializer):
    change_idea_text = serializers.CharField(source="change_idea.text")
    questions = QuestionSerializer(many=True)
    measures = serializers.PrimaryKeyRelatedField(many=True, read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = PdsaCycle
        fields = [
            "id",
            "change_idea",
            "change_idea_text",
            "number",
            "state",
            "purpose",
            "objective",
            "questions",
            "plan_who",
            "plan_what",
            "plan_where",
            "planned_start",
            "data_collection_plan",
            "measures",
            "observations",
            "learning",
            "decision",
            "previous",
            "created_at",
            "updated_at",
        ]


class PdsaCycleCreateSerializer(serializers.Serializer):
    change_idea = serializers.IntegerField(help_text="The id of one of the event's change ideas.")
    objective = serializers.CharField(max_length=5000)
    planned_start = serializers.DateField()
    purpose = serializers.ChoiceField(choices=PdsaCycle.Purpose.choices, default="test")
    questions = QuestionSerializer(many=True, required=False)
    plan_who = serializers.CharField(max_length=200, required=False, allow_blank=True)
    plan_what = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    plan_where = serializers.CharField(max_length=200, required=False, allow_blank=True)
    data_collection_plan = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    measures = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Ids of the event's measures."
    )


# --- involvement (counts only) -------------------------------------------------------------------


class ActivityCountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    type = serializers.CharField()
    held_on = serializers.DateField()
    stage = serializers.CharField()
    rung = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False)
    staff_count = serializers.IntegerField()
    partner_count = serializers.IntegerField()


class InvolvementSummarySerializer(serializers.Serializer):
    activities = serializers.IntegerField()
    highest_rung = serializers.IntegerField(allow_null=True)
    codesign_or_above = serializers.IntegerField()
    partner_attendances = serializers.IntegerField()
    staff_attendances = serializers.IntegerField()
    stages_without_partners = serializers.ListField(child=serializers.CharField())
    summary = serializers.ListField(child=serializers.CharField())


# --- programme -----------------------------------------------------------------------------------


class ProgrammeOrganisationSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField()
    cohort = serializers.CharField(allow_null=True)
    events = serializers.IntegerField()
    events_by_stage = serializers.DictField(child=serializers.IntegerField())
    average_latest_score = serializers.FloatField(allow_null=True)
    measures = serializers.IntegerField()
    data_points = serializers.IntegerField()
    pdsa_cycles = serializers.IntegerField()
    involvement_activities = serializers.IntegerField()
