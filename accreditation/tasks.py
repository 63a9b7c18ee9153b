"""Scheduled work of accreditation."""

from __future__ import annotations

from celery import shared_task

from accreditation.services.decision import accreditations_lapse


@shared_task
def accreditations_lapse_task() -> int:
    """Daily: accreditations past their certificate's expiry become lapsed.

    Idempotent: a lapsed submission is no longer accredited, so a second run finds nothing.
    Returns how many lapsed on this run.
    """
    return accreditations_lapse()
