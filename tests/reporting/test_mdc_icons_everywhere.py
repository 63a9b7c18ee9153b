"""One drawing of the Making Data Count icons everywhere a measure shows them: the measure page,
the dashboard, the partner page, the report's HTML and the PDF's source draw the same icon with
the same markup; each shows the key beside its first chart (the report on its first page); the
monthly email gives the same letters and words without SVG."""

from __future__ import annotations

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse

from alwaysevents.reporting import rendering
from alwaysevents.reporting.selectors.report import report_content
from alwaysevents.reporting.services.reports import sponsor_report_generate, sponsor_report_send
from alwaysevents.tenancy.scope import across_organisations, organisation_scope
from coproduction.models import Consent
from measurement import icons
from measurement.models import Measure
from tests.coproduction.test_partner_access import sign_in_as_partner
from tests.factories import ConsentFactory, EventPartnerFactory
from tests.reporting.conftest import PERIOD

pytestmark = pytest.mark.django_db

KEY_MARK = 'class="ae-mdc-key"'


def draw(icon) -> str:
    return render_to_string("measurement/_mdc_icon.html", {"icon": icon}).strip()


@pytest.fixture
def surfaces(report_world, client_for, org_admin):
    """Every rendering of the fixture's measure (15 months, higher is better, target 90%)."""
    organisation, event = report_world.organisation, report_world.event
    with organisation_scope(organisation):
        measure = Measure.objects.get(event=event)
        partner = EventPartnerFactory(
            event=event, partner__display_name="Pat Fictional", partner__email="pat@example.org"
        ).partner
        ConsentFactory(partner=partner, purpose=Consent.Purpose.CONTACT)
    pat = sign_in_as_partner(partner, org_admin)
    sponsor = client_for(report_world.sponsor)
    page = sponsor.get(
        reverse(
            "measurement:measure-detail",
            kwargs={"org_slug": organisation.slug, "pk": event.pk, "measure_pk": measure.pk},
        )
    )
    assert page.status_code == 200
    dashboard = sponsor.get(reverse("reporting:dashboard", kwargs={"org_slug": organisation.slug}))
    partner_page = client_for(pat).get(
        reverse(
            "coproduction:partner-event", kwargs={"org_slug": organisation.slug, "pk": event.pk}
        )
    )
    assert dashboard.status_code == partner_page.status_code == 200
    content = report_content(membership=report_world.membership, period=PERIOD)
    body = rendering.report_body_html(content)
    return {
        "icons": list(page.context["analysis"].icons),
        "content": content,
        "measure page": page.content.decode(),
        "dashboard": dashboard.content.decode(),
        "partner page": partner_page.content.decode(),
        "report": body,
        "pdf source": rendering.pdf_document_html(content, body),
    }


SURFACES = ["measure page", "dashboard", "partner page", "report", "pdf source"]


def test_every_surface_draws_the_measures_icons_with_the_same_markup(surfaces):
    measure_icons = surfaces["icons"]
    assert [icon.kind for icon in measure_icons] == ["variation", "assurance"]
    assert measure_icons[0].code == "improvement_high"
    for icon in measure_icons:
        markup = draw(icon)
        assert "<svg" in markup and f"{icon.label}</span></span>" in markup
        for name in SURFACES:
            # Once for the measure and once in the key, which lists every icon.
            assert surfaces[name].count(markup) == 2, (name, icon.code)
    # Nothing else draws an icon: every symbol on each surface is one of these or in the key.
    # The dashboard's status table and the report's summary draw the measure's two icons small
    # (their words hidden for screen readers), and the report's first page has a compact key
    # (each icon and its label) before the key in full.
    expected = {"dashboard": 11 + 2 + 2, "report": 11 + 11 + 2 + 2, "pdf source": 11 + 11 + 2 + 2}
    for name in SURFACES:
        assert surfaces[name].count('<svg class="mdc-icon-mark"') == expected.get(name, 11 + 2), (
            name
        )


def test_the_old_drawings_are_gone(surfaces):
    for name in SURFACES:
        html = surfaces[name]
        assert 'class="ae-icon' not in html and 'class="mdc-icon"' not in html, name
        assert "How to read the icons" not in html, name


FIRST_CHART = {
    "measure page": '<figure class="ae-chart',
    "partner page": '<figure class="ae-chart',
}


