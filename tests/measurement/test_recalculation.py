"""A changed process: the suggested recalculation everywhere a measure is shown (issue 15).

The issue's ward: "told the plan by 10am" moved from about 50% to about 90% (target 90%, higher
is better) after a change. The engine's limits span both processes and call it "consistently
failing"; the product suggests new limits from the change and says "Not assessed" until a team
lead decides, on the page, the dashboard, the report, the API, the reminders and the digest.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from alwaysevents.api.services import api_token_create
from alwaysevents.reporting.digest import limits_to_recalculate_lines
from alwaysevents.reporting.models import NotificationKind
from alwaysevents.reporting.reminders import reminders_due
from alwaysevents.reporting.selectors.report import report_content
from alwaysevents.tenancy.scope import organisation_scope
from measurement.models import Measure, Phase
from measurement.services import measures as services
from programmes.models import Membership, Stage
from tests.api.conftest import ApiClient, measure_url
from tests.factories import AlwaysEventFactory

pytestmark = pytest.mark.django_db

FIRST = dt.date(2026, 7, 27)  # a Monday; 16 weeks to 9 Nov 2026, before the frozen today
CHANGE = FIRST + dt.timedelta(weeks=8)  # 21 Sep 2026
BEFORE = [50, 52, 48, 51, 49, 50, 53, 47]
AFTER = [89, 91, 90, 88, 92, 90, 89, 91]
FAILING = "Consistently failing the target"
NOT_ASSESSED = "Not assessed: the process has changed since the limits were set"
#: The key to the icons lists every icon, "Consistently failing" included: what a page *says*
#: is what is left without it.
KEY = re.compile(r'<details class="ae-mdc-key">.*?</details>', re.S)


def said(response) -> str:
    """A page's content without the key to the icons."""
    return KEY.sub("", response.content.decode())


@pytest.fixture
def event(organisation, editor, sponsor):
    return AlwaysEventFactory(
        organisation=organisation,
        team_lead=editor,
        executive_sponsor=sponsor,
        stage=Stage.TESTING,
        title="Told the plan for the day",
    )


@pytest.fixture
def measure(event):
    measure = services.measure_create(
        event=event,
        by=None,
        name="Told the plan by 10am",
        type="process",
        definition="Asked at 10am.",
        unit="%",
        direction="higher",
        target=Decimal(90),
    )
    for week, value in enumerate(BEFORE + AFTER):
        services.data_point_save(
            measure=measure,
            period=FIRST + dt.timedelta(weeks=week),
            value=Decimal(value),
            by=None,
        )
    return measure


def page(event, measure):
    return reverse(
        "measurement:measure-detail",
        kwargs={"org_slug": event.organisation.slug, "pk": event.pk, "measure_pk": measure.pk},
    )


def test_the_team_lead_is_offered_one_action_and_nobody_is_told_failing(
    client_for, event, measure, editor
):
    content = said(client_for(editor).get(page(event, measure)))
    assert "The process has changed: its limits need a decision" in content
    assert "The last 8 points, from 21 Sep 2026 to 9 Nov 2026, are all above the average" in content
    assert "Recalculate limits from 21 Sep 2026" in content
    assert "The process changed from 21 Sep 2026: 8 points in a row above the average." in content
    assert NOT_ASSESSED in content and FAILING not in content
    assert "Getting better since 21 Sep 2026; now around 90%, at the target of 90%." in content


@pytest.mark.parametrize("role", ["viewer", "sponsor", "org_admin"])
def test_every_other_role_sees_the_suggestion(client_for, event, measure, role, request):
    response = client_for(request.getfixturevalue(role)).get(page(event, measure))
    content = said(response)
    assert response.status_code == 200
    assert NOT_ASSESSED in content and FAILING not in content
    can_decide = role == "org_admin"
    assert ("Recalculate limits from 21 Sep 2026" in content) is can_decide
    assert ("A team lead can recalculate the limits" in content) is not can_decide


def test_an_outsider_sees_nothing(client_for, event, measure, outsider):
    assert client_for(outsider).get(page(event, measure)).status_code == 404
    response = client_for(outsider).post(
        page(event, measure), {"action": "keep", "keep-start_period": CHANGE.isoformat()}
    )
    assert response.status_code == 404
    measure.refresh_from_db()
    assert measure.limits_kept_from is None


