"""The accreditation certificate as a PDF (WeasyPrint), from a template and plain facts."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accreditation.models import Certificate, Decision, Snapshot
from alwaysevents.pdf import html_to_pdf


def certificate_facts(certificate: Certificate) -> dict[str, object]:
    """What the certificate shows: the frozen title, organisation, dates and the code."""
    submission = certificate.submission
    scope = {"organisation": submission.organisation_id}
    title = (
        Snapshot.objects.with_scope(**scope)
        .filter(submission=submission)
        .order_by("-taken_at", "-pk")
        .values_list("data__event__title", flat=True)
        .first()
    )
    decided_at = (
        Decision.objects.with_scope(**scope)
        .filter(submission=submission)
        .values_list("decided_at", flat=True)
        .first()
    )
    path = reverse("accreditation:verify-code", kwargs={"code": certificate.verification_code})
    return {
        "event_title": title or "",
        "organisation": submission.organisation.name,
        "decided_on": timezone.localtime(decided_at or certificate.issued_at).date(),
        "expires_on": certificate.expires_on,
        "code": certificate.verification_code,
        "verify_url": settings.SITE_URL.rstrip("/") + path,
    }


def certificate_pdf(certificate: Certificate) -> bytes:
    html = render_to_string("accreditation/certificate_pdf.html", certificate_facts(certificate))
    return html_to_pdf(html)


def certificate_filename(certificate: Certificate) -> str:
    return f"always-event-certificate-{certificate.verification_code}.pdf"
