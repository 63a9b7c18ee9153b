from __future__ import annotations

from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_expired_sessions_task() -> None:
    """Nightly: remove expired sessions from the database."""
    call_command("clearsessions")
