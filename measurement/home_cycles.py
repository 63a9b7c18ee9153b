"""The home page's "PDSA cycles to start or study": each cycle waiting for its team's next step.

Registered into `programmes.home` by `MeasurementConfig.ready()`. A planned cycle whose start date
has come starts in place (the same service as the cycle's page; a cycle without its predictions
is refused there, and the page to write them is opened); the other steps need the cycle's page,
so they link to it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import owned_by
from measurement.models import PdsaCycle
from measurement.permissions import can_edit_pdsa_cycles
from measurement.selectors.due import cycles_due_from
from measurement.services import testing as services
from programmes.home import Home, HomeSection, Posted
from programmes.permissions import CONTENT_EDITORS

ACTION = "pdsa-start"


def context(home: Home) -> dict[str, Any] | None:
    if home.membership.role not in CONTENT_EDITORS:
        return None
    due = cycles_due_from(
        organisation=home.organisation, user_id=home.membership.user_id, now=timezone.now()
    )
    return {"cycles": due, "action": ACTION} if due else None


def _cycle_url(home: Home, cycle: PdsaCycle) -> str:
    return reverse(
        "measurement:pdsa-cycle-detail",
        kwargs={
            "org_slug": home.organisation.slug,
            "pk": cycle.change_idea.event_id,
            "cycle_pk": cycle.pk,
        },
    )


def post(home: Home, data: QueryDict) -> Posted:
    try:
        pk = int(data.get("cycle", ""))
    except ValueError:
        raise Http404("No such PDSA cycle here.") from None
    cycle = (
        owned_by(PdsaCycle, home.organisation)
        .select_related("change_idea__event")
        .filter(pk=pk)
        .first()
    )
    if cycle is None:
        raise Http404("No such PDSA cycle here.")
    if not can_edit_pdsa_cycles(home.membership, cycle.change_idea.event):
        raise PermissionDenied("You cannot start PDSA cycles of this Always Event.")
    try:
        services.pdsa_cycle_start(cycle=cycle, by=home.membership.user)
    except DomainError as error:
        messages.error(home.request, f"Cycle {cycle.number} has not started. {error.message}")
        return _cycle_url(home, cycle)
    messages.success(
        home.request,
        f"Cycle {cycle.number} on “{cycle.change_idea.text}” is under way: record what happens "
        "as you go.",
    )
    return reverse("programmes:organisation-home", kwargs={"org_slug": home.organisation.slug})


SECTION = HomeSection(template="measurement/home_cycles.html", context=context, post=post, order=25)
