"""The cost-line registry (programmes.costs) and how the value summary uses it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from programmes import costs, selectors, services
from tests.factories import AlwaysEventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(organisation, editor):
    return AlwaysEventFactory(organisation=organisation, team_lead=editor)


def test_a_registered_cost_line_is_added_to_the_total(event):
    services.cost_record(event=event, description="Printing", amount=Decimal("10"), by=None)
    with costs.registered(
        key="tests.fixed",
        label="Fixed costs",
        func=lambda es: {e.pk: Decimal("2.50") for e in es},
        position=1,
    ):
        summary = selectors.event_value_summary(event=event)
    line = next(line for line in summary.cost_lines if line.key == "tests.fixed")
    assert (line.label, line.amount, line.app) == ("Fixed costs", Decimal("2.50"), "tests")
    assert summary.other_costs == Decimal("10")
    assert summary.total_cost == Decimal("12.50") + sum(
        (x.amount for x in summary.cost_lines if x.key != "tests.fixed"), Decimal("0")
    )
    assert "tests.fixed" not in {source.key for source in costs.sources()}


def test_registering_the_same_key_again_replaces_the_line():
    with costs.registered(key="tests.twice", label="First", func=lambda es: {}):
        costs.register(key="tests.twice", label="Second")(lambda es: {})
        labels = [s.label for s in costs.sources() if s.key == "tests.twice"]
        assert labels == ["Second"]


def test_lines_run_inside_the_events_organisation_scope(event):
    from programmes.models import Cost

    def count_costs(es):
        # the scoped manager refuses to run unscoped
        return {e.pk: Decimal(Cost.objects.count()) for e in es}

    services.cost_record(event=event, description="Room", amount=Decimal("5"), by=None)
    with costs.registered(key="tests.scoped", label="Scoped", func=count_costs):
        summary = selectors.event_value_summary(event=event)
    assert next(x for x in summary.cost_lines if x.key == "tests.scoped").amount == 1


def test_the_impact_page_shows_each_cost_line(event, client_for, viewer):
    url = reverse(
        "programmes:event-impact", kwargs={"org_slug": event.organisation.slug, "pk": event.pk}
    )
    with costs.registered(
        key="tests.shown", label="Things bought", func=lambda es: {e.pk: Decimal("7") for e in es}
    ):
        html = client_for(viewer).get(url).content.decode()
    assert '<th class="nhsuk-table__header" scope="row">Things bought</th>' in html
    assert "£7.00" in html
