"""Subject access (issue 19, item 4): everything held about one partner as one ZIP, for the
organisation admin and for the partner themselves; nothing about anyone else."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from alwaysevents.tenancy.scope import organisation_scope
from coproduction.models import (
    Attendance,
    AuditEntry,
    Claim,
    Consent,
    EventPartner,
    PartnerAccessRecord,
    PartnerSignOff,
    PartnerSuggestion,
)
from coproduction.services import partner_access as access_services
from coproduction.services import partners as partner_services
from coproduction.services import payments as payment_services
from coproduction.services.subject_access import partner_subject_access_export
from programmes import services as programme_services
from tests.factories import (
    ActivityFactory,
    AlwaysEventFactory,
    EventPartnerFactory,
    PartnerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% PAT-RECEIPT\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"ROBIN-RECEIPT" + b"\x00" * 32

# What only Robin's rows hold: none of it may appear anywhere in Pat's export.
ROBIN_MARKS = (
    "Robin Otherperson",
    "robin@example.org",
    "01632 960999",
    "robin-wording-v9",
    "ROBIN-FEEDBACK",
    "ROBIN-SUGGESTION",
    "ROBIN-CLAIM",
    "ROBIN-RECEIPT",
    "Partner 7002",
)
CSV_FILES = {
    "details.csv",
    "consents.csv",
    "involvement.csv",
    "attendance.csv",
    "feedback.csv",
    "suggestions.csv",
    "sign_offs.csv",
    "payments.csv",
    "audit.csv",
    "access_records.csv",
}


@pytest.fixture(autouse=True)
def _private_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def event(organisation, editor):
    return AlwaysEventFactory(
        organisation=organisation,
        team_lead=editor,
        title="Plan for the day",
        vision_statement="We will always tell you the plan for your day by 10am.",
    )


def _partner(event, editor, *, name, email, phone, pseudonym, wording, note=""):
    partner = EventPartnerFactory(
        event=event,
        partner__display_name=name,
        partner__email=email,
        partner__phone=phone,
        partner__pseudonym=pseudonym,
        partner__recruitment_note=note,
        partner__access_needs=["large_print"],
    ).partner
    for purpose in (Consent.Purpose.CONTACT, Consent.Purpose.QUOTING):
        partner_services.consent_give(
            partner=partner, purpose=purpose, wording_version=wording, by=editor
        )
    return partner


@pytest.fixture
def pat(event, editor):
    return _partner(
        event,
        editor,
        name="Pat Fictional",
        email="pat@example.org",
        phone="01632 960123",
        pseudonym="Partner 7001",
        wording="pat-wording-v3",
        note='=HYPERLINK("http://evil.example")',
    )


@pytest.fixture
def robin(event, editor):
    return _partner(
        event,
        editor,
        name="Robin Otherperson",
        email="robin@example.org",
        phone="01632 960999",
        pseudonym="Partner 7002",
        wording="robin-wording-v9",
    )


@pytest.fixture
def shared(organisation, event, editor, pat, robin):
    """Pat and Robin share an event, an activity (with feedback each), sign-offs, suggestions
    and claims with receipts; Robin's details were opened once."""
    activity = ActivityFactory(event=event, title="Ward walk-through", partners=[pat, robin])
    with organisation_scope(organisation):
        now = timezone.now()
        Attendance.objects.filter(partner=pat).update(feedback="PAT-FEEDBACK", feedback_at=now)
        Attendance.objects.filter(partner=robin).update(feedback="ROBIN-FEEDBACK", feedback_at=now)
        for who, text in ((pat, "PAT-SUGGESTION"), (robin, "ROBIN-SUGGESTION")):
            PartnerSuggestion.objects.create(
                organisation=organisation, event=event, partner=who, text=text
            )
    for who in (pat, robin):
        partner_services.partner_sign_off_vision(
            event=event, partner=who, signed_on=timezone.localdate(), by=editor
        )
    claims = {}
    for who, content, name, text in (
        (pat, PDF, "pat.pdf", "PAT-CLAIM"),
        (robin, PNG, "robin.png", "ROBIN-CLAIM"),
    ):
        claims[who.pk] = payment_services.claim_create(
            partner=who,
            event=event,
            kind=Claim.Kind.TRAVEL,
            amount=Decimal("12.50"),
            by=editor,
            activity=activity,
            description=text,
            receipt=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        )
    with organisation_scope(organisation):
        PartnerAccessRecord.objects.create(
            organisation=organisation, partner=robin, viewer=editor, kind="contact"
        )
    return claims


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def csv_rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8-sig"))))


def export_url(organisation, partner) -> str:
    return reverse(
        "coproduction:partner-export",
        kwargs={"org_slug": organisation.slug, "partner_pk": partner.pk},
    )


