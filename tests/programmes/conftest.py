"""Fixtures shared by the programmes tests."""

from __future__ import annotations

import pytest

from programmes import services


@pytest.fixture
def event(organisation, editor, sponsor):
    return services.event_create(
        organisation=organisation,
        title="Plan for the day",
        service="Ward 7",
        by=editor,
        team_lead=editor,
        executive_sponsor=sponsor,
    )
