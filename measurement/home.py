"""The home page's "Figures due from you": enter this week's figure in one step.

Registered into `programmes.home` by `MeasurementConfig.ready()`. Each figure due from the
person (measurement.selectors.due) comes with its own small form; sending it saves the point
through the same service as every other way in, then the home page shows the measure's chart
with the new point.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.urls import reverse

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import owned_by
from measurement.due import period_words
from measurement.forms.measures import FigureForm, plain_number
from measurement.models import Measure
from measurement.selectors.due import figures_due_from
from measurement.services import measures as services
from programmes.home import Home, HomeSection, Posted, Refused
from programmes.permissions import CONTENT_EDITORS, can_edit_event

ACTION = "figure"


def _prefix(measure: Measure) -> str:
    return f"figure-{measure.pk}"


def _measure(home: Home, pk: Any) -> Measure | None:
    try:
        number = int(pk)
    except (TypeError, ValueError):
        return None
    return owned_by(Measure, home.organisation).select_related("event").filter(pk=number).first()


def context(home: Home, bound: FigureForm | None = None) -> dict[str, Any] | None:
    if home.membership.role not in CONTENT_EDITORS:
        return None
    due = figures_due_from(
        organisation=home.organisation, user_id=home.membership.user_id, today=home.today
    )
    figures = []
    for item in due:
        form = bound if bound is not None and bound.prefix == _prefix(item.measure) else None
        figures.append(
            {
                "due": item,
                "form": form
                or FigureForm(
                    prefix=_prefix(item.measure),
                    initial={"period": item.period},
                    measure=item.measure,
                ),
            }
        )
    saved = _measure(home, home.request.GET.get("saved"))
    return {"figures": figures, "saved": saved, "action": ACTION}


def post(home: Home, data: QueryDict) -> Posted:
    measure = _measure(home, data.get("measure"))
    if measure is None:
        raise Http404("No such measure here.")
    if not can_edit_event(home.membership, measure.event):
        raise PermissionDenied("You cannot enter figures for this Always Event.")
    form = FigureForm(data, prefix=_prefix(measure), measure=measure)
    if form.is_valid():
        values = form.cleaned_data
        period = measure.normalise_period(values.pop("period"))
        try:
            point = services.data_point_save(
                measure=measure, period=period, by=home.membership.user, **values
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            figure = (
                f"{plain_number(point.numerator)} out of {plain_number(point.denominator)}"
                if measure.is_proportion
                else f"{plain_number(point.value)}"
            )
            messages.success(
                home.request,
                f"Saved {figure} for {period_words(measure.frequency, period)}: {measure.name}.",
            )
            home_url = reverse(
                "programmes:organisation-home", kwargs={"org_slug": home.organisation.slug}
            )
            return f"{home_url}?saved={measure.pk}#saved"
    return Refused(form, context(home, bound=form) or {})


SECTION = HomeSection(
    template="measurement/home_figures.html", context=context, post=post, order=20
)
