"""PDSA cycles of an event: read, and plan a new one."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from alwaysevents.api.permissions import require
from alwaysevents.api.serializers import PdsaCycleCreateSerializer, PdsaCycleSerializer
from alwaysevents.api.views.base import OrganisationApiView, extend_schema, responses
from alwaysevents.api.views.organisations import event_for
from measurement.models import ChangeIdea, Measure, PdsaCycle
from measurement.permissions import can_edit_pdsa_cycles, can_view_testing
from measurement.selectors.testing import change_idea_get, event_measures
from measurement.services.testing import pdsa_cycle_create


def _cycles(organisation_id: int) -> object:
    return (
        PdsaCycle.objects.with_scope(organisation=organisation_id)
        .select_related("change_idea")
        .prefetch_related(
            Prefetch("measures", queryset=Measure.objects.with_scopes_disabled().only("pk"))
        )
    )


class PdsaCycleListView(OrganisationApiView):
    serializer_class = PdsaCycleSerializer

    @extend_schema(
        summary="PDSA cycles of an Always Event",
        description="Every cycle of every change idea, by change idea and number.",
        responses=responses(PdsaCycleSerializer(many=True), 403),
    )
    def get(self, request: Request, org_slug: str, event_id: int) -> Response:
        event = event_for(self, event_id)
        require(can_view_testing(self.membership, event), "PDSA cycles")
        cycles = _cycles(self.organisation.pk).filter(change_idea__event=event)  # type: ignore[attr-defined]
        return self.paginated(cycles.order_by("change_idea_id", "number"), PdsaCycleSerializer)

    @extend_schema(
        summary="Plan a PDSA cycle",
        description="Numbers count up per change idea. Team members, team leads, admins.",
        request=PdsaCycleCreateSerializer,
        responses=responses(PdsaCycleSerializer, 400, 403, 413, status=201),
    )
    def post(self, request: Request, org_slug: str, event_id: int) -> Response:
        event = event_for(self, event_id)
        require(can_edit_pdsa_cycles(self.membership, event), "planning PDSA cycles")
        serializer = PdsaCycleCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            idea = change_idea_get(event=event, pk=data.pop("change_idea"))
        except ChangeIdea.DoesNotExist as exc:
            raise ValidationError({"change_idea": ["No such change idea in this event."]}) from exc
        wanted = set(data.pop("measures", []))
        measures = list(event_measures(event).filter(pk__in=wanted))
        if len(measures) != len(wanted):
            raise ValidationError({"measures": ["Some of these are not measures of this event."]})
        cycle = pdsa_cycle_create(change_idea=idea, by=self.actor, measures=measures, **data)
        try:
            cycle = _cycles(self.organisation.pk).get(pk=cycle.pk)  # type: ignore[attr-defined]
        except PdsaCycle.DoesNotExist as exc:  # pragma: no cover - just created
            raise Http404 from exc
        return Response(PdsaCycleSerializer(cycle).data, status=201)
