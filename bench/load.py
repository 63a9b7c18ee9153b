"""Many people at once: 50 signed-in people on gunicorn + PostgreSQL + Redis, as in production.

`make bench-load` starts a throwaway PostgreSQL and Redis on loopback (scripts/test-services)
and runs this; alone: `DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python
bench/load.py` (the database is migrated and seeded with the demo; use a throwaway one).

gunicorn runs with the project's own `gunicorn.conf.py` (processes from the cores, threads).
Each simulated person signs in through the real form (CSRF and all), then goes round a journey
for their role with 2 to 6 seconds between clicks, for LOAD_SECONDS (90 by default):
- team leads and team members: their home page, an event's page, a measure's page, and now and
  then this week's figure entered from the home page (a write that changes what every
  dashboard of the organisation shows);
- executive sponsors and organisation admins: the dashboard, an event's page, the home page;
- a few people with no organisation open the trivial page (the base layout and navigation
  only), in the same run, as the yardstick.

Prints each page's p50 and p95 (milliseconds, as the client sees them), the errors, and the
ratio of the worst p95 of the real pages to the trivial page's p50 (target: within 5), all
measured side by side in one run: the machine is shared, so only the ratios count.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

USERS = int(os.environ.get("LOAD_USERS", "50"))
TRIVIAL_USERS = 5
SECONDS = float(os.environ.get("LOAD_SECONDS", "90"))
THINK = (2.0, 6.0)
# Everyone signs in first, one every SIGN_IN_GAP seconds: allauth allows 30 sign-ins a minute
# from one address, and here every simulated person comes from 127.0.0.1.
SIGN_IN_GAP = 2.2
TARGET = 5.0
PASSWORD = "demo-password-2026"  # noqa: S105 (the demo's published password)
NOBODY = "nobody@load.example"


def environment() -> dict[str, str]:
    database, redis = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database.startswith("postgres") or not redis.startswith("redis"):
        sys.exit("bench/load.py needs DATABASE_URL (PostgreSQL) and REDIS_URL: `make bench-load`.")
    var = tempfile.mkdtemp(prefix="alwaysevents-load-")
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "load-benchmark-only-" + "x" * 40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "VAR_DIR": var,
        "STATIC_ROOT": str(Path(var) / "static"),
        "DJANGO_SETTINGS_MODULE": "alwaysevents.settings",
    }


def prepare(env: dict[str, str]) -> dict[str, list[str]]:
    """Migrate, seed the demo, collect static files; returns the paths each journey visits."""
    python = sys.executable
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["seed_demo"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(  # noqa: S603 - our own commands
            [python, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )
    code = f"""
from alwaysevents.tenancy.scope import across_organisations
from django.contrib.auth import get_user_model
from measurement.models import Measure
from programmes.models import AlwaysEvent
User = get_user_model()
if not User.objects.filter(email="{NOBODY}").exists():
    User.objects.create_user(email="{NOBODY}", password="{PASSWORD}", full_name="No One")
    from allauth.account.models import EmailAddress
    EmailAddress.objects.create(user=User.objects.get(email="{NOBODY}"), email="{NOBODY}",
                                verified=True, primary=True)
with across_organisations():
    for e in AlwaysEvent.objects.filter(organisation__slug="northfield"):
        print("event", f"/o/northfield/events/{{e.pk}}/")
    for m in Measure.objects.filter(event__organisation__slug="northfield"):
        print("measure", f"/o/northfield/events/{{m.event_id}}/measures/{{m.pk}}/")
    for m in Measure.objects.filter(
        event__organisation__slug="northfield", event__team_lead__email="lead@northfield.example",
        value_kind="value", frequency="weekly",
    ):
        print("figure", m.pk)
