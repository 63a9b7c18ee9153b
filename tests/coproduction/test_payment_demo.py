"""The demo's partner payments: rates, the limit and claims in every state, seeded once."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from alwaysevents.tenancy.scope import across_organisations, organisation_scope
from coproduction.demo import demo_receipt_pdf, demo_receipt_png
from coproduction.models import AuditEntry, Claim, PaymentRate, PaymentSettings
from coproduction.selectors.payments import event_partner_payments_total, payment_rate_list
from coproduction.services.payments import benefits_notice_needed, receipt_suffix
from programmes.models import Organisation

pytestmark = pytest.mark.django_db

State = Claim.State

#: The demo is built on a frozen date: every date in it is derived from today.
FROZEN = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _private_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def payments_snapshot():
    with across_organisations():
        return {
            "claims": sorted(
                Claim.objects.values_list(
                    "organisation__slug",
                    "event__title",
                    "partner__display_name",
                    "kind",
                    "amount",
                    "state",
                    "rejected_reason",
                    "created_at",
                    "paid_at",
                )
            ),
            "rates": sorted(
                PaymentRate.objects.values_list(
                    "organisation__slug", "level", "amount", "effective_from"
                )
            ),
            "settings": sorted(
                PaymentSettings.objects.values_list(
                    "organisation__slug", "team_lead_approval_limit"
                )
            ),
            "audit": AuditEntry.objects.count(),
        }


def check_payment_demo() -> None:
    """Claims in every state with real receipts, current and superseded rates."""
    for slug in ("northfield", "riverside"):
        organisation = Organisation.objects.get(slug=slug)
        with organisation_scope(organisation):
            claims = list(Claim.objects.select_related("event", "partner"))
            states = Counter(c.state for c in claims)
            assert set(states) == set(State.values), slug
            with_receipts = [c for c in claims if c.receipt]
            assert with_receipts
            for c in with_receipts:
                with c.receipt.open("rb") as handle:
                    assert receipt_suffix(handle.read(8)) in (".pdf", ".png")
            assert all(c.partner.display_name.endswith(")") for c in claims)  # fictional
            assert all(c.rejected_reason for c in claims if c.state == State.REJECTED)
            assert PaymentSettings.objects.exists()
        rates = payment_rate_list(organisation=organisation)
        assert {r.status for r in rates} >= {"current"}
        event = claims[0].event
        assert event_partner_payments_total(event=event) > Decimal("0")
    northfield = Organisation.objects.get(slug="northfield")
    assert {r.status for r in payment_rate_list(organisation=northfield)} == {
        "current",
        "superseded",
    }
    with organisation_scope(northfield):
        waiting = Claim.objects.get(kind=Claim.Kind.INVOLVEMENT, state=State.SUBMITTED)
    assert benefits_notice_needed(partner=waiting.partner)  # the notice shows in the demo


def test_the_demo_has_claims_in_every_state_with_real_receipts():
    with time_machine.travel(FROZEN, tick=True):
        call_command("seed_demo")
        check_payment_demo()


def test_seeding_payments_again_changes_nothing_and_fills_an_older_demo():
    with time_machine.travel(FROZEN, tick=True):
        call_command("seed_demo")
        first = payments_snapshot()
        call_command("seed_demo")
        assert payments_snapshot() == first
        # A database seeded before payments existed: partners there, no payments yet.
        with across_organisations():
            Claim.objects.all().delete()
            PaymentRate.objects.all().delete()
            PaymentSettings.objects.all().delete()
        call_command("seed_demo")
        again = payments_snapshot()
    assert [row[:7] for row in again["claims"]] == [row[:7] for row in first["claims"]]
    assert again["rates"] == first["rates"]


def test_demo_receipts_are_valid_files():
    pdf = demo_receipt_pdf("DEMO RECEIPT - GBP 6.80")
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    start = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[start:].startswith(b"xref")
    png = demo_receipt_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png.endswith(b"IEND\xaeB`\x82")
