"""Partner payment pages: rates and limit, an event's claims, one claim's decisions, receipts,
the benefits-advice notice and the value summary's line. Each role, and the outsider."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alwaysevents.tenancy.scope import organisation_scope
from coproduction.models import AuditEntry, Claim, Consent, PaymentRate
from coproduction.services import payments as services
from programmes.models import Membership, Role
from tests.factories import (
    ActivityFactory,
    AlwaysEventFactory,
    ConsentFactory,
    EventPartnerFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

Kind = Claim.Kind
State = Claim.State
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _private_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def event(organisation, editor):
    return AlwaysEventFactory(organisation=organisation, team_lead=editor, title="Plan the day")


@pytest.fixture
def partner(event):
    return EventPartnerFactory(event=event, partner__display_name="Pat Fictional").partner


def membership(user, organisation) -> Membership:
    with organisation_scope(organisation):
        return Membership.objects.get(user=user)


def claim(partner, event, by, *, state=State.DRAFT, kind=Kind.TRAVEL, amount="12.50", **extra):
    made = services.claim_create(
        partner=partner, event=event, kind=kind, amount=Decimal(amount), by=by, **extra
    )
    if state == State.DRAFT:
        return made
    services.claim_submit(claim=made, by=by)
    if state == State.SUBMITTED:
        return made
    admin = member_of(event.organisation, Role.ORGANISATION_ADMIN)
    services.claim_approve(
        claim=made,
        by=admin,
        membership=membership(admin, event.organisation),
        benefits_notice_confirmed=True,
    )
    if state == State.APPROVED:
        return made
    services.claim_mark_paid(claim=made, by=admin)
    return made


def fresh(c: Claim) -> Claim:
    return Claim.objects.with_scope(organisation=c.organisation_id).get(pk=c.pk)


def urls(event, c=None) -> dict[str, str]:
    slug = event.organisation.slug
    found = {
        "settings": reverse("coproduction:payment-settings", kwargs={"org_slug": slug}),
        "payments": reverse(
            "coproduction:event-payments", kwargs={"org_slug": slug, "pk": event.pk}
        ),
    }
    if c is not None:
        kwargs = {"org_slug": slug, "pk": event.pk, "claim_pk": c.pk}
        found["claim"] = reverse("coproduction:claim-detail", kwargs=kwargs)
        found["receipt"] = reverse("coproduction:claim-receipt", kwargs=kwargs)
    return found


def receipt(content=PDF, name="bus.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# --- the outsider -------------------------------------------------------------------------------


def test_outsider_gets_404_everywhere(event, partner, editor, client_for, outsider):
    c = claim(partner, event, editor, receipt=receipt())
    client = client_for(outsider)
    for url in urls(event, c).values():
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "submit"}).status_code == 404
    assert fresh(c).state == State.DRAFT


def test_a_claim_of_another_event_is_404(event, partner, editor, organisation, client_for):
    c = claim(partner, event, editor, receipt=receipt())
    other = AlwaysEventFactory(organisation=organisation, team_lead=editor)
    client = client_for(editor)
    assert client.get(urls(other, c)["claim"]).status_code == 404
    assert client.get(urls(other, c)["receipt"]).status_code == 404


# --- the organisation's rates and limit ---------------------------------------------------------


def test_payment_settings_are_for_organisation_admins(
    event, client_for, editor, viewer, sponsor, org_admin
):
    url = urls(event)["settings"]
    for user in (editor, viewer, sponsor):
        assert client_for(user).get(url).status_code == 403
        assert client_for(user).post(url, {"action": "settings"}).status_code == 403
    response = client_for(org_admin).get(url)
    assert response.status_code == 200
    assert "coproduction/payment_settings.html" in [t.name for t in response.templates]
    assert "up to <strong>£50.00</strong>" in response.content.decode()


def test_a_new_rate_supersedes_from_its_date(organisation, event, client_for, org_admin):
    client = client_for(org_admin)
    url = urls(event)["settings"]
    today = timezone.localdate()
    for amount, start in (("40", today - dt.timedelta(days=200)), ("45", today)):
        response = client.post(
            url,
            {
                "action": "rate",
                "rate-level": "Half day",
                "rate-amount": amount,
                "rate-effective_from": start.isoformat(),
            },
            follow=True,
        )
        assert f"Half day: £{amount}.00 from" in response.content.decode()
    client.post(
        url,
        {
            "action": "rate",
            "rate-level": "half day",
            "rate-amount": "50",
            "rate-effective_from": (today + dt.timedelta(days=30)).isoformat(),
        },
    )
    html = client.get(url).content.decode()
    table = html[html.index('id="rate-table"') :]
    assert table.index("£50.00") < table.index("£45.00") < table.index("£40.00")
    assert "From a future date" in table and "Current" in table and "Replaced" in table
    with organisation_scope(organisation):
        assert PaymentRate.objects.count() == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rate-level": "", "rate-amount": "40"}, "Enter level of involvement"),
        ({"rate-level": "Half day", "rate-amount": "-1"}, "Amount must be £0 or more"),
        ({"rate-level": "Half day", "rate-amount": "lots"}, "Amount must be a number"),
        ({"rate-level": "   ", "rate-amount": "40"}, "Enter level of involvement"),
    ],
)
def test_a_bad_rate_is_refused_with_a_message(event, client_for, org_admin, data, message):
    response = client_for(org_admin).post(
        urls(event)["settings"],
        {"action": "rate", "rate-effective_from": timezone.localdate().isoformat(), **data},
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_team_lead_limit_is_set_here(organisation, event, client_for, org_admin):
    client = client_for(org_admin)
    response = client.post(
        urls(event)["settings"],
        {"action": "settings", "settings-team_lead_approval_limit": "75"},
        follow=True,
    )
    assert "Team leads can now approve claims up to £75.00." in response.content.decode()
    assert services.payment_settings(organisation=organisation).team_lead_approval_limit == 75
    response = client.post(
        urls(event)["settings"], {"action": "settings", "settings-team_lead_approval_limit": "-5"}
    )
    assert "The limit must be £0 or more" in response.content.decode()


# --- an event's claims, per role ----------------------------------------------------------------


def test_team_members_and_sponsors_see_totals_only(
    event, partner, editor, client_for, viewer, sponsor
):
    claim(partner, event, editor, state=State.APPROVED, amount="30", receipt=receipt())
    claim(partner, event, editor, state=State.SUBMITTED, amount="7.25")
    for user in (viewer, sponsor):
        client = client_for(user)
        html = client.get(urls(event)["payments"]).content.decode()
        assert "Approved or paid so far: <strong>£30.00</strong>" in html
        assert "Pat Fictional" not in html
        assert 'id="claim-table"' not in html
        assert "Start a claim" not in html
        assert "only the team lead of this Always Event and the organisation admin" in html
        assert client.post(urls(event)["payments"], {"action": "claim"}).status_code == 403


def test_the_team_lead_and_the_admin_see_the_claims(event, partner, editor, client_for, org_admin):
    c = claim(partner, event, editor, state=State.SUBMITTED, amount="7.25")
    for user in (editor, org_admin):
        response = client_for(user).get(urls(event)["payments"])
        html = response.content.decode()
        assert "coproduction/event_payments.html" in [t.name for t in response.templates]
        assert "Pat Fictional" in html and "£7.25" in html
        assert urls(event, c)["claim"] in html
        assert "Start a claim" in html


def test_the_team_lead_of_another_event_sees_no_claims(
    organisation, event, partner, editor, client_for
):
    other_lead = member_of(organisation, Role.TEAM_LEAD)
    c = claim(partner, event, editor, receipt=receipt())
    client = client_for(other_lead)
    html = client.get(urls(event)["payments"]).content.decode()
    assert "Pat Fictional" not in html
    assert client.get(urls(event, c)["claim"]).status_code == 403
    assert client.get(urls(event, c)["receipt"]).status_code == 403


def test_the_coproduction_page_links_to_payments(event, partner, editor, client_for, viewer):
    claim(partner, event, editor, state=State.APPROVED, amount="20")
    page = reverse(
        "coproduction:event-coproduction",
        kwargs={"org_slug": event.organisation.slug, "pk": event.pk},
    )
    html = client_for(viewer).get(page).content.decode()
    assert "£20.00 approved or paid" in html
    assert urls(event)["payments"] in html
    assert "Payment totals" in html
    assert "Claims, receipts and approvals" in client_for(editor).get(page).content.decode()


def test_the_payments_page_runs_the_same_queries_however_many_claims(
    event, partner, editor, client_for
):
    client = client_for(editor)
    claim(partner, event, editor)
    client.get(urls(event)["payments"])
    with CaptureQueriesContext(connection) as few:
        client.get(urls(event)["payments"])
    for n in range(4):
        other = EventPartnerFactory(event=event).partner
        claim(other, event, editor, kind=Kind.INVOLVEMENT, amount=str(10 + n))
        claim(other, event, editor, state=State.SUBMITTED)
    with CaptureQueriesContext(connection) as many:
        client.get(urls(event)["payments"])
    assert len(many) == len(few)


# --- starting a claim, with a receipt -----------------------------------------------------------


def post_claim(client, event, partner, **extra):
    data = {
        "action": "claim",
        "claim-partner": partner.pk,
        "claim-kind": Kind.TRAVEL,
        "claim-amount": "8.40",
        "claim-description": "Bus fare",
        **extra,
    }
    return client.post(urls(event)["payments"], data)


def test_team_lead_starts_a_claim_with_a_receipt(organisation, event, partner, editor, client_for):
    activity = ActivityFactory(event=event, title="Co-design workshop")
    client = client_for(editor)
    response = post_claim(
        client,
        event,
        partner,
        **{"claim-activity": activity.pk, "claim-receipt": receipt(PNG, "photo.png")},
    )
    with organisation_scope(organisation):
        made = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == urls(event, made)["claim"]
    assert (made.state, made.amount, made.activity, made.created_by) == (
        State.DRAFT,
        Decimal("8.40"),
        activity,
        editor,
    )
    assert made.receipt.name.endswith(".png")
    html = client.get(response["Location"]).content.decode()
    assert "saved as a draft" in html
    assert "Download the receipt" in html and "Co-design workshop" in html


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (receipt(b"<html><script>alert(1)</script>", "receipt.pdf"), "must be a PDF, PNG or JPEG"),
        (receipt(b"GIF89a" + b"\x00" * 10, "receipt.png"), "must be a PDF, PNG or JPEG"),
        (receipt(b"", "empty.pdf"), "The file chosen for receipt is empty"),
    ],
)
def test_a_wrong_receipt_is_refused_by_its_content(
    organisation, event, partner, editor, client_for, upload, message
):
    response = post_claim(client_for(editor), event, partner, **{"claim-receipt": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Bus fare"' in html  # what was typed stays
    with organisation_scope(organisation):
        assert not Claim.objects.exists()


def test_a_receipt_over_10_mb_is_refused(
    monkeypatch, organisation, event, partner, editor, client_for
):
    monkeypatch.setattr(services, "RECEIPT_MAX_BYTES", 100)
    big = receipt(PDF + b"0" * 200, "big.pdf")
    response = post_claim(client_for(editor), event, partner, **{"claim-receipt": big})
    assert "The receipt is too big: it must be 10 MB or smaller." in response.content.decode()
    with organisation_scope(organisation):
        assert not Claim.objects.exists()


def test_claim_form_errors_are_plain(event, partner, editor, client_for):
    response = post_claim(
        client_for(editor), event, partner, **{"claim-amount": "0", "claim-kind": ""}
    )
    html = response.content.decode()
    assert "Amount must be £0.01 or more" in html
    assert "Select what the claim is for" in html


def test_a_partner_who_left_cannot_be_chosen(event, partner, editor, client_for):
    from coproduction.services import partners as partner_services

    partner_services.partner_leave_event(
        partner=partner, event=event, left_on=timezone.localdate(), by=editor
    )
    response = post_claim(client_for(editor), event, partner)
    assert "Select one of the choices offered for partner" in response.content.decode()


# --- one claim: who sees which button -----------------------------------------------------------


def buttons(html: str) -> set[str]:
    names = ("Submit claim", "Approve claim", "Reject claim", "Mark as paid")
    return {name for name in names if f">{name}<" in html}


def test_team_members_and_sponsors_cannot_open_a_claim(
    event, partner, editor, client_for, viewer, sponsor
):
    c = claim(partner, event, editor, receipt=receipt())
    for user in (viewer, sponsor):
        client = client_for(user)
        assert client.get(urls(event, c)["claim"]).status_code == 403
        assert client.post(urls(event, c)["claim"], {"action": "submit"}).status_code == 403
        assert client.get(urls(event, c)["receipt"]).status_code == 403
    assert fresh(c).state == State.DRAFT


def test_the_team_lead_submits_and_decides_within_the_limit(event, partner, editor, client_for):
    c = claim(partner, event, editor, amount="40")
    client = client_for(editor)
    assert buttons(client.get(urls(event, c)["claim"]).content.decode()) == {"Submit claim"}
    response = client.post(urls(event, c)["claim"], {"action": "submit"}, follow=True)
    html = response.content.decode()
    assert "The claim is submitted for approval." in html
    assert buttons(html) == {"Approve claim", "Reject claim"}
    html = client.post(urls(event, c)["claim"], {"action": "approve"}, follow=True).content.decode()
    assert "The claim is approved." in html
    assert buttons(html) == {"Mark as paid"}
    html = client.post(urls(event, c)["claim"], {"action": "pay"}, follow=True).content.decode()
    assert "The claim is marked as paid." in html
    assert buttons(html) == set()
    assert fresh(c).state == State.PAID


def test_over_the_limit_only_the_admin_decides(event, partner, editor, client_for, org_admin):
    c = claim(partner, event, editor, state=State.SUBMITTED, amount="80")
    lead = client_for(editor)
    html = lead.get(urls(event, c)["claim"]).content.decode()
    assert buttons(html) == set()
    assert "the organisation admin decides it" in html
    for action in ("approve", "reject", "pay"):
        assert lead.post(urls(event, c)["claim"], {"action": action}).status_code == 403
    assert fresh(c).state == State.SUBMITTED
    admin = client_for(org_admin)
    assert buttons(admin.get(urls(event, c)["claim"]).content.decode()) == {
        "Approve claim",
        "Reject claim",
    }
    admin.post(urls(event, c)["claim"], {"action": "approve"})
    assert fresh(c).state == State.APPROVED
    assert lead.post(urls(event, c)["claim"], {"action": "pay"}).status_code == 403
    admin.post(urls(event, c)["claim"], {"action": "pay"})
    assert fresh(c).state == State.PAID


def test_reject_needs_a_reason_and_shows_it(event, partner, editor, client_for, organisation):
    c = claim(partner, event, editor, state=State.SUBMITTED)
    client = client_for(editor)
    response = client.post(urls(event, c)["claim"], {"action": "reject", "reject-reason": " "})
    assert "Say why the claim is rejected." in response.content.decode()
    assert fresh(c).state == State.SUBMITTED
    response = client.post(
        urls(event, c)["claim"],
        {"action": "reject", "reject-reason": "The same bus fare was claimed last week."},
        follow=True,
    )
    html = response.content.decode()
    assert "The claim is rejected" in html
    assert "The same bus fare was claimed last week." in html
    assert fresh(c).state == State.REJECTED
    with organisation_scope(organisation):
        assert AuditEntry.objects.filter(action="claim_rejected", actor=editor).exists()


def test_a_stale_button_gives_a_message_not_an_error(event, partner, editor, client_for):
    c = claim(partner, event, editor, state=State.SUBMITTED)
    response = client_for(editor).post(urls(event, c)["claim"], {"action": "submit"}, follow=True)
    assert "This claim is submitted, so it cannot be submitted." in response.content.decode()


def test_a_missing_payment_consent_is_explained(event, partner, editor, client_for, org_admin):
    c = claim(partner, event, editor, state=State.SUBMITTED, kind=Kind.INVOLVEMENT, amount="40")
    response = client_for(org_admin).post(
        urls(event, c)["claim"],
        {"action": "approve", "approve-benefits_notice_confirmed": "on"},
        follow=True,
    )
    assert "Pat Fictional has not consented to having their payments processed." in (
        response.content.decode()
    )
    assert fresh(c).state == State.SUBMITTED


# --- the benefits-advice notice -----------------------------------------------------------------


def test_the_benefits_notice_comes_before_the_first_payment(
    organisation, event, partner, editor, client_for, org_admin
):
    ConsentFactory(partner=partner, purpose=Consent.Purpose.PAYMENT)
    c = claim(partner, event, editor, state=State.SUBMITTED, kind=Kind.INVOLVEMENT, amount="60")
    # The team lead (over their limit) is told it will be asked for.
    html = client_for(editor).get(urls(event, c)["claim"]).content.decode()
    assert 'id="benefits-notice-reminder"' in html
    admin = client_for(org_admin)
    html = admin.get(urls(event, c)["claim"]).content.decode()
    assert "payments can affect benefits" in html
    assert "Citizens Advice" in html
    assert "Pat Fictional has been given the benefits-advice notice above" in html
    response = admin.post(urls(event, c)["claim"], {"action": "approve"})
    assert "Tick to confirm they have been given the benefits-advice notice" in (
        response.content.decode()
    )
    assert fresh(c).state == State.SUBMITTED
    with organisation_scope(organisation):
        assert not AuditEntry.objects.filter(action="benefits_notice_given").exists()
    admin.post(
        urls(event, c)["claim"], {"action": "approve", "approve-benefits_notice_confirmed": "on"}
    )
    assert fresh(c).state == State.APPROVED
    with organisation_scope(organisation):
        entry = AuditEntry.objects.get(action="benefits_notice_given")
    assert (entry.actor, entry.partner) == (org_admin, partner)
    # Asked once: paying it, and the next claim, need no confirmation.
    html = admin.get(urls(event, c)["claim"]).content.decode()
    assert 'id="benefits-notice"' not in html
    admin.post(urls(event, c)["claim"], {"action": "pay"})
    assert fresh(c).state == State.PAID
    later = claim(partner, event, editor, state=State.SUBMITTED, kind=Kind.INVOLVEMENT)
    assert 'id="benefits-notice' not in admin.get(urls(event, later)["claim"]).content.decode()


def test_expenses_need_no_benefits_notice(event, partner, editor, client_for, org_admin):
    c = claim(partner, event, editor, state=State.SUBMITTED, kind=Kind.TRAVEL)
    html = client_for(org_admin).get(urls(event, c)["claim"]).content.decode()
    assert 'id="benefits-notice' not in html
    assert "benefits_notice_confirmed" not in html


# --- the receipt --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type", "suffix"),
    [(PDF, "application/pdf", ".pdf"), (PNG, "image/png", ".png")],
)
def test_the_receipt_downloads_for_the_team_lead_and_admin(
    event, partner, editor, client_for, org_admin, content, content_type, suffix
):
    c = claim(partner, event, editor, receipt=receipt(content, "scan.html"))
    for user in (editor, org_admin):
        response = client_for(user).get(urls(event, c)["receipt"])
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == (
            f'attachment; filename="receipt-claim-{c.pk}{suffix}"'
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content) == content


def test_a_claim_without_a_receipt_has_none_to_download(event, partner, editor, client_for):
    c = claim(partner, event, editor)
    assert client_for(editor).get(urls(event, c)["receipt"]).status_code == 404


def test_receipts_have_no_public_address(event, partner, editor):
    c = claim(partner, event, editor, receipt=receipt())
    with pytest.raises(ValueError, match="no public address"):
        c.receipt.url  # noqa: B018


# --- the value summary --------------------------------------------------------------------------


def test_approved_and_paid_claims_are_a_line_of_the_value_summary(
    event, partner, editor, client_for, viewer
):
    from programmes.selectors import event_value_summary
    from programmes.services import cost_record

    cost_record(event=event, description="Printing", amount=Decimal("10"), by=None)
    claim(partner, event, editor, state=State.APPROVED, amount="30")
    claim(partner, event, editor, state=State.PAID, amount="12.50")
    claim(partner, event, editor, state=State.SUBMITTED, amount="99")
    summary = event_value_summary(event=event)
    line = next(x for x in summary.cost_lines if x.key == "coproduction.partner_payments")
    assert (line.label, line.amount) == ("Partner payments and expenses", Decimal("42.50"))
    assert summary.total_cost == Decimal("52.50")
    impact = reverse(
        "programmes:event-impact", kwargs={"org_slug": event.organisation.slug, "pk": event.pk}
    )
    html = client_for(viewer).get(impact).content.decode()
    assert re.search(r'<th[^>]* scope="row"[^>]*>Partner payments and expenses</th>', html)
    assert "£42.50" in html and "£52.50" in html


def test_the_team_lead_corrects_a_draft_and_adds_the_receipt_later(
    event, partner, editor, client_for
):
    c = claim(partner, event, editor, amount="12.50")
    client = client_for(editor)
    page = client.get(urls(event, c)["claim"]).content.decode()
    assert "Correct the draft" in page and 'enctype="multipart/form-data"' in page
    html = client.post(
        urls(event, c)["claim"],
        {"action": "edit", "edit-kind": "travel", "edit-amount": "-3", "edit-description": ""},
    ).content.decode()
    assert "Amount must be £0.01 or more" in html
    html = client.post(
        urls(event, c)["claim"],
        {
            "action": "edit",
            "edit-kind": "travel",
            "edit-amount": "14.20",
            "edit-description": "Taxi",
        },
        follow=True,
    ).content.decode()
    assert "The draft claim is corrected." in html and fresh(c).amount == Decimal("14.20")
    html = client.post(
        urls(event, c)["claim"],
        {"action": "receipt", "receipt-receipt": receipt(b"not a receipt", "taxi.pdf")},
    ).content.decode()
    assert "This file is none of those, whatever its name says." in html
    html = client.post(
        urls(event, c)["claim"], {"action": "receipt", "receipt-receipt": receipt()}, follow=True
    ).content.decode()
    assert "The receipt is added to the claim." in html and "Download the receipt" in html
    client.post(urls(event, c)["claim"], {"action": "submit"})
    page = client.get(urls(event, c)["claim"]).content.decode()
    assert "Correct the draft" not in page and "Replace the receipt" in page
    response = client.post(
        urls(event, c)["claim"],
        {"action": "edit", "edit-kind": "travel", "edit-amount": "99", "edit-description": ""},
        follow=True,
    )
    assert "only a draft can be changed" in response.content.decode()
    assert fresh(c).amount == Decimal("14.20")


def test_team_members_cannot_correct_a_claim(event, partner, editor, client_for, viewer):
    c = claim(partner, event, editor)
    response = client_for(viewer).post(
        urls(event, c)["claim"],
        {"action": "edit", "edit-kind": "travel", "edit-amount": "1", "edit-description": ""},
    )
    assert response.status_code == 403
    assert fresh(c).amount == Decimal("12.50")
