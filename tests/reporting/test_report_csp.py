"""The sponsor report's page keeps its <style> (shared with the PDF) under the strict
Content-Security-Policy: the style sheet carries the request's nonce, which only this page's
header names, a new one on each request; the PDF's document carries none."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from alwaysevents.reporting import rendering
from alwaysevents.reporting.selectors.report import report_content
from alwaysevents.reporting.services.reports import sponsor_report_generate
from alwaysevents.tenancy.scope import organisation_scope
from programmes.models import Membership
from tests.csp_check import HEADER, csp_problem, directives
from tests.reporting.conftest import PERIOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(report_world):
    with organisation_scope(report_world.organisation):
        membership = Membership.objects.select_related("organisation", "user").get(
            user=report_world.sponsor
        )
    return sponsor_report_generate(membership=membership, period=PERIOD)


def test_the_report_page_styles_carry_the_nonce_of_its_header(client_for, report_world, report):
    client = client_for(report_world.sponsor)
    address = reverse("reporting:report-detail", kwargs={"org_slug": "northfield", "pk": report.pk})
    nonces = []
    for _ in range(2):
        page = client.get(address)
        assert page.status_code == 200
        assert csp_problem(page) is None
        styles = directives(page[HEADER])["style-src"]
        assert len(styles) == 2 and styles[0] == "'self'"
        nonce = styles[1].removeprefix("'nonce-").removesuffix("'")
        body = page.content.decode()
        assert re.findall(r"<style([^>]*)>", body) == [f' nonce="{nonce}"']
        assert "report-chart" in body, "the report itself is on the page"
        nonces.append(nonce)
    assert nonces[0] != nonces[1], "a nonce is never used twice"


def test_the_pdf_document_has_no_nonce(report_world):
    """Drawn by WeasyPrint with no request: its style sheets are plain."""
    content = report_content(membership=report_world.membership, period=PERIOD)
    document = rendering.pdf_document_html(content, rendering.report_body_html(content))
    assert document.count("<style>") == 2 and "nonce" not in document
