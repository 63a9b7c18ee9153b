"""The report's content on a fixture, its query count, and its HTML and PDF."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from alwaysevents.exceptions import DomainError
from alwaysevents.reporting import rendering
from alwaysevents.reporting.selectors.report import (
    period_bounds,
    previous_period,
    report_content,
)
from alwaysevents.tenancy.scope import organisation_scope
from tests.reporting.conftest import PERIOD, build_sponsor_month, pdf_strings

pytestmark = pytest.mark.django_db


def test_period_bounds_and_previous_period():
    assert period_bounds("2026-02") == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert previous_period(dt.date(2026, 12, 1)) == "2026-11"
    assert previous_period(dt.date(2027, 1, 15)) == "2026-12"


@pytest.mark.parametrize("bad", ["", "2026-13", "2026-1", "November", "26-11"])
def test_period_bounds_names_what_is_wrong(bad):
    with pytest.raises(DomainError, match="year and month like 2026-11"):
        period_bounds(bad)


def test_report_content_covers_each_sponsored_event(report_world):
    content = report_content(membership=report_world.membership, period=PERIOD)
    assert content.period_label == "October 2026"
    assert content.titles() == ["Told the plan for the day"], "own open events only"
    event = content.events[0]
    assert event.vision.startswith("I will always")
    assert event.aim.startswith("By 31 March 2027, 90% of patients on Ward 7")
    assert event.stage_label == "Testing"
    assert event.score == "2.5"
    assert event.score_change_text == "First report"
    assert event.accreditation is None

    (measure,) = event.measures
    assert measure.name == "Patients told the plan by 10am"
    assert measure.latest_value == "70%" and measure.latest_period == "Oct 2026"
    assert measure.target == "90%"
    kinds = {icon.kind: icon for icon in measure.icons}
    assert kinds["variation"].code == "improvement_high"
    assert kinds["variation"].label == "Improvement (higher values)"
    assert "assurance" in kinds
    assert measure.chart_svg.startswith("<svg")
    assert 'aria-labelledby="chart-title-' in measure.chart_svg

    (cycle,) = event.cycles
    assert (cycle.change_idea, cycle.number, cycle.decision) == ("Bedside plan card", 2, "Adopt")
    assert "Patients liked the card" in cycle.summary

    assert event.coproduction and "1 activity recorded" in event.coproduction[0]
    (challenge,) = event.challenges
    assert challenge.text == "Cover for protected time on nights"
    assert challenge.days_open == (dt.date(2026, 10, 31) - dt.date(2026, 9, 1)).days


def test_score_change_against_the_last_report(report_world):
    pk = str(report_world.event.pk)
    up = report_content(
        membership=report_world.membership, period=PERIOD, previous_scores={pk: "2.0"}
    )
    assert up.events[0].score_change == Decimal("0.5")
    assert up.events[0].score_change_text == "Up 0.5 since the last report"
    same = report_content(
        membership=report_world.membership, period=PERIOD, previous_scores={pk: "2.5"}
    )
    assert same.events[0].score_change_text == "No change since the last report"
    new = report_content(membership=report_world.membership, period=PERIOD, previous_scores={})
    assert new.events[0].score_change_text == "New in this report"


def test_report_content_with_nothing_sponsored(organisation, sponsor):
    from programmes.models import Membership

    with organisation_scope(organisation):
        membership = Membership.objects.select_related("organisation", "user").get(user=sponsor)
    content = report_content(membership=membership, period=PERIOD)
    assert content.events == ()
    html = rendering.report_body_html(content)
    assert "do not sponsor any open Always Events" in html


def test_query_count_is_fixed_per_sponsor_plus_two_per_event(
    report_world, django_assert_num_queries
):
    membership = report_world.membership
    with organisation_scope(report_world.organisation), django_assert_num_queries(11 + 2):
        report_content(membership=membership, period=PERIOD)
    for n in range(3):
        build_sponsor_month(report_world.organisation, report_world.sponsor, title=f"More {n}")
    # Three more events, each with a measure of 15 points and cycles: only the co-production
    # profile (two queries an event) grows.
    with organisation_scope(report_world.organisation), django_assert_num_queries(11 + 4 * 2):
        content = report_content(membership=membership, period=PERIOD)
    assert len(content.events) == 4


def test_html_body_reads_without_colour(report_world):
    content = report_content(membership=report_world.membership, period=PERIOD)
    html = rendering.report_body_html(content)
    assert "Progress report for October 2026" in html
    assert "Told the plan for the day" in html
    assert "Someone else" not in html and "Closed event" not in html
    assert "<caption>" in html and 'scope="col"' in html
    assert "Variation: </span>Improvement (higher values)" in html
    assert "Not applied for yet." in html  # no accreditation submission


def test_user_text_is_escaped(report_world):
    from programmes.models import AlwaysEvent

    with organisation_scope(report_world.organisation):
        AlwaysEvent.objects.filter(pk=report_world.event.pk).update(title="<b>Bold</b> & co")
    content = report_content(membership=report_world.membership, period=PERIOD)
    html = rendering.report_body_html(content)
    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in html


def test_pdf_is_a_pdf_with_the_event_title(report_world):
    content = report_content(membership=report_world.membership, period=PERIOD)
    pdf = rendering.report_pdf(content, rendering.report_body_html(content))
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    strings = pdf_strings(pdf)
    assert any("Told the plan for the day" in s for s in strings), "in the bookmarks"
    assert any("Progress report for October 2026" in s for s in strings)


def test_pdf_document_embeds_charts_as_images_and_keeps_icons_inline(report_world):
    content = report_content(membership=report_world.membership, period=PERIOD)
    document = rendering.pdf_document_html(content, rendering.report_body_html(content))
    assert "data:image/svg+xml;base64," in document
    assert 'alt="Patients told the plan by 10am: SPC chart (XmR)"' in document
    assert '<svg xmlns="http://www.w3.org/2000/svg"' not in document
    assert 'class="mdc-icon-mark"' in document
    assert "size: A4" in document


def test_a_report_of_a_past_month_leaves_out_later_data(report_world):
    from measurement.models import Measure
    from measurement.services.measures import data_point_save

    with organisation_scope(report_world.organisation):
        measure = Measure.objects.get(event=report_world.event)
        data_point_save(measure=measure, period=dt.date(2026, 11, 1), value=Decimal(99), by=None)
    content = report_content(membership=report_world.membership, period=PERIOD)
    (section,) = content.events[0].measures
    assert section.latest_period == "Oct 2026" and section.points == 15