def me_export_url(organisation) -> str:
    return reverse("coproduction:partner-me-export", kwargs={"org_slug": organisation.slug})


def sign_in_as(partner, by):
    invitation = access_services.partner_invite(partner=partner, by=by)
    user = UserFactory(email=partner.email, full_name=partner.display_name)
    programme_services.invitation_accept(invitation=invitation, user=user)
    return user


def export(partner, by, **kwargs) -> dict[str, bytes]:
    handle = partner_subject_access_export(partner=partner, by=by, **kwargs)
    with handle:
        return unzip(handle.read())


# --- the export itself --------------------------------------------------------------------------


def test_export_lists_its_files(organisation, org_admin, pat, shared):
    files = export(pat, org_admin)

    assert set(files) == {"README.txt", "partner.json", *CSV_FILES} | {
        f"receipts/claim-{shared[pat.pk].pk}.pdf"
    }
    assert files[f"receipts/claim-{shared[pat.pk].pk}.pdf"] == PDF


def test_export_holds_every_row_about_the_partner(organisation, org_admin, event, pat, shared):
    files = export(pat, org_admin)
    document = json.loads(files["partner.json"])

    with organisation_scope(organisation):
        expected = {
            "consents": Consent.objects.filter(partner=pat).count(),
            "involvement": EventPartner.objects.filter(partner=pat).count(),
            "attendance": Attendance.objects.filter(partner=pat).count(),
            "feedback": Attendance.objects.filter(partner=pat).exclude(feedback="").count(),
            "suggestions": PartnerSuggestion.objects.filter(partner=pat).count(),
            "sign_offs": PartnerSignOff.objects.filter(partner=pat).count(),
            "payments": Claim.objects.filter(partner=pat).count(),
            "audit": AuditEntry.objects.filter(partner=pat).count(),
            "access_records": PartnerAccessRecord.objects.filter(partner=pat).count(),
        }
    # Two consents given, and the export itself.
    assert expected["consents"] == 2 and expected["audit"] == 3
    for name, count in expected.items():
        assert len(document[name]) == count, name
        assert len(csv_rows(files, f"{name}.csv")) == count, name

    details = document["details"][0]
    assert details["display_name"] == "Pat Fictional"
    assert details["email"] == "pat@example.org"
    assert details["access_needs"] == "Large print"
    assert {c["wording_version"] for c in document["consents"]} == {"pat-wording-v3"}
    assert document["feedback"][0]["feedback"] == "PAT-FEEDBACK"
    assert document["suggestions"][0]["text"] == "PAT-SUGGESTION"
    assert document["sign_offs"][0]["signed_by_name"] == "Pat Fictional"
    payment = document["payments"][0]
    assert payment["description"] == "PAT-CLAIM" and payment["amount"] == "12.50"
    assert payment["receipt"] == f"receipts/claim-{shared[pat.pk].pk}.pdf"
    assert document["attendance"][0]["activity"] == "Ward walk-through"
    assert document["involvement"][0]["event"] == event.title
    assert "subject_access_export" in {e["action"] for e in document["audit"]}
    assert document["missing_receipts_for_claims"] == []


def test_export_holds_nothing_of_anyone_else(org_admin, pat, robin, shared):
    files = export(pat, org_admin)

    for name, content in files.items():
        text = content.decode("latin-1")
        for mark in ROBIN_MARKS:
            assert mark not in text, (mark, name)
    # And Robin's export, the other way round, holds Robin's and none of Pat's.
    robin_files = export(robin, org_admin)
    everything = b"".join(robin_files.values()).decode("latin-1")
    assert "ROBIN-FEEDBACK" in everything and "ROBIN-RECEIPT" in everything
    for mark in ("Pat Fictional", "pat@example.org", "PAT-FEEDBACK", "PAT-CLAIM", "PAT-RECEIPT"):
        assert mark not in everything


def test_export_neutralises_spreadsheet_formulas(org_admin, pat, shared):
    files = export(pat, org_admin)

    note = csv_rows(files, "details.csv")[0]["Recruitment note"]
    assert note.startswith("'=HYPERLINK")
    # The JSON keeps the text as it is: it is data, not a spreadsheet.
    assert json.loads(files["partner.json"])["details"][0]["recruitment_note"].startswith("=")


def test_export_is_audited_and_recorded(organisation, org_admin, pat, shared):
    export(pat, org_admin)

    with organisation_scope(organisation):
        entry = AuditEntry.objects.get(partner=pat, action="subject_access_export")
        record = PartnerAccessRecord.objects.get(partner=pat, kind="export")
    assert entry.actor == org_admin and "Pat Fictional" not in entry.summary
    assert record.viewer == org_admin


