from __future__ import annotations

import time
from pathlib import Path

from celery import shared_task
from django.conf import settings

PREVIEW_MAX_AGE_SECONDS = 24 * 60 * 60


@shared_task
def import_previews_clear_task() -> int:
    """Nightly: delete import files that were checked but never applied (older than a day)."""
    folder = Path(settings.VAR_DIR) / "imports"
    if not folder.exists():
        return 0
    cutoff = time.time() - PREVIEW_MAX_AGE_SECONDS
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
