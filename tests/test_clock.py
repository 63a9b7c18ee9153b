"""The suite's clock: every test starts at the same instant, whatever the real date."""

from __future__ import annotations

import time

from django.utils import timezone

from tests.conftest import FROZEN_AT


def test_every_test_starts_on_the_suites_date_not_the_real_one():
    assert timezone.localdate() == FROZEN_AT.date()
    assert abs((timezone.now() - FROZEN_AT).total_seconds()) < 60


def test_the_clock_ticks_from_there():
    """Time still moves on (sessions, signed links and rate limits need it to)."""
    first = timezone.now()
    time.sleep(0.01)
    assert timezone.now() > first
