from __future__ import annotations

from celery import shared_task

from programmes.models import Invitation


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invitation_send_task(*, invitation_id: int) -> None:
    """Email an invitation link. Skips invitations that are no longer open."""
    from alwaysevents.tenancy.scope import across_organisations
    from programmes.emails import invitation_email_send

    with across_organisations():
        invitation = (
            Invitation.objects.select_related("organisation", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
    if invitation is None or not invitation.is_open:
        return
    invitation_email_send(invitation=invitation)
