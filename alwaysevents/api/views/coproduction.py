"""Involvement activities of an event: counts only, never partners' personal data."""

from __future__ import annotations

from django.db.models import Count
from rest_framework.request import Request
from rest_framework.response import Response

from alwaysevents.api.permissions import require
from alwaysevents.api.serializers import ActivityCountSerializer, InvolvementSummarySerializer
from alwaysevents.api.views.base import OrganisationApiView, extend_schema, responses
from alwaysevents.api.views.organisations import event_for
from coproduction.models import InvolvementActivity
from coproduction.permissions import can_see_partner_counts
from coproduction.selectors.involvement import coproduction_profile


class InvolvementSummaryView(OrganisationApiView):
    serializer_class = InvolvementSummarySerializer

    @extend_schema(
        summary="Co-production profile of an Always Event (counts)",
        responses=responses(InvolvementSummarySerializer, 403),
    )
    def get(self, request: Request, org_slug: str, event_id: int) -> Response:
        event = event_for(self, event_id)
        require(can_see_partner_counts(self.membership), "co-production counts")
        profile = coproduction_profile(event=event)
        return Response(
            InvolvementSummarySerializer(
                {
                    "activities": profile.activities,
                    "highest_rung": profile.highest_rung,
                    "codesign_or_above": profile.codesign_or_above,
                    "partner_attendances": profile.partner_attendances,
                    "staff_attendances": profile.staff_attendances,
                    "stages_without_partners": list(profile.stages_without_partners),
                    "summary": list(profile.summary),
                }
            ).data
        )


class InvolvementActivityListView(OrganisationApiView):
    serializer_class = ActivityCountSerializer

    @extend_schema(
        summary="Involvement activities of an Always Event (counts)",
        description="Newest first: what, when, the ladder rung, how many staff and partners.",
        responses=responses(ActivityCountSerializer(many=True), 403),
    )
    def get(self, request: Request, org_slug: str, event_id: int) -> Response:
        event = event_for(self, event_id)
        require(can_see_partner_counts(self.membership), "co-production counts")
        rows = (
            InvolvementActivity.objects.with_scope(organisation=self.organisation.pk)
            .filter(event=event)
            .annotate(
                staff_count=Count("staff", distinct=True),
                partner_count=Count("attendance", distinct=True),
            )
            .order_by("-held_on", "-pk")
            .values(
                "id",
                "title",
                "type",
                "held_on",
                "stage",
                "rung",
                "hours",
                "staff_count",
                "partner_count",
            )
        )
        return self.paginated(rows, ActivityCountSerializer)
