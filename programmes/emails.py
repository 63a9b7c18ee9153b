from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from programmes.models import Invitation


def invitation_url(invitation: Invitation) -> str:
    from programmes.services import invitation_token

    path = reverse("programmes:invitation-accept", kwargs={"token": invitation_token(invitation)})
    return settings.SITE_URL.rstrip("/") + path


def invitation_email_send(*, invitation: Invitation) -> None:
    context = {
        "invitation": invitation,
        "url": invitation_url(invitation),
        "max_age_days": settings.INVITATION_MAX_AGE_DAYS,
    }
    subject = f"You are invited to join {invitation.organisation.name} on Always Events"
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=render_to_string("programmes/email/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(
        render_to_string("programmes/email/invitation.html", context), "text/html"
    )
    message.send()
