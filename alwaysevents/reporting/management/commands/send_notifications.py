"""Run today's reminders (and, with --digest, the staff digest) now, in this process.

Beat runs them every morning; this is for trying them out (`make run` prints the emails on the
console) and for operators. The ledger makes it safe: whatever was already sent is not sent
again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from alwaysevents.celery import app
from alwaysevents.reporting import tasks


class Command(BaseCommand):
    help = "Send today's reminders now (and the staff digest with --digest); never sends twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--digest", action="store_true", help="Also send the staff digest.")

    def handle(self, *args: Any, digest: bool = False, **options: Any) -> None:
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True  # every fanned-out send runs here, in order
        try:
            organisations = tasks.reminders_daily_task()
            self.stdout.write(
                f"Reminders worked out for {organisations} organisation(s) and, programme-wide, "
                "for accreditation reviewers."
            )
            if digest:
                tasks.staff_digest_weekly_task()
                self.stdout.write("Staff digest worked out.")
        finally:
            app.conf.task_always_eager = eager
