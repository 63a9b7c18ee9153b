from __future__ import annotations

import pytest

from accreditation import services


@pytest.fixture(autouse=True)
def criteria_v1(db):
    """Version 1 comes from a data migration, but transactional tests flush it: seed again."""
    return services.criteria_version_seed()