def test_the_dashboard_shows_the_key_once_under_its_first_icons_folded(surfaces):
    """The dashboard opens with each event's status and icons: the key is right under them."""
    html = surfaces["dashboard"]
    assert html.count(KEY_MARK) == 1
    assert '<details class="ae-mdc-key">\n  <summary>What the icons mean</summary>' in html
    key = html.index(KEY_MARK)
    table = html.index('ae-status-table"')
    assert table < html.index('class="mdc-icon-mark"') < key
    assert html.index("</table>", table) < key < html.index('ae-dash-measures"')


@pytest.mark.parametrize("name", FIRST_CHART)
def test_each_page_shows_the_key_once_beside_its_first_chart_folded(surfaces, name):
    html = surfaces[name]
    assert html.count(KEY_MARK) == 1
    assert '<details class="ae-mdc-key">\n  <summary>What the icons mean</summary>' in html
    key = html.index(KEY_MARK)
    first_icon = html.index(draw(surfaces["icons"][0]))
    first_chart = html.index("<svg", html.index(FIRST_CHART[name]))
    assert first_chart < key and first_icon < key, "under the first chart and its icons"
    after = html[first_chart:key]
    assert after.count("<svg") <= 4, "beside the first chart: no more than its own drawing between"


def test_the_report_shows_the_key_open_on_its_first_page_before_the_first_measure(surfaces):
    for name in ("report", "pdf source"):
        html = surfaces[name]
        assert html.count(KEY_MARK) == 1 and '<details class="ae-mdc-key">' not in html
        key = html.index(KEY_MARK)
        assert html.index('class="report-summary"') < key < html.index('class="report-measure"')
        assert html.index('<h2 id="key-title">What the icons mean</h2>') < key


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def _bookmarks(tree):
    for label, target, children, _state in tree:
        yield label, target[0]
        yield from _bookmarks(children)


def test_the_pdf_draws_the_key_on_page_one_and_every_icon_inline(surfaces):
    import weasyprint
    from weasyprint.images import SVGImage

    source = surfaces["pdf source"]
    document = weasyprint.HTML(string=source, base_url=None).render()
    pages = dict(_bookmarks(document.make_bookmark_tree()))
    assert pages["What the icons mean"] == 0, "the key is on the first page"
    assert pages["Told the plan for the day"] >= 1, "the events start after it"

    def symbols(page) -> int:
        return sum(
            isinstance(getattr(box, "replacement", None), SVGImage)
            for box in _boxes(page._page_box)
        )

    # Page one: the summary's two icons and the compact key; then the key in full, the
    # measure's two icons and its chart.
    assert symbols(document.pages[0]) == 2 + 11, "the key's icons, drawn inline on page one"
    assert sum(symbols(page) for page in document.pages[1:]) == 11 + 2 + 1
    pdf = rendering.report_pdf(surfaces["content"], surfaces["report"])
    assert pdf.startswith(b"%PDF-")


def test_the_monthly_email_draws_the_same_icons_as_letters_and_words(report_world, surfaces):
    report = sponsor_report_generate(membership=report_world.membership, period=PERIOD)
    report.organisation = report_world.organisation
    (measure,) = report.summary["detail"][0]["measures"]
    assert measure["icons"] == [icons.stored(icon) for icon in surfaces["icons"]]
    sponsor_report_send(report=report)
    (message,) = mail.outbox
    html = str(message.alternatives[0][0])
    assert "<svg" not in html
    for icon in surfaces["icons"]:
        assert f"{icons.email_badge(icon)} {icon.label}" in html
        assert icon.label in message.body
    variation, assurance = surfaces["icons"]
    assert f"{variation.label}; {assurance.label}" in message.body


def test_an_email_of_a_report_stored_before_keeps_its_letters_and_words(report_world):
    report = sponsor_report_generate(membership=report_world.membership, period=PERIOD)
    summary = report.summary
    summary["detail"][0]["measures"][0]["icons"] = [
        ["Improvement (higher values)", "#00b0f0"],
        ["Consistently failing the target", "#e46c0a"],
    ]
    with across_organisations():
        type(report).objects.filter(pk=report.pk).update(summary=summary)
        report.refresh_from_db()
    report.organisation = report_world.organisation
    sponsor_report_send(report=report)
    (message,) = mail.outbox
    html = str(message.alternatives[0][0])
    assert f"{icons.email_badge(icons.BY_CODE['improvement_high'])} Improvement" in html
    assert ">F</span> Consistently failing the target" in html
    assert "Improvement (higher values); Consistently failing the target" in message.body
