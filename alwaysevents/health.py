"""`/healthz`: are the database, the Celery broker and the file storage answering?

Nothing else is revealed: not where the files are, nor why a part failed (that goes to the log).
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: the database did not answer")
        return False
    return True


def broker_ok() -> bool:
    from alwaysevents.celery import app

    try:
        with app.connection_for_write(connect_timeout=BROKER_TIMEOUT_SECONDS) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception:
        logger.exception("Health check: the Celery broker did not answer")
        return False
    return True


def storage_ok() -> bool:
    from alwaysevents.files import PrivateStorage

    try:
        for kind in PrivateStorage.kinds():
            kind().check()
    except Exception:
        logger.exception("Health check: the file storage did not answer")
        return False
    return True


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": "ok" if database_ok() else "unavailable",
        "broker": "ok" if broker_ok() else "unavailable",
        "storage": "ok" if storage_ok() else "unavailable",
    }
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    if not healthy:
        failing = ", ".join(name for name, value in checks.items() if value != "ok")
        body["message"] = f"Not answering: {failing}."
    return JsonResponse(body, status=200 if healthy else 503)
