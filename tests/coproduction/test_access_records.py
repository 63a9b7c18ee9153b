"""Access records (issue 19, item 5): each view of a partner's contact, access-need or payment
details and each receipt download is recorded; organisation admins read the record per
partner; records older than the retention period are pruned."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alwaysevents.reporting.versions import data_version
from alwaysevents.tenancy.scope import organisation_scope
from coproduction.models import Claim, PartnerAccessRecord
from coproduction.services import access_records as services
from coproduction.services import partner_access as access_services
from coproduction.services import payments as payment_services
from coproduction.tasks import partner_retention_review_task
from programmes import services as programme_services
from tests.factories import (
    AlwaysEventFactory,
    ConsentFactory,
    EventPartnerFactory,
    PartnerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Kind = PartnerAccessRecord.Kind
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
TABLE = "coproduction_partneraccessrecord"


@pytest.fixture(autouse=True)
def _private_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def event(organisation, editor):
    return AlwaysEventFactory(organisation=organisation, team_lead=editor, title="Plan the day")


@pytest.fixture
def pat(event):
    partner = EventPartnerFactory(
        event=event, partner__display_name="Pat Fictional", partner__email="pat@example.org"
    ).partner
    ConsentFactory(partner=partner, purpose="contact")
    return partner


@pytest.fixture
def robin(event):
    return EventPartnerFactory(event=event, partner__display_name="Robin Otherperson").partner


def claim_for(partner, event, by):
    return payment_services.claim_create(
        partner=partner,
        event=event,
        kind=Claim.Kind.TRAVEL,
        amount=Decimal("8.40"),
        by=by,
        receipt=SimpleUploadedFile("bus.pdf", PDF, content_type="application/pdf"),
    )


def records(organisation, **filters) -> list[tuple[int, str, int | None]]:
    with organisation_scope(organisation):
        return list(
            PartnerAccessRecord.objects.filter(**filters)
            .order_by("partner_id", "kind")
            .values_list("partner_id", "kind", "viewer_id")
        )


def inserts(queries) -> int:
    return sum(1 for q in queries if q["sql"].startswith(f'INSERT INTO "{TABLE}"'))


def detail_url(event, partner) -> str:
    return reverse(
        "coproduction:partner-detail",
        kwargs={"org_slug": event.organisation.slug, "pk": event.pk, "partner_pk": partner.pk},
    )


def claim_urls(event, claim) -> tuple[str, str]:
    kwargs = {"org_slug": event.organisation.slug, "pk": event.pk, "claim_pk": claim.pk}
    return (
        reverse("coproduction:claim-detail", kwargs=kwargs),
        reverse("coproduction:claim-receipt", kwargs=kwargs),
    )


def record_url(organisation, partner) -> str:
    return reverse(
        "coproduction:partner-access-record",
        kwargs={"org_slug": organisation.slug, "partner_pk": partner.pk},
    )


# --- recording ----------------------------------------------------------------------------------


def test_partner_page_records_contact_access_and_payment_in_one_insert(
    client_for, organisation, editor, event, pat
):
    with CaptureQueriesContext(connection) as captured:
        response = client_for(editor).get(detail_url(event, pat))

    assert response.status_code == 200 and "pat@example.org" in response.content.decode()
    assert inserts(captured.captured_queries) == 1
    assert records(organisation) == [
        (pat.pk, Kind.ACCESS_NEEDS, editor.pk),
        (pat.pk, Kind.CONTACT, editor.pk),
        (pat.pk, Kind.PAYMENT, editor.pk),
    ]
    with organisation_scope(organisation):
        assert PartnerAccessRecord.objects.get(kind=Kind.CONTACT).where == (
            "Partner page, Plan the day"
        )


def test_who_cannot_see_the_details_leaves_no_record(
    client_for, organisation, viewer, sponsor, event, pat
):
    client_for(viewer).get(detail_url(event, pat))  # the name only
    client_for(sponsor).get(detail_url(event, pat))  # counts only: refused
    assert records(organisation) == []


def test_claim_page_records_payment_details(client_for, organisation, editor, event, pat):
    claim = claim_for(pat, event, editor)
    page, _receipt = claim_urls(event, claim)

    with CaptureQueriesContext(connection) as captured:
        assert client_for(editor).get(page).status_code == 200

    assert inserts(captured.captured_queries) == 1
    assert records(organisation) == [(pat.pk, Kind.PAYMENT, editor.pk)]


def test_receipt_download_is_recorded(client_for, organisation, org_admin, editor, event, pat):
    claim = claim_for(pat, event, editor)
    _page, receipt = claim_urls(event, claim)

    response = client_for(org_admin).get(receipt)

    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert records(organisation) == [(pat.pk, Kind.RECEIPT, org_admin.pk)]
    with organisation_scope(organisation):
        assert PartnerAccessRecord.objects.get().where == (
            f"Receipt of claim {claim.pk}, Plan the day"
        )


def test_event_payments_record_each_partner_listed_in_one_insert(
    client_for, organisation, editor, viewer, event, pat, robin
):
    claim_for(pat, event, editor)
    claim_for(robin, event, editor)
    claim_for(robin, event, editor)
    url = reverse(
        "coproduction:event-payments", kwargs={"org_slug": organisation.slug, "pk": event.pk}
    )

    client_for(viewer).get(url)  # totals only: nobody's payment details
    assert records(organisation) == []
    with CaptureQueriesContext(connection) as captured:
        assert client_for(editor).get(url).status_code == 200

    assert inserts(captured.captured_queries) == 1
    assert records(organisation) == [
        (pat.pk, Kind.PAYMENT, editor.pk),
        (robin.pk, Kind.PAYMENT, editor.pk),
    ]


def test_recording_does_not_move_the_dashboard_data_version(organisation, editor, pat):
    before = data_version(organisation.pk)
    services.partner_access_record(by=editor, partners=[pat], kinds=[Kind.CONTACT])
    assert data_version(organisation.pk) == before
    assert len(records(organisation)) == 1


def test_partner_ids_need_their_organisation(editor, pat):
    with pytest.raises(ValueError, match="need their organisation"):
        services.partner_access_record(by=editor, partner_ids=[pat.pk], kinds=[Kind.CONTACT])


def test_the_partner_looking_at_their_own_details_is_not_recorded(
    client_for, organisation, editor, pat
):
    invitation = access_services.partner_invite(partner=pat, by=editor)
    user = UserFactory(email="pat@example.org")
    programme_services.invitation_accept(invitation=invitation, user=user)

    url = reverse("coproduction:partner-me", kwargs={"org_slug": organisation.slug})
    assert client_for(user).get(url).status_code == 200
    assert records(organisation) == []


# --- the record page ----------------------------------------------------------------------------


def test_record_page_lists_newest_first_and_only_this_partner(
    client_for, organisation, org_admin, editor, viewer, pat, robin
):
    start = timezone.now()
    with organisation_scope(organisation):
        for minutes, who, kind in ((1, editor, Kind.CONTACT), (5, org_admin, Kind.RECEIPT)):
            PartnerAccessRecord.objects.create(
                organisation=organisation,
                partner=pat,
                viewer=who,
                kind=kind,
                at=start - dt.timedelta(minutes=minutes),
            )
        PartnerAccessRecord.objects.create(
            organisation=organisation, partner=robin, viewer=viewer, kind=Kind.PAYMENT
        )

    response = client_for(org_admin).get(record_url(organisation, pat))

    assert response.status_code == 200
    assert response.templates[0].name == "coproduction/partner_access_record.html"
    assert [(r.viewer, r.kind) for r in response.context["records"]] == [
        (editor, Kind.CONTACT),
        (org_admin, Kind.RECEIPT),
    ]
    page = response.content.decode()
    assert "Receipt download" in page and "kept for 2922 days" in page
    assert viewer.display_name not in page


def test_record_page_is_paginated_with_constant_queries(
    client_for, organisation, org_admin, editor, pat, django_assert_max_num_queries
):
    client = client_for(org_admin)
    url = record_url(organisation, pat)
    client.get(url)  # the session and the membership, once

    def add(n: int) -> None:
        with organisation_scope(organisation):
            PartnerAccessRecord.objects.bulk_create(
                PartnerAccessRecord(
                    organisation=organisation,
                    partner=pat,
                    viewer=UserFactory(),
                    kind=Kind.CONTACT,
                    at=timezone.now() - dt.timedelta(minutes=i),
                )
                for i in range(n)
            )

    add(3)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    add(120)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["records"]) == 50
    assert response.context["page_obj"].paginator.num_pages == 3
    last = client.get(url + "?page=3")
    assert len(last.context["records"]) == 23


@pytest.mark.parametrize(
    ("persona", "status"),
    [("org_admin", 200), ("editor", 403), ("viewer", 403), ("sponsor", 403)],
)
def test_every_role_on_the_record_page(request, client_for, organisation, pat, persona, status):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(record_url(organisation, pat)).status_code == status


def test_partner_role_cannot_read_the_record(client_for, organisation, editor, pat):
    invitation = access_services.partner_invite(partner=pat, by=editor)
    user = UserFactory(email="pat@example.org")
    programme_services.invitation_accept(invitation=invitation, user=user)
    assert client_for(user).get(record_url(organisation, pat)).status_code == 403


def test_outsider_gets_404(client_for, organisation, other_organisation, outsider, org_admin, pat):
    assert client_for(outsider).get(record_url(organisation, pat)).status_code == 404
    assert client_for(outsider).get(record_url(other_organisation, pat)).status_code == 404
    theirs = PartnerFactory(organisation=other_organisation)
    assert client_for(org_admin).get(record_url(organisation, theirs)).status_code == 404


def test_partner_detail_links_the_admin_to_the_record(
    client_for, organisation, org_admin, editor, event, pat
):
    link = record_url(organisation, pat)
    assert link in client_for(org_admin).get(detail_url(event, pat)).content.decode()
    assert link not in client_for(editor).get(detail_url(event, pat)).content.decode()


# --- retention ----------------------------------------------------------------------------------


def test_old_records_are_pruned_by_the_daily_task(
    settings, organisation, other_organisation, editor, pat
):
    settings.PARTNER_ACCESS_RECORD_DAYS = 30
    theirs = PartnerFactory(organisation=other_organisation)
    now = timezone.now()
    for partner in (pat, theirs):
        with organisation_scope(partner.organisation):
            for days in (31, 29):
                PartnerAccessRecord.objects.create(
                    organisation=partner.organisation,
                    partner=partner,
                    viewer=editor,
                    kind=Kind.CONTACT,
                    at=now - dt.timedelta(days=days),
                )

    partner_retention_review_task()

    for partner in (pat, theirs):
        with organisation_scope(partner.organisation):
            kept = list(PartnerAccessRecord.objects.values_list("at", flat=True))
        assert len(kept) == 1 and kept[0] > now - dt.timedelta(days=30)
    partner_retention_review_task()  # again: nothing more goes
    with organisation_scope(organisation):
        assert PartnerAccessRecord.objects.count() == 1


def test_prune_keeps_records_within_the_default_eight_years(organisation, editor, pat):
    assert services.partner_access_records_prune(organisation=organisation) == 0
    now = timezone.now()
    with organisation_scope(organisation):
        for days in (2921, 2923):
            PartnerAccessRecord.objects.create(
                organisation=organisation,
                partner=pat,
                viewer=editor,
                kind=Kind.PAYMENT,
                at=now - dt.timedelta(days=days),
            )
    assert services.partner_access_records_prune(organisation=organisation) == 1
