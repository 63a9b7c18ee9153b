"""Programme-level aggregates for the NHS England programme team: counts, never people."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response

from alwaysevents.api.permissions import IsProgrammeAdmin, TokenAllowsMethod
from alwaysevents.api.serializers import ProgrammeOrganisationSerializer
from alwaysevents.api.views.base import ApiView, extend_schema, responses
from alwaysevents.tenancy.scope import across_organisations
from coproduction.models import InvolvementActivity
from measurement.models import DataPoint, Measure, PdsaCycle
from programmes.models import AlwaysEvent, Organisation, ProgressScore


def _count(model: Any) -> Any:
    rows = (
        model.objects.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


class ProgrammeOrganisationListView(ApiView):
    serializer_class = ProgrammeOrganisationSerializer
    permission_classes = [permissions.IsAuthenticated, TokenAllowsMethod, IsProgrammeAdmin]

    @extend_schema(
        summary="Programme: every organisation's progress (aggregates)",
        description="Programme admins only. Two queries per page whatever the number of rows.",
        responses=responses(ProgrammeOrganisationSerializer(many=True), 403),
    )
    def get(self, request: Request) -> Response:
        with across_organisations():
            organisations = (
                Organisation.objects.filter(is_active=True)
                .select_related("cohort")
                .annotate(
                    measures=_count(Measure),
                    data_points=_count(DataPoint),
                    pdsa_cycles=_count(PdsaCycle),
                    involvement_activities=_count(InvolvementActivity),
                )
                .order_by("name")
            )
            page = self.paginate_queryset(organisations) or []
            latest = ProgressScore.objects.filter(event=OuterRef("pk")).order_by("-set_at", "-pk")
            events = AlwaysEvent.objects.filter(organisation__in=[o.pk for o in page]).annotate(
                latest_score=Subquery(latest.values("score")[:1])
            )
            stages: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            scores: dict[int, list[Decimal]] = defaultdict(list)
            for organisation_id, stage, score in events.values_list(
                "organisation_id", "stage", "latest_score"
            ):
                stages[organisation_id][stage] += 1
                if score:
                    scores[organisation_id].append(Decimal(score))
        rows = [
            {
                "slug": o.slug,
                "name": o.name,
                "region": o.region,
                "cohort": o.cohort.name if o.cohort else None,
                "events": sum(stages[o.pk].values()),
                "events_by_stage": dict(stages[o.pk]),
                "average_latest_score": (
                    round(float(sum(scores[o.pk]) / len(scores[o.pk])), 2) if scores[o.pk] else None
                ),
                "measures": o.measures,
                "data_points": o.data_points,
                "pdsa_cycles": o.pdsa_cycles,
                "involvement_activities": o.involvement_activities,
            }
            for o in page
        ]
        return self.get_paginated_response(ProgrammeOrganisationSerializer(rows, many=True).data)
