"""Gunicorn's settings for production, read from the working directory by `gunicorn`.

`gunicorn alwaysevents.wsgi:application` (the image's command) picks this file up. Each value
can be changed from the environment without a new image.

- Processes from the machine's cores (WEB_CONCURRENCY, default 2 per core + 1, at most 12),
  each with a pool of threads (GUNICORN_THREADS, default 4): a request waiting on PostgreSQL,
  Redis or object storage no longer holds a whole process.
- A process is replaced after about 1,000 requests (jittered, so they do not all restart at
  once), which bounds any slow growth of memory (printing PDFs leaves native memory behind).
- A request may take up to GUNICORN_TIMEOUT seconds (60): the longest are file imports,
  capped at MEASUREMENT_IMPORT_MAX_BYTES / MEASUREMENT_IMPORT_MAX_ROWS, which bench/bench_import.py
  checks in a few CPU seconds; after that the process is restarted rather than left stuck.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


bind = f"0.0.0.0:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 12))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# Seconds an idle kept-alive connection stays open. Behind a load balancer, set it above the
# balancer's own idle timeout (e.g. 65 for a 60 s one): a connection gunicorn closes while the
# balancer reuses it answers the balancer with a reset, which it may pass on as a 502.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
accesslog = "-"
# No control socket: nothing here uses it, and several servers on one machine would share it.
control_socket_disable = True