"""
    out = subprocess.run(  # noqa: S603 - our own commands
        [python, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    paths: dict[str, list[str]] = defaultdict(list)
    for line in out.splitlines():
        kind, _, value = line.partition(" ")
        paths[kind].append(value)
    return paths


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Results:
    #: Only what happens after everyone has signed in counts (sign-ins always do).
    measure_from: float = 0.0
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    #: What went wrong, for the first few errors: page, address and status (or exception).
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    #: GETs sent again on a new connection, the kept-alive one closed by the server.
    retries: int = 0

    def retry(self) -> None:
        with self.lock:
            self.retries += 1

    def add(self, page: str, ms: float, ok: bool, detail: str = "") -> None:
        if page != "sign in" and time.monotonic() < self.measure_from:
            return
        with self.lock:
            self.times[page].append(ms)
            if not ok:
                self.errors[page] += 1
                if len(self.failures) < 10:
                    self.failures.append(f"{page}: {detail} after {ms:.0f} ms")


def csrf(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else ""


def person(base: str, email: str, role: str, paths, results: Results, until: float) -> None:
    import requests

    session = requests.Session()

    def get(page: str, path: str) -> str:
        start = time.perf_counter()
        try:
            try:
                response = session.get(base + path, timeout=60)
            except requests.ConnectionError:
                # The server closed the kept-alive connection as this request went out (after
                # `keepalive` idle seconds, within the think time): a browser sends such a GET
                # again on a new connection, and so does this person, once (counted).
                results.retry()
                response = session.get(base + path, timeout=60)
            ok = response.status_code == 200
            text = response.text
            detail = f"GET {path} answered {response.status_code}"
        except requests.RequestException as error:
            ok, text = False, ""
            detail = f"GET {path} raised {error!r}"
        results.add(page, (time.perf_counter() - start) * 1000, ok, detail)
        return text

    login = get("sign-in form", "/accounts/login/")
    if not csrf(login):
        results.add("sign in", 0.0, False)
        return
    start = time.perf_counter()
    signed = session.post(
        base + "/accounts/login/",
        data={"csrfmiddlewaretoken": csrf(login), "login": email, "password": PASSWORD},
        headers={"Referer": base + "/accounts/login/"},
        allow_redirects=False,
        timeout=60,
    )
    results.add("sign in", (time.perf_counter() - start) * 1000, signed.status_code == 302)
    rng = random.Random(email + str(threading.get_ident()))
    home = "/o/northfield/"
    today = dt.datetime.now(dt.UTC).date()
    monday = today - dt.timedelta(days=today.weekday() + 7)
    while time.monotonic() < until:
        time.sleep(rng.uniform(*THINK))
        if role == "trivial":
            get("trivial page", "/")
        elif role in ("sponsor", "admin"):
            choice = rng.random()
            if choice < 0.5:
                get("dashboard", home + "dashboard/")
            elif choice < 0.8:
                get("event page", rng.choice(paths["event"]))
            else:
                get("home", home)
        else:
            choice = rng.random()
            if choice < 0.35:
                page = get("home", home)
                # The form is on the page only while a figure is due; the token is also in
                # the CSRF cookie, which Django accepts as the form's token.
                token = csrf(page) or session.cookies.get("csrftoken", "")
                if role == "lead" and paths["figure"] and rng.random() < 0.4 and token:
                    measure = rng.choice(paths["figure"])
                    prefix = f"figure-{measure}"
                    start = time.perf_counter()
                    sent = session.post(
                        base + home,
                        data={
                            "csrfmiddlewaretoken": token,
                            "action": "figure",
                            "measure": measure,
                            f"{prefix}-period": monday.isoformat(),
                            f"{prefix}-value": str(rng.randint(1, 40)),
                        },
                        headers={"Referer": base + home},
                        allow_redirects=False,
                        timeout=60,
                    )
                    results.add(
                        "figure saved",
                        (time.perf_counter() - start) * 1000,
                        sent.status_code == 302,
                        f"POST {home} (measure {measure}) answered {sent.status_code}",
                    )
            elif choice < 0.7:
                get("event page", rng.choice(paths["event"]))
            else:
                get("measure page", rng.choice(paths["measure"]))


ROLES = (
    ("lead@northfield.example", "lead"),
    ("staff@northfield.example", "staff"),
    ("sponsor@northfield.example", "sponsor"),
    ("orgadmin@northfield.example", "admin"),
)


def main() -> None:
    env = environment()
    print("Preparing: migrate, seed the demo, collect static files ...", flush=True)
    paths = prepare(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # The server's log (never a pipe nobody reads: a full one would stall the workers).
    log_path = Path(env["VAR_DIR"]) / "gunicorn.log"
    log = log_path.open("w")
    server = subprocess.Popen(  # noqa: S603 - our own commands
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "alwaysevents.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    try:
        import requests

        for _ in range(300):
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.2)
        else:
            sys.exit("gunicorn did not start")
        people = USERS + TRIVIAL_USERS
        results = Results(measure_from=time.monotonic() + people * SIGN_IN_GAP + THINK[1])
        until = results.measure_from + SECONDS
        threads = [
            threading.Thread(
                target=person,
                args=(base, *ROLES[n % len(ROLES)], paths, results, until),
                daemon=True,
            )
            for n in range(USERS)
        ] + [
            threading.Thread(
                target=person, args=(base, NOBODY, "trivial", paths, results, until), daemon=True
            )
            for _ in range(TRIVIAL_USERS)
        ]
        print(
            f"{USERS} people and {TRIVIAL_USERS} on the trivial page sign in one by one "
            f"({people * SIGN_IN_GAP:.0f} s), then {SECONDS:.0f} s measured "
            f"({os.cpu_count()} cores) ...",
            flush=True,
        )
        for thread in threads:
            thread.start()
            time.sleep(SIGN_IN_GAP)
        for thread in threads:
            thread.join(timeout=max(until - time.monotonic(), 0) + 120)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
    report(results)
    if results.failures:
        print("The first errors:", *results.failures, sep="\n  ")
        problems = [
            line
            for line in log_path.read_text(errors="replace").splitlines()
            if " ERROR " in line or " CRITICAL " in line or "Traceback" in line
        ]
        print(f"The server's log ({log_path}) has {len(problems)} error lines:", *problems[:20])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(results: Results) -> None:
    total = sum(len(v) for v in results.times.values())
    errors = sum(results.errors.values())
    print(f"{'page':<16}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for page, values in sorted(results.times.items()):
        print(
            f"{page:<16}{len(values):>9}{statistics.median(values):>9.0f}"
            f"{percentile(values, 0.95):>9.0f}{results.errors[page]:>8}"
        )
    trivial = statistics.median(results.times["trivial page"])
    pages = ("home", "event page", "measure page", "dashboard", "figure saved")
    worst = max(percentile(results.times[p], 0.95) for p in pages if results.times[p])
    ratio = worst / trivial
    verdict = "met" if ratio <= TARGET and errors == 0 else "NOT met"
    print(
        f"{total} requests, {errors} errors; {results.retries} sent again on a new connection "
        "(the kept-alive one closed as they went out, as browsers do)"
    )
    print(
        f"worst p95 of the pages / trivial page p50: {worst:.0f} / {trivial:.0f} ms = "
        f"{ratio:.1f} (target <= {TARGET:.0f} with no errors: {verdict})"
    )


if __name__ == "__main__":
    main()
