"""Partner payments and expenses (coproduction.services.payments), on the real database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone
from django_scopes.exceptions import ScopeError

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import organisation_scope
from coproduction.models import AuditEntry, Claim, Consent, PaymentRate, PaymentSettings
from coproduction.selectors.payments import event_partner_payments_total
from coproduction.services import partners as partner_services
from coproduction.services import payments as services
from programmes.models import Membership, Role
from tests.factories import (
    ActivityFactory,
    AlwaysEventFactory,
    ConsentFactory,
    EventPartnerFactory,
    PartnerFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

Kind = Claim.Kind
State = Claim.State
PDF = b"%PDF-1.4\n% a receipt\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16


@pytest.fixture(autouse=True)
def _private_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def event(organisation, editor):
    return AlwaysEventFactory(organisation=organisation, team_lead=editor)


@pytest.fixture
def partner(event):
    return EventPartnerFactory(event=event).partner


def membership(user, organisation) -> Membership:
    with organisation_scope(organisation):
        return Membership.objects.get(user=user)


def make_claim(partner, event, by, *, kind=Kind.TRAVEL, amount="12.50", **extra) -> Claim:
    return services.claim_create(
        partner=partner, event=event, kind=kind, amount=Decimal(amount), by=by, **extra
    )


def submitted(partner, event, by, **kwargs) -> Claim:
    return services.claim_submit(claim=make_claim(partner, event, by, **kwargs), by=by)


def approved(partner, event, admin, organisation, **kwargs) -> Claim:
    claim = submitted(partner, event, admin, **kwargs)
    return services.claim_approve(
        claim=claim,
        by=admin,
        membership=membership(admin, organisation),
        benefits_notice_confirmed=True,
    )


def fresh(claim: Claim) -> Claim:
    return Claim.objects.with_scope(organisation=claim.organisation_id).get(pk=claim.pk)


def audits(organisation) -> list[AuditEntry]:
    with organisation_scope(organisation):
        return list(AuditEntry.objects.order_by("pk"))


# --- rates and settings -------------------------------------------------------------------------


def test_payment_rate_set_once_per_level_and_date(organisation):
    day = dt.date(2025, 4, 1)
    first = services.payment_rate_set(
        organisation=organisation, level="Half  day", amount=Decimal("40"), effective_from=day
    )
    again = services.payment_rate_set(
        organisation=organisation, level="half day", amount=Decimal("45"), effective_from=day
    )
    services.payment_rate_set(
        organisation=organisation,
        level="half day",
        amount=Decimal("50"),
        effective_from=dt.date(2026, 4, 1),
    )
    assert again.pk == first.pk
    with organisation_scope(organisation):
        rates = list(PaymentRate.objects.values_list("level", "amount"))
    assert sorted(rates) == [("half day", Decimal("45.00")), ("half day", Decimal("50.00"))]


def test_payment_rate_set_refuses_bad_input(organisation):
    with pytest.raises(DomainError, match="Name the level"):
        services.payment_rate_set(
            organisation=organisation,
            level="  ",
            amount=Decimal("1"),
            effective_from=dt.date(2025, 1, 1),
        )
    with pytest.raises(DomainError, match="cannot be negative"):
        services.payment_rate_set(
            organisation=organisation,
            level="full day",
            amount=Decimal("-1"),
            effective_from=dt.date(2025, 1, 1),
        )


def test_payment_rate_unique_per_organisation_level_and_date(organisation):
    day = dt.date(2025, 1, 1)
    with organisation_scope(organisation):
        PaymentRate.objects.create(
            organisation=organisation, level="attendance", amount=1, effective_from=day
        )
        with pytest.raises(IntegrityError):
            PaymentRate.objects.create(
                organisation=organisation, level="attendance", amount=2, effective_from=day
            )


def test_payment_settings_default_and_update(organisation):
    assert services.payment_settings(organisation=organisation).team_lead_approval_limit == 50
    services.payment_settings_update(
        organisation=organisation, team_lead_approval_limit=Decimal("80")
    )
    services.payment_settings_update(
        organisation=organisation, team_lead_approval_limit=Decimal("75")
    )
    with organisation_scope(organisation):
        assert PaymentSettings.objects.count() == 1
    assert services.payment_settings(organisation=organisation).team_lead_approval_limit == 75


# --- claim_create -------------------------------------------------------------------------------


def test_claim_create_makes_a_draft(organisation, event, partner, editor):
    activity = ActivityFactory(event=event)
    claim = make_claim(partner, event, editor, activity=activity, description=" Bus  fare ")
    claim = fresh(claim)
    assert claim.state == State.DRAFT
    assert claim.organisation_id == organisation.pk
    assert claim.activity_id == activity.pk
    assert claim.description == "Bus fare"
    assert claim.created_by_id == editor.pk
    assert not claim.receipt


def test_claim_create_needs_the_partner_in_the_event(organisation, event, editor):
    stranger = PartnerFactory(organisation=organisation)
    with pytest.raises(DomainError, match="does not take part"):
        make_claim(stranger, event, editor)


def test_claim_create_refuses_a_partner_who_left(organisation, event, partner, editor):
    partner_services.partner_leave_event(
        partner=partner, event=event, left_on=timezone.localdate(), by=editor
    )
    with pytest.raises(DomainError, match="does not take part"):
        make_claim(partner, event, editor)


def test_claim_create_refuses_anonymised_partner(event, partner, editor):
    partner_services.partner_anonymise(partner=partner, by=editor)
    with pytest.raises(DomainError, match="anonymised"):
        make_claim(partner, event, editor)


def test_claim_create_refuses_another_organisations_partner(other_organisation, event, editor):
    theirs = PartnerFactory(organisation=other_organisation)
    with pytest.raises(DomainError, match="not a partner of"):
        make_claim(theirs, event, editor)


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_claim_create_needs_a_positive_amount(event, partner, editor, amount):
    with pytest.raises(DomainError, match="more than £0"):
        make_claim(partner, event, editor, amount=amount)


def test_claim_create_refuses_unknown_kind(event, partner, editor):
    with pytest.raises(DomainError, match="Choose what the claim is for"):
        make_claim(partner, event, editor, kind="holiday")


def test_claim_create_refuses_another_events_activity(organisation, event, partner, editor):
    other = ActivityFactory(event=AlwaysEventFactory(organisation=organisation))
    with pytest.raises(DomainError, match="not part of"):
        make_claim(partner, event, editor, activity=other)


@pytest.mark.parametrize(("name", "content"), [("r.pdf", PDF), ("r.png", PNG), ("r.jpg", JPEG)])
def test_claim_create_accepts_pdf_png_and_jpeg_receipts(
    settings, tmp_path, event, partner, editor, name, content
):
    receipt = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    claim = fresh(make_claim(partner, event, editor, receipt=receipt))
    stored = Path(claim.receipt.path)
    assert stored.is_relative_to(tmp_path / "private" / "receipts")
    assert stored.read_bytes() == content
    assert claim.receipt.name
    assert name not in claim.receipt.name
    with pytest.raises(ValueError, match="no public address"):
        claim.receipt.url  # noqa: B018
    assert claim.receipt.name.startswith(f"{claim.organisation_id}/")


@pytest.mark.parametrize(
    "content", [b"<html><script>alert(1)</script>", b"GIF89a....", b"MZ\x90\x00"]
)
def test_claim_create_sniffs_the_receipt_type(event, partner, editor, content):
    # The name and declared type lie: only the content counts.
    receipt = SimpleUploadedFile("receipt.pdf", content, content_type="application/pdf")
    with pytest.raises(DomainError, match="PDF, PNG or JPEG"):
        make_claim(partner, event, editor, receipt=receipt)
    with organisation_scope(event.organisation):
        assert not Claim.objects.exists()


def test_claim_create_refuses_empty_receipt(event, partner, editor):
    with pytest.raises(DomainError, match="empty"):
        make_claim(partner, event, editor, receipt=SimpleUploadedFile("r.pdf", b""))


def test_claim_create_refuses_receipt_over_10_mb(monkeypatch, event, partner, editor):
    monkeypatch.setattr(services, "RECEIPT_MAX_BYTES", 100)
    big = SimpleUploadedFile("r.pdf", PDF + b"x" * 100)
    with pytest.raises(DomainError, match="10 MB or smaller"):
        make_claim(partner, event, editor, receipt=big)
    exact = SimpleUploadedFile("r.pdf", PDF + b"x" * (100 - len(PDF)))
    assert make_claim(partner, event, editor, receipt=exact).receipt


def test_receipt_limit_is_10_mb():
    assert services.RECEIPT_MAX_BYTES == 10 * 1024 * 1024


# --- state machine ------------------------------------------------------------------------------


def test_full_journey_draft_submitted_approved_paid(organisation, event, partner, org_admin):
    claim = make_claim(partner, event, org_admin)
    services.claim_submit(claim=claim, by=org_admin)
    assert fresh(claim).state == State.SUBMITTED
    assert fresh(claim).submitted_at is not None
    services.claim_approve(
        claim=claim, by=org_admin, membership=membership(org_admin, organisation)
    )
    approved_claim = fresh(claim)
    assert approved_claim.state == State.APPROVED
    assert approved_claim.approved_by_id == org_admin.pk
    assert approved_claim.approved_at is not None
    services.claim_mark_paid(claim=claim, by=org_admin)
    assert fresh(claim).state == State.PAID
    assert fresh(claim).paid_at is not None


def test_reject_a_submitted_claim_with_a_reason(organisation, event, partner, editor):
    claim = submitted(partner, event, editor)
    services.claim_reject(claim=claim, reason=" No receipt for the taxi. ", by=editor)
    claim = fresh(claim)
    assert claim.state == State.REJECTED
    assert claim.rejected_reason == "No receipt for the taxi."


def test_reject_needs_a_reason(event, partner, editor):
    claim = submitted(partner, event, editor)
    with pytest.raises(DomainError, match="Say why"):
        services.claim_reject(claim=claim, reason="   ", by=editor)
    assert fresh(claim).state == State.SUBMITTED


def _to_state(state, partner, event, org_admin, organisation) -> Claim:
    claim = make_claim(partner, event, org_admin)
    if state == State.DRAFT:
        return claim
    services.claim_submit(claim=claim, by=org_admin)
    if state == State.REJECTED:
        return services.claim_reject(claim=claim, reason="Duplicate.", by=org_admin)
    if state == State.SUBMITTED:
        return claim
    services.claim_approve(
        claim=claim, by=org_admin, membership=membership(org_admin, organisation)
    )
    if state == State.APPROVED:
        return claim
    return services.claim_mark_paid(claim=claim, by=org_admin)


ALLOWED = {
    "submit": {State.DRAFT},
    "approve": {State.SUBMITTED},
    "reject": {State.SUBMITTED},
    "pay": {State.APPROVED},
}


@pytest.mark.parametrize("move", sorted(ALLOWED))
@pytest.mark.parametrize("state", list(State))
def test_no_other_moves(organisation, event, partner, org_admin, move, state):
    if state in ALLOWED[move]:
        return
    claim = _to_state(state, partner, event, org_admin, organisation)
    with pytest.raises(DomainError, match=f"This claim is {state.label.lower()}, so it cannot"):
        if move == "submit":
            services.claim_submit(claim=claim, by=org_admin)
        elif move == "approve":
            services.claim_approve(
                claim=claim, by=org_admin, membership=membership(org_admin, organisation)
            )
        elif move == "reject":
            services.claim_reject(claim=claim, reason="No.", by=org_admin)
        else:
            services.claim_mark_paid(claim=claim, by=org_admin)
    assert fresh(claim).state == state


def test_a_stale_object_cannot_move_twice(organisation, event, partner, org_admin):
    claim = submitted(partner, event, org_admin)
    stale = fresh(claim)
    services.claim_reject(claim=claim, reason="Duplicate.", by=org_admin)
    with pytest.raises(DomainError, match="This claim is rejected"):
        services.claim_approve(
            claim=stale, by=org_admin, membership=membership(org_admin, organisation)
        )
    assert fresh(claim).state == State.REJECTED


# --- approval limits by role --------------------------------------------------------------------


def test_org_admin_approves_any_amount(organisation, event, partner, org_admin):
    claim = approved(partner, event, org_admin, organisation, amount="900")
    assert fresh(claim).state == State.APPROVED


def test_team_lead_approves_up_to_the_limit(organisation, event, partner, editor):
    claim = submitted(partner, event, editor, amount="50")
    services.claim_approve(claim=claim, by=editor, membership=membership(editor, organisation))
    assert fresh(claim).state == State.APPROVED


def test_team_lead_refused_over_the_limit(organisation, event, partner, editor):
    claim = submitted(partner, event, editor, amount="50.01")
    with pytest.raises(
        DomainError, match=r"up to £50.00\. This claim is £50.01: ask the organisation admin"
    ):
        services.claim_approve(claim=claim, by=editor, membership=membership(editor, organisation))
    assert fresh(claim).state == State.SUBMITTED
    assert audits(organisation) == []


def test_team_lead_limit_is_per_organisation(organisation, event, partner, editor):
    services.payment_settings_update(
        organisation=organisation, team_lead_approval_limit=Decimal("100")
    )
    claim = submitted(partner, event, editor, amount="99")
    services.claim_approve(claim=claim, by=editor, membership=membership(editor, organisation))
    assert fresh(claim).state == State.APPROVED


def test_team_lead_of_another_event_cannot_approve(organisation, event, partner, editor):
    other_lead = member_of(organisation, Role.TEAM_LEAD)
    claim = submitted(partner, event, editor, amount="5")
    with pytest.raises(DomainError, match="event's team lead"):
        services.claim_approve(
            claim=claim, by=other_lead, membership=membership(other_lead, organisation)
        )


@pytest.mark.parametrize("role", [Role.TEAM_MEMBER, Role.EXECUTIVE_SPONSOR])
def test_other_roles_cannot_approve(organisation, event, partner, editor, role):
    user = member_of(organisation, role)
    claim = submitted(partner, event, editor, amount="5")
    with pytest.raises(DomainError, match="Only the organisation admin"):
        services.claim_approve(claim=claim, by=user, membership=membership(user, organisation))


def test_inactive_or_borrowed_membership_cannot_approve(
    organisation, event, partner, editor, org_admin, outsider, other_organisation
):
    claim = submitted(partner, event, editor, amount="5")
    theirs = membership(outsider, other_organisation)
    with pytest.raises(DomainError, match="Only members of"):
        services.claim_approve(claim=claim, by=outsider, membership=theirs)
    mine = membership(org_admin, organisation)
    with pytest.raises(DomainError, match="Only members of"):
        services.claim_approve(claim=claim, by=editor, membership=mine)
    mine.is_active = False
    with pytest.raises(DomainError, match="Only members of"):
        services.claim_approve(claim=claim, by=org_admin, membership=mine)
    assert fresh(claim).state == State.SUBMITTED


# --- consent for involvement payments -----------------------------------------------------------


def test_involvement_payment_needs_payment_consent(organisation, event, partner, org_admin):
    claim = submitted(partner, event, org_admin, kind=Kind.INVOLVEMENT, amount="25")
    with pytest.raises(DomainError, match="has not consented to having their payments processed"):
        services.claim_approve(
            claim=claim, by=org_admin, membership=membership(org_admin, organisation)
        )
    assert fresh(claim).state == State.SUBMITTED
    ConsentFactory(partner=partner, purpose=Consent.Purpose.PAYMENT)
    services.claim_approve(
        claim=claim,
        by=org_admin,
        membership=membership(org_admin, organisation),
        benefits_notice_confirmed=True,
    )
    assert fresh(claim).state == State.APPROVED


def test_withdrawn_payment_consent_blocks_approval(organisation, event, partner, org_admin):
    consent = ConsentFactory(partner=partner, purpose=Consent.Purpose.PAYMENT)
    partner_services.consent_withdraw(consent=consent, by=org_admin)
    claim = submitted(partner, event, org_admin, kind=Kind.INVOLVEMENT, amount="25")
    with pytest.raises(DomainError, match="withdrew their consent"):
        services.claim_approve(
            claim=claim, by=org_admin, membership=membership(org_admin, organisation)
        )


def test_expenses_do_not_need_payment_consent(organisation, event, partner, org_admin):
    for kind in (Kind.TRAVEL, Kind.SUBSISTENCE, Kind.CARER_COVER):
        claim = approved(partner, event, org_admin, organisation, kind=kind)
        assert fresh(claim).state == State.APPROVED


# --- audit --------------------------------------------------------------------------------------


def test_approve_reject_and_pay_are_audited(organisation, event, partner, org_admin, editor):
    claim = approved(partner, event, org_admin, organisation, amount="30")
    services.claim_mark_paid(claim=claim, by=org_admin)
    other = submitted(partner, event, editor, amount="7")
    services.claim_reject(claim=other, reason="Duplicate.", by=editor)
    entries = audits(organisation)
    assert [(e.action, e.actor_id, e.partner_id) for e in entries] == [
        (services.PaymentAction.CLAIM_APPROVED, org_admin.pk, partner.pk),
        (services.PaymentAction.CLAIM_PAID, org_admin.pk, partner.pk),
        (services.PaymentAction.CLAIM_REJECTED, editor.pk, partner.pk),
    ]
    assert all(partner.pseudonym in e.summary for e in entries)
    assert all(partner.display_name not in e.summary for e in entries)
    assert "£30.00" in entries[0].summary


def test_submit_and_create_are_not_audited(organisation, event, partner, editor):
    submitted(partner, event, editor)
    assert audits(organisation) == []


# --- benefits notice ----------------------------------------------------------------------------


def test_first_involvement_payment_needs_the_benefits_notice(
    organisation, event, partner, org_admin
):
    ConsentFactory(partner=partner, purpose=Consent.Purpose.PAYMENT)
    assert services.benefits_notice_needed(partner=partner)
    travel = approved(partner, event, org_admin, organisation)
    services.claim_mark_paid(claim=travel, by=org_admin)
    assert services.benefits_notice_needed(partner=partner)  # expenses are not payments
    assert audits(organisation)[-1].action == services.PaymentAction.CLAIM_PAID
    claim = submitted(partner, event, org_admin, kind=Kind.INVOLVEMENT, amount="40")
    admin = membership(org_admin, organisation)
    with pytest.raises(DomainError, match="give them the benefits-advice notice") as error:
        services.claim_approve(claim=claim, by=org_admin, membership=admin)
    assert error.value.field == "benefits_notice_confirmed"
    assert fresh(claim).state == State.SUBMITTED
    services.claim_approve(
        claim=claim, by=org_admin, membership=admin, benefits_notice_confirmed=True
    )
    assert not services.benefits_notice_needed(partner=partner)
    notice = [e for e in audits(organisation) if e.action == "benefits_notice_given"]
    assert [(e.actor_id, e.partner_id) for e in notice] == [(org_admin.pk, partner.pk)]
    assert partner.pseudonym in notice[0].summary
    assert partner.display_name not in notice[0].summary
    # Not asked again: the payment, and their next claim, go through without it.
    services.claim_mark_paid(claim=claim, by=org_admin)
    later = submitted(partner, event, org_admin, kind=Kind.INVOLVEMENT, amount="40")
    services.claim_approve(claim=later, by=org_admin, membership=admin)
    assert len([e for e in audits(organisation) if e.action == "benefits_notice_given"]) == 1


def test_the_notice_is_asked_for_when_paying_a_claim_approved_without_it(
    organisation, event, partner, org_admin
):
    ConsentFactory(partner=partner, purpose=Consent.Purpose.PAYMENT)
    claim = submitted(partner, event, org_admin, kind=Kind.INVOLVEMENT, amount="40")
    # As if approved before the notice was recorded by the app.
    Claim.objects.with_scope(organisation=organisation.pk).filter(pk=claim.pk).update(
        state=State.APPROVED
    )
    with pytest.raises(DomainError, match="benefits-advice notice"):
        services.claim_mark_paid(claim=fresh(claim), by=org_admin)
    assert fresh(claim).state == State.APPROVED
    services.claim_mark_paid(claim=fresh(claim), by=org_admin, benefits_notice_confirmed=True)
    assert fresh(claim).state == State.PAID
    assert services.benefits_notice_given(partner=partner)


def test_a_paid_involvement_payment_means_the_notice_was_given(
    organisation, event, partner, org_admin
):
    claim = submitted(partner, event, org_admin, kind=Kind.INVOLVEMENT, amount="40")
    Claim.objects.with_scope(organisation=organisation.pk).filter(pk=claim.pk).update(
        state=State.PAID
    )  # paid before the app recorded notices
    assert not services.benefits_notice_needed(partner=partner)
    assert not services.benefits_notice_given(partner=partner)


def test_benefits_notice_record_once(organisation, partner, org_admin, editor):
    first = services.benefits_notice_record(partner=partner, by=org_admin)
    assert services.benefits_notice_record(partner=partner, by=editor) == first
    partner_services.partner_anonymise(partner=partner, by=org_admin)
    with pytest.raises(DomainError, match="anonymised"):
        services.benefits_notice_record(partner=partner, by=org_admin)


def test_reject_and_pay_with_a_membership_follow_the_approval_rules(
    organisation, event, partner, editor, org_admin, viewer
):
    lead = membership(editor, organisation)
    big = submitted(partner, event, editor, amount="80")
    with pytest.raises(DomainError, match=r"Team leads can reject claims up to £50\.00"):
        services.claim_reject(claim=big, reason="No receipt.", by=editor, membership=lead)
    with pytest.raises(DomainError, match="can reject claims"):
        services.claim_reject(
            claim=big, reason="No.", by=viewer, membership=membership(viewer, organisation)
        )
    services.claim_reject(
        claim=big,
        reason="No receipt.",
        by=org_admin,
        membership=membership(org_admin, organisation),
    )
    small = approved(partner, event, editor, organisation, amount="20")
    services.claim_mark_paid(claim=small, by=editor, membership=lead)
    assert fresh(small).state == State.PAID
    over = approved(partner, event, org_admin, organisation, amount="60")
    with pytest.raises(
        DomainError, match=r"Team leads can mark claims as paid up to £50\.00.*to mark it as paid"
    ):
        services.claim_mark_paid(claim=over, by=editor, membership=lead)
    assert fresh(over).state == State.APPROVED


def test_receipts_are_stored_under_the_suffix_of_their_content(event, partner, editor):
    claim = make_claim(
        partner,
        event,
        editor,
        receipt=SimpleUploadedFile("invoice.html", PNG, content_type="text/html"),
    )
    name = claim.receipt.name or ""
    assert name.endswith(".png")
    assert "invoice" not in name


# --- totals -------------------------------------------------------------------------------------


def test_event_total_counts_approved_and_paid_only(
    organisation, event, partner, org_admin, django_assert_num_queries
):
    assert event_partner_payments_total(event=event) == Decimal("0")
    make_claim(partner, event, org_admin, amount="1000")  # draft
    submitted(partner, event, org_admin, amount="2000")
    rejected = submitted(partner, event, org_admin, amount="4000")
    services.claim_reject(claim=rejected, reason="No.", by=org_admin)
    approved(partner, event, org_admin, organisation, amount="10.50")
    paid = approved(partner, event, org_admin, organisation, amount="20.25")
    services.claim_mark_paid(claim=paid, by=org_admin)
    other_event = AlwaysEventFactory(organisation=organisation)
    EventPartnerFactory(event=other_event, partner=partner)
    approved(partner, other_event, org_admin, organisation, amount="300")
    with django_assert_num_queries(1):
        total = event_partner_payments_total(event=event)
    assert total == Decimal("30.75")


# --- scoping ------------------------------------------------------------------------------------


def test_models_are_scoped_to_an_organisation(
    organisation, other_organisation, event, partner, org_admin, outsider
):
    approved(partner, event, org_admin, organisation)
    services.payment_rate_set(
        organisation=organisation,
        level="full day",
        amount=Decimal("90"),
        effective_from=dt.date(2025, 1, 1),
    )
    for model in (Claim, PaymentRate, PaymentSettings):
        with pytest.raises(ScopeError):
            list(model.objects.all())
    with organisation_scope(other_organisation):
        assert not Claim.objects.exists()
        assert not PaymentRate.objects.exists()
    theirs = AlwaysEventFactory(organisation=other_organisation, team_lead=outsider)
    their_partner = EventPartnerFactory(event=theirs).partner
    approved(their_partner, theirs, outsider, other_organisation, amount="5")
    assert event_partner_payments_total(event=event) == Decimal("12.50")
    assert event_partner_payments_total(event=theirs) == Decimal("5.00")


def test_another_organisations_admin_cannot_approve_our_claim(
    organisation, other_organisation, event, partner, editor, outsider
):
    claim = submitted(partner, event, editor)
    with pytest.raises(DomainError, match="Only members of Northfield"):
        services.claim_approve(
            claim=claim, by=outsider, membership=membership(outsider, other_organisation)
        )


def test_a_draft_is_corrected_and_a_submitted_claim_is_not(organisation, event, partner, editor):
    draft = make_claim(partner, event, editor, amount="12.50", description="Bus")
    services.claim_update(
        claim=draft, kind=Kind.SUBSISTENCE, amount=Decimal("8"), description="  Lunch  ", by=editor
    )
    again = fresh(draft)
    assert (again.kind, again.amount, again.description) == (
        Kind.SUBSISTENCE,
        Decimal("8"),
        "Lunch",
    )
    with pytest.raises(DomainError, match="more than £0") as error:
        services.claim_update(
            claim=draft, kind=Kind.TRAVEL, amount=Decimal("0"), description="", by=editor
        )
    assert error.value.field == "amount"
    assert fresh(draft).amount == Decimal("8")  # nothing half-changed
    services.claim_submit(claim=draft, by=editor)
    with pytest.raises(DomainError, match="only a draft can be changed"):
        services.claim_update(
            claim=draft, kind=Kind.TRAVEL, amount=Decimal("99"), description="", by=editor
        )
    assert fresh(draft).amount == Decimal("8")


def test_a_receipt_is_added_or_replaced_until_the_claim_is_decided(
    organisation, event, partner, org_admin, django_capture_on_commit_callbacks
):
    claim = make_claim(partner, event, org_admin)
    assert not claim.receipt
    services.claim_receipt_attach(
        claim=claim, receipt=SimpleUploadedFile("photo.jpg", PNG), by=org_admin
    )
    first = fresh(claim).receipt.name
    assert first.endswith(".png")  # named by what it is, not what it was called
    with pytest.raises(DomainError, match="PDF, PNG or JPEG"):
        services.claim_receipt_attach(
            claim=claim, receipt=SimpleUploadedFile("r.pdf", b"not a pdf"), by=org_admin
        )
    assert fresh(claim).receipt.name == first
    services.claim_submit(claim=claim, by=org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_receipt_attach(
            claim=claim, receipt=SimpleUploadedFile("r.pdf", PDF), by=org_admin
        )
    replaced = fresh(claim).receipt
    assert replaced.name.endswith(".pdf") and replaced.read() == PDF
    assert not replaced.storage.exists(first)  # the old file is gone
    services.claim_approve(
        claim=claim,
        by=org_admin,
        membership=membership(org_admin, organisation),
        benefits_notice_confirmed=True,
    )
    with pytest.raises(DomainError, match="can no longer change"):
        services.claim_receipt_attach(
            claim=claim, receipt=SimpleUploadedFile("r.pdf", PDF), by=org_admin
        )
