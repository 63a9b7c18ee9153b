"""A partner's subject access export: everything held about them, as one ZIP.

The ZIP holds `partner.json` (every section, as lists of objects), one CSV per section (cells
neutralised against spreadsheet formulas, as every other download), the receipts of their
claims read through the private storage, and a `README.txt` saying what is in it. It is
written to a temporary file that stays in memory up to `SPOOL_BYTES` and spills to disk
beyond (receipts are up to 10 MB each), so a partner with many receipts cannot exhaust the
web worker's memory.

Each export writes an audit entry and an access record *before* the data is read, so the
export lists itself.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from typing import IO, TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from alwaysevents.exports import Table, to_csv
from coproduction.models import Claim, Partner, PartnerAccessRecord
from coproduction.selectors import subject_access as selectors
from coproduction.services.access_records import partner_access_record
from coproduction.services.partners import audit_record
from coproduction.services.payments import receipt_suffix

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

SPOOL_BYTES = 8 * 1024 * 1024
ACTION = "subject_access_export"

README = """Everything {organisation} holds about {pseudonym}, as at {at} (UTC).

partner.json        every section below, in one file
details.csv         their details: name, contact details, access needs, payment preference
consents.csv        consents, with the version of the wording each was given under
involvement.csv     the Always Events they take part in
attendance.csv      the activities they took part in
feedback.csv        their feedback on those activities, in their own words
suggestions.csv     what they said they would change
sign_offs.csv       their sign-offs of vision statements
payments.csv        their payment and expense claims
audit.csv           the audit log entries about them
access_records.csv  who opened their contact, access-need or payment details, and when
receipts/           the receipts of their claims{missing}
"""


def _zip_name(suffix: str, claim_pk: int) -> str:
    return f"receipts/claim-{claim_pk}{suffix}"


def _add_receipts(
    archive: zipfile.ZipFile, partner: Partner, payments: selectors.Section
) -> list[int]:
    """Copy each receipt into the ZIP under a name of ours; return the claims whose file is
    missing or not a receipt."""
    storage = Claim._meta.get_field("receipt").storage
    by_claim = {row["claim"]: row for row in payments.rows}
    missing: list[int] = []
    for receipt in selectors.receipt_files(partner=partner):
        try:
            handle = storage.open(receipt.name, "rb")
        except (FileNotFoundError, OSError):
            missing.append(receipt.claim_pk)
            continue
        with handle:
            suffix = receipt_suffix(handle.read(8))
            if suffix is None:
                missing.append(receipt.claim_pk)
                continue
            handle.seek(0)
            name = _zip_name(suffix, receipt.claim_pk)
            with archive.open(name, "w") as out:
                shutil.copyfileobj(handle, out, length=256 * 1024)
        by_claim[receipt.claim_pk]["receipt"] = name
    return missing


@transaction.atomic
def partner_subject_access_export(*, partner: Partner, by: User, own: bool = False) -> IO[bytes]:
    """Record the export (audit log; and the access record, unless `own`: the partner
    downloading their own), then build the ZIP; returns it as an open binary file at its
    start (the caller closes it, e.g. by streaming it)."""
    audit_record(
        organisation=partner.organisation,
        actor=by,
        action=ACTION,
        partner=partner,
        summary=(
            f"{partner.pseudonym} downloaded everything held about them."
            if own
            else f"Everything held about {partner.pseudonym} was exported (subject access)."
        ),
    )
    if not own:
        partner_access_record(
            by=by, partners=[partner], kinds=[PartnerAccessRecord.Kind.EXPORT], where="Export"
        )
    sections = selectors.subject_access_sections(partner=partner)
    payments = next(s for s in sections if s.name == "payments")
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned open)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        missing = _add_receipts(archive, partner, payments)
        document: dict[str, Any] = {
            "organisation": partner.organisation.name,
            "exported_at": timezone.now().isoformat(),
            "missing_receipts_for_claims": missing,
        }
        for section in sections:
            document[section.name] = [
                {key: selectors.json_value(value) for key, value in row.items()}
                for row in section.rows
            ]
            table = Table(section.title, section.headers, section.table_rows())
            archive.writestr(f"{section.name}.csv", to_csv(table))
        archive.writestr(
            "partner.json", json.dumps(document, indent=2, ensure_ascii=False).encode()
        )
        archive.writestr(
            "README.txt",
            README.format(
                organisation=partner.organisation.name,
                pseudonym=partner.pseudonym,
                at=timezone.now().strftime("%Y-%m-%d %H:%M"),
                missing=(
                    f"\n\nThe receipt files of claims {', '.join(map(str, missing))} could not "
                    "be read; ask the organisation."
                    if missing
                    else ""
                ),
            ),
        )
    out.seek(0)
    return out
