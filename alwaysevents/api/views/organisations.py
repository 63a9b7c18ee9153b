"""Organisations the caller reaches, and their Always Events (stage, score, statements)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from alwaysevents.api.permissions import token_of
from alwaysevents.api.serializers import EventSerializer, OrganisationSerializer
from alwaysevents.api.views.base import ApiView, OrganisationApiView, extend_schema, responses
from programmes.models import STAFF_ROLES, AlwaysEvent, Stage
from programmes.selectors import event_list, membership_list_for_user


class OrganisationListView(ApiView):
    serializer_class = OrganisationSerializer

    @extend_schema(
        summary="Organisations you can reach",
        description="Your active memberships (only one when the token is limited to it).",
        responses=responses(OrganisationSerializer(many=True)),
    )
    def get(self, request: Request) -> Response:
        token = token_of(request)
        rows = []
        for membership in membership_list_for_user(user=request.user):  # type: ignore[arg-type]
            if membership.role not in STAFF_ROLES:
                continue  # a partner's sign-in reaches no organisation data through the API
            if token is not None and token.organisation_id not in (
                None,
                membership.organisation_id,
            ):
                continue
            organisation = membership.organisation
            organisation.role = membership.role  # type: ignore[attr-defined]
            rows.append(organisation)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(OrganisationSerializer(page, many=True).data)


class EventListView(OrganisationApiView):
    serializer_class = EventSerializer

    @extend_schema(
        summary="Always Events of the organisation",
        description="Each with its stage, latest score and statements.",
        parameters=[
            OpenApiParameter(
                "stage", enum=Stage.values, required=False, description="Only events at this stage."
            )
        ],
        responses=responses(EventSerializer(many=True)),
    )
    def get(self, request: Request, org_slug: str) -> Response:
        stage = request.query_params.get("stage") or None
        if stage is not None and stage not in Stage.values:
            stage = "-"  # an unknown stage matches nothing
        events = event_list(organisation=self.organisation, stage=stage)
        return self.paginated(events, EventSerializer)


def event_for(view: OrganisationApiView, pk: Any) -> AlwaysEvent:
    """One event of the view's organisation, with the list's annotations; 404 for any other."""
    try:
        return event_list(organisation=view.organisation).get(pk=pk)
    except (AlwaysEvent.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


class EventDetailView(OrganisationApiView):
    serializer_class = EventSerializer

    @extend_schema(summary="One Always Event", responses=responses(EventSerializer))
    def get(self, request: Request, org_slug: str, event_id: int) -> Response:
        return Response(EventSerializer(event_for(self, event_id)).data)