def test_recalculating_is_a_recorded_decision_and_the_new_phase_is_assessed(
    client_for, event, measure, editor
):
    client = client_for(editor)
    response = client.post(
        page(event, measure),
        {
            "action": "recalculate",
            "recalculate-start_period": CHANGE.isoformat(),
            "recalculate-reason": "Plan card at every bedside from 21 Sep.",
        },
    )
    assert response.status_code == 302
    with organisation_scope(event.organisation):
        phase = Phase.objects.get(measure=measure)
    assert (phase.start_period, phase.decided_by, phase.reason) == (
        CHANGE,
        editor,
        "Plan card at every bedside from 21 Sep.",
    )
    content = said(client.get(page(event, measure)))
    assert "The process has changed" not in content and NOT_ASSESSED not in content
    assert "Hit and miss against the target" in content
    assert "No sign of change since 21 Sep 2026; now around 90%, sometimes meeting" in content


def test_keeping_the_limits_is_recorded_and_silences_that_run(client_for, event, measure, editor):
    client = client_for(editor)
    response = client.post(
        page(event, measure),
        {"action": "keep", "keep-start_period": CHANGE.isoformat(), "keep-reason": "A blip."},
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.limits_kept_from, measure.limits_kept_by, measure.limits_kept_reason) == (
        CHANGE,
        editor,
        "A blip.",
    )
    assert measure.limits_kept_at is not None
    content = said(client.get(page(event, measure)))
    assert "The process has changed" not in content
    assert "kept the limits on" in content and "for the run from 21 Sep 2026: A blip." in content
    assert FAILING in content  # the team's decision: the old limits judge the target again


def test_a_team_member_cannot_decide(client_for, event, measure, viewer):
    response = client_for(viewer).post(
        page(event, measure),
        {"action": "keep", "keep-start_period": CHANGE.isoformat()},
    )
    assert response.status_code == 403
    measure.refresh_from_db()
    assert measure.limits_kept_from is None


def test_keeping_from_a_period_without_data_is_refused_by_name(measure):
    with pytest.raises(Exception, match="There is no data for that period"):
        services.limits_keep(
            measure=measure, start_period=FIRST - dt.timedelta(weeks=1), reason="", by=None
        )


def test_the_api_says_not_assessed_with_the_suggestion(measure, viewer):
    _, raw = api_token_create(user=viewer, name="test", expires_in_days=30)
    body = ApiClient(raw).get(measure_url(measure, "analysis/")).json()
    assert body["assurance_icon"]["code"] == "not_assessed"
    assert body["assurance_icon"]["label"] == NOT_ASSESSED
    assert body["suggested_recalculation"] == {
        "start_period": "2026-09-21",
        "end_period": "2026-11-09",
        "points": 8,
        "side": "above",
    }
    assert body["headline"].startswith("Getting better since 21 Sep 2026")


def test_the_dashboard_says_not_assessed(client_for, organisation, event, measure, sponsor):
    url = reverse("reporting:dashboard", kwargs={"org_slug": organisation.slug})
    content = said(client_for(sponsor).get(url))
    assert "Told the plan by 10am" in content
    assert NOT_ASSESSED in content and FAILING not in content


def test_the_report_says_not_assessed(organisation, event, measure, sponsor):
    with organisation_scope(organisation):
        membership = Membership.objects.select_related("organisation", "user").get(user=sponsor)
    content = report_content(membership=membership, period="2026-11")
    (section,) = content.events[0].measures
    assert {icon.code for icon in section.icons} == {"improvement_high", "not_assessed"}
    assert section.headline.startswith("Getting better since 21 Sep 2026")
    assert len(section.lines) <= 3


def test_the_team_lead_is_reminded_once_a_run_and_the_digest_says_so(
    organisation, event, measure, editor
):
    reminders = [
        r
        for r in reminders_due(organisation=organisation, today=dt.date(2026, 11, 16))
        if r.kind == NotificationKind.LIMITS_CHANGED
    ]
    assert [(r.recipient_id, r.period) for r in reminders] == [
        (editor.pk, f"limits-{measure.pk}:2026-09-21")
    ]
    assert "Recalculate them, or keep them" in reminders[0].message
    lines = limits_to_recalculate_lines(organisation, None, None)
    assert lines == {
        event.pk: [
            "Waiting for the team lead: “Told the plan by 10am” has changed since 21 September "
            "2026 (8 results in a row above the average). Recalculate its limits from the "
            "change, or keep them, on the measure's page."
        ]
    }
    services.limits_keep(measure=measure, start_period=CHANGE, reason="", by=editor)
    assert limits_to_recalculate_lines(organisation, None, None) == {}
    assert Measure.objects.with_scope(organisation=organisation.pk).get(pk=measure.pk)