def test_missing_receipt_file_is_listed_not_fatal(organisation, org_admin, pat, shared):
    claim = shared[pat.pk]
    claim.receipt.storage.delete(claim.receipt.name)

    files = export(pat, org_admin)

    assert not any(name.startswith("receipts/") for name in files)
    assert json.loads(files["partner.json"])["missing_receipts_for_claims"] == [claim.pk]
    assert f"claims {claim.pk} could not be read" in files["README.txt"].decode()


def test_anonymised_partner_exports_under_the_pseudonym(organisation, org_admin, editor, pat):
    partner_services.partner_anonymise(partner=pat, by=editor)

    files = export(pat, org_admin)

    details = csv_rows(files, "details.csv")[0]
    assert details["Name they are known by"] == "Partner 7001"
    assert details["Email"] == "" and "Pat Fictional" not in files["partner.json"].decode()


def test_export_reads_a_constant_number_of_queries(
    organisation, org_admin, event, pat, shared, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        export(pat, org_admin)
    for n in range(5):
        activity = ActivityFactory(event=event, title=f"Extra {n}", partners=[pat])
        payment_services.claim_create(
            partner=pat,
            event=event,
            kind=Claim.Kind.TRAVEL,
            amount=Decimal("3"),
            by=org_admin,
            activity=activity,
        )
    with django_assert_max_num_queries(20):
        export(pat, org_admin)


# --- the pages ----------------------------------------------------------------------------------


def test_org_admin_downloads_a_partner_export(
    client_for, organisation, org_admin, pat, robin, shared
):
    response = client_for(org_admin).get(export_url(organisation, pat))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert (
        'attachment; filename="everything-held-partner-7001.zip"' in response["Content-Disposition"]
    )
    assert response["Cache-Control"] == "private, no-store"
    files = unzip(b"".join(response.streaming_content))
    assert "partner.json" in files and "Robin Otherperson" not in files["partner.json"].decode()


def test_partner_downloads_their_own(client_for, organisation, editor, pat, robin, shared):
    user = sign_in_as(pat, editor)
    client = client_for(user)

    page = client.get(reverse("coproduction:partner-me", kwargs={"org_slug": organisation.slug}))
    assert me_export_url(organisation) in page.content.decode()
    response = client.get(me_export_url(organisation))

    assert response.status_code == 200
    files = unzip(b"".join(response.streaming_content))
    assert json.loads(files["partner.json"])["details"][0]["email"] == "pat@example.org"
    assert "ROBIN" not in b"".join(files.values()).decode("latin-1")
    with organisation_scope(organisation):
        entry = AuditEntry.objects.get(partner=pat, action="subject_access_export")
        # Their own download is audited, but is not someone opening their details.
        assert not PartnerAccessRecord.objects.filter(partner=pat, kind="export").exists()
    assert entry.actor == user and "downloaded everything held about them" in entry.summary
    # The admin's address of a partner export is not theirs.
    assert client.get(export_url(organisation, robin)).status_code == 403
    assert client.get(export_url(organisation, pat)).status_code == 403


@pytest.mark.parametrize(
    ("persona", "status"),
    [("org_admin", 200), ("editor", 403), ("viewer", 403), ("sponsor", 403)],
)
def test_every_staff_role_on_the_export(
    request, client_for, organisation, pat, shared, persona, status
):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(export_url(organisation, pat)).status_code == status
    # Staff have no partner record of their own.
    assert client.get(me_export_url(organisation)).status_code == 403


def test_outsider_gets_404(client_for, organisation, other_organisation, outsider, pat, shared):
    client = client_for(outsider)
    assert client.get(export_url(organisation, pat)).status_code == 404
    assert client.get(me_export_url(organisation)).status_code == 404
    # Nor through their own organisation's address.
    assert client.get(export_url(other_organisation, pat)).status_code == 404
    with organisation_scope(organisation):
        assert not AuditEntry.objects.filter(action="subject_access_export").exists()


def test_another_organisations_partner_is_404_for_our_admin(
    client_for, organisation, other_organisation, org_admin
):
    theirs = PartnerFactory(organisation=other_organisation)
    assert client_for(org_admin).get(export_url(organisation, theirs)).status_code == 404


def test_partner_detail_links_the_admin_to_the_export(
    client_for, organisation, org_admin, editor, event, pat
):
    url = reverse(
        "coproduction:partner-detail",
        kwargs={"org_slug": organisation.slug, "pk": event.pk, "partner_pk": pat.pk},
    )
    assert export_url(organisation, pat) in client_for(org_admin).get(url).content.decode()
    assert export_url(organisation, pat) not in client_for(editor).get(url).content.decode()
