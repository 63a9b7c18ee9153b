"""Measures of an event (read, create), their data points (read, bulk upsert) and analysis."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from alwaysevents.api.errors import PayloadTooLarge
from alwaysevents.api.permissions import require, token_of
from alwaysevents.api.serializers import (
    AnalysisSerializer,
    DataPointBulkResultSerializer,
    DataPointBulkSerializer,
    DataPointSerializer,
    ErrorSerializer,
    MeasureCreateSerializer,
    MeasureSerializer,
)
from alwaysevents.api.views.base import OrganisationApiView, extend_schema, responses
from alwaysevents.api.views.organisations import event_for
from measurement import charts
from measurement.models import DataPoint, Measure
from measurement.selectors import measures as selectors
from measurement.services import measures as services
from measurement.services.bulk import data_points_upsert
from programmes.permissions import can_edit_event


class _EventView(OrganisationApiView):
    def load_event(self, event_id: Any) -> None:
        self.event = event_for(self, event_id)

    def load_measure(self, event_id: Any, measure_id: Any) -> Measure:
        self.load_event(event_id)
        try:
            return selectors.measure_list(event=self.event).get(pk=measure_id)
        except (Measure.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404 from exc


class MeasureListView(_EventView):
    serializer_class = MeasureSerializer

    @extend_schema(
        summary="Measures of an Always Event", responses=responses(MeasureSerializer(many=True))
    )
    def get(self, request: Request, org_slug: str, event_id: int) -> Response:
        self.load_event(event_id)
        return self.paginated(selectors.measure_list(event=self.event), MeasureSerializer)

    @extend_schema(
        summary="Add a measure",
        description="Team members, team leads and organisation admins; not sponsors.",
        request=MeasureCreateSerializer,
        responses=responses(MeasureSerializer, 400, 403, 413, status=201),
    )
    def post(self, request: Request, org_slug: str, event_id: int) -> Response:
        self.load_event(event_id)
        require(can_edit_event(self.membership, self.event), "adding measures to this event")
        serializer = MeasureCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        measure = services.measure_create(
            event=self.event, by=self.actor, **serializer.validated_data
        )
        measure.point_count, measure.latest_period = 0, None  # type: ignore[attr-defined]
        return Response(MeasureSerializer(measure).data, status=201)


class MeasureDetailView(_EventView):
    serializer_class = MeasureSerializer

    @extend_schema(summary="One measure", responses=responses(MeasureSerializer))
    def get(self, request: Request, org_slug: str, event_id: int, measure_id: int) -> Response:
        return Response(MeasureSerializer(self.load_measure(event_id, measure_id)).data)


BULK_EXAMPLE = {
    "points": [
        {"period": "2026-03-02", "value": 42},
        {"period": "2026-03-09", "value": 38.5, "note": "Two nurses off sick"},
    ]
}


class DataPointListView(_EventView):
    serializer_class = DataPointSerializer

    @extend_schema(
        summary="Data points of a measure",
        description="Oldest first.",
        responses=responses(DataPointSerializer(many=True)),
    )
    def get(self, request: Request, org_slug: str, event_id: int, measure_id: int) -> Response:
        measure = self.load_measure(event_id, measure_id)
        points = (
            DataPoint.objects.with_scope(organisation=self.organisation.pk)
            .filter(measure=measure)
            .order_by("period")
        )
        return self.paginated(points, DataPointSerializer)

    @extend_schema(
        summary="Send many periods at once (bulk upsert)",
        description=(
            "Each row is checked on its own: a weekly measure takes Mondays, a monthly one the "
            "1st of the month; a percentage takes numerator and denominator, a number takes "
            "value. New periods are created, existing ones corrected, bad rows rejected with "
            "every reason; the good rows are written together in one transaction. The rules and "
            "their words are those of the file import (Measures > Import), so a batch and a file "
            "of the same rows give the same verdicts; periods here are ISO dates. A row without "
            "a note keeps the note of the period it corrects. A period sent twice is rejected "
            "both times. With all_or_nothing, any rejected row means nothing "
            "is written (answer 422). Too many rows or bytes: 413."
        ),
        request=DataPointBulkSerializer,
        examples=[OpenApiExample("Two weeks", value=BULK_EXAMPLE, request_only=True)],
        responses={
            **responses(DataPointBulkResultSerializer, 400, 403),
            413: OpenApiResponse(ErrorSerializer, description="Too many rows or too many bytes."),
            422: OpenApiResponse(
                DataPointBulkResultSerializer,
                description="all_or_nothing was set and some rows were rejected: nothing written.",
            ),
        },
    )
    def post(self, request: Request, org_slug: str, event_id: int, measure_id: int) -> Response:
        measure = self.load_measure(event_id, measure_id)
        require(can_edit_event(self.membership, self.event), "entering data for this event")
        data: Any = request.data
        rows = data.get("points") if isinstance(data, dict) else None
        if not isinstance(rows, list):
            raise ValidationError({"points": ['Send a list of rows: {"points": [...]}.']})
        if len(rows) > settings.API_BULK_MAX_ROWS:
            raise PayloadTooLarge(
                f"At most {settings.API_BULK_MAX_ROWS} rows in one request; this has {len(rows)}."
            )
        all_or_nothing = data.get("all_or_nothing", False)
        if not isinstance(all_or_nothing, bool):
            raise ValidationError({"all_or_nothing": ["Send true or false."]})
        token = token_of(request)
        result = data_points_upsert(
            measure=measure,
            rows=rows,
            by=self.actor,
            source=f"token {token.name}" if token else "browser",
            all_or_nothing=all_or_nothing,
        )
        body = {
            "applied": result.applied,
            "created": [p.isoformat() for p in result.created],
            "updated": [p.isoformat() for p in result.updated],
            "rejected": [
                {"index": r.index, "period": r.period, "errors": r.errors} for r in result.rejected
            ],
        }
        return Response(body, status=200 if result.applied else 422)


def analysis_data(measure: Measure) -> dict[str, Any]:
    """The engine's output for a measure, as plain data with periods in place of indices."""
    points = selectors.measure_points(measure=measure)
    base: dict[str, Any] = {
        "measure": measure.pk,
        "chart": measure.chart_type,
        "direction": measure.direction,
        "target": float(measure.target) if measure.target is not None else None,
    }
    if not points:
        return {
            **base,
            "trial_limits": False,
            "headline": "No data yet.",
            "summary": ["No data yet."],
            "suggested_recalculation": None,
            "variation_icon": None,
            "assurance_icon": None,
            "signals": [],
            "phases": [],
            "points": [],
        }
    analysis, _ = charts.analyse_points(measure, points, selectors.measure_phases(measure=measure))
    periods = [p.period for p in points]
    reading = charts.read_points(measure, points, analysis)
    suggestion = reading.suggestion
    icons = {icon.kind: icon.to_dict() for icon in reading.icons}
    return {
        **base,
        "trial_limits": analysis.trial_limits,
        "headline": reading.headline,
        "summary": [icon["description"] for icon in icons.values()] + list(reading.notes),
        "suggested_recalculation": {
            "start_period": periods[suggestion.start],
            "end_period": periods[suggestion.stop],
            "points": suggestion.points,
            "side": suggestion.side,
        }
        if suggestion
        else None,
        "variation_icon": icons.get("variation"),
        "assurance_icon": icons.get("assurance"),
        "signals": [
            {
                "rule": str(s.rule),
                "side": str(s.side),
                "variation": str(s.variation),
                "periods": [periods[i] for i in s.indices],
                "phase": s.phase,
                "text": s.text,
            }
            for s in analysis.signals
        ],
        "phases": [
            {
                "number": ph.number,
                "start_period": periods[ph.start] if ph.start < len(periods) else None,
                "centre": ph.centre,
                "upper_limit": ph.ucl,
                "lower_limit": ph.lcl,
                "trial_limits": ph.trial_limits,
                "explanations": list(ph.explanations),
            }
            for ph in analysis.phases
        ],
        "points": [
            {
                "period": periods[pa.index],
                "value": pa.value,
                "excluded": pa.excluded,
                "variation": str(pa.variation) if pa.variation else None,
                "text": pa.text,
            }
            for pa in analysis.points
        ],
    }


class MeasureAnalysisView(_EventView):
    serializer_class = AnalysisSerializer

    @extend_schema(
        summary="Analysis of a measure",
        description=(
            "What the chart shows: the variation and assurance icons (with words), signals "
            "(special causes) with their periods, each phase's centre line and limits, and "
            "every point's classification. The same engine as the pages and reports."
        ),
        responses=responses(AnalysisSerializer),
    )
    def get(self, request: Request, org_slug: str, event_id: int, measure_id: int) -> Response:
        measure = self.load_measure(event_id, measure_id)
        return Response(AnalysisSerializer(analysis_data(measure)).data)
