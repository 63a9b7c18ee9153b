"""Every page as every demo persona: sign in, start at "/", follow every link of our own.

The demo (`seed_demo`) is built once for the module, at the suite's frozen instant, inside one
transaction that is rolled back when the module ends, so nothing of it reaches other test
modules (each test's own transaction is a savepoint inside it). Each persona then walks the
site breadth-first, GET only: every `<a href>`, `<link href>`, `<img src>`, `<iframe src>` (and
the like) naming a page of ours, every redirect within the site, and every GET form submitted as
it stands and once with each option of each of its menus (the filters, one at a time).
Downloads (CSV, Excel, PNG, SVG, PDF) are fetched like pages, every one of them: the demo has
only a few PDFs, so sampling them is not needed.

Every server error or uncaught exception, every link that answers 4xx to the person it was
shown to, and every response without the strict Content-Security-Policy (tests/csp_check.py) is
collected and reported together: the persona, the address, the page that linked
to it and the exception's last line. A crawl that hits its page cap, or reaches fewer pages
than it should, fails too, so its coverage is never silently cut short.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings

from tests.conftest import FROZEN_AT
from tests.csp_check import csp_problem
from tests.site_crawl import PAGE_CAP, Crawl

PERSONAS = {
    # test id: (email, has a programme-wide role, fewest pages the crawl must reach)
    "programme-admin": ("admin@programme.example", True, 30),
    "reviewer": ("reviewer@programme.example", True, 10),
    **{
        f"{slug}-{name}": (f"{local}@{slug}.example", False, least)
        for slug in ("northfield", "riverside")
        for local, name, least in (
            ("orgadmin", "organisation-admin", 150),
            ("lead", "team-lead", 150),
            ("staff", "team-member", 120),
            ("sponsor", "executive-sponsor", 100),
        )
    },
    "northfield-partner": ("pat.carer@example.org", False, 10),
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[None]:
    """The demo, built once at the suite's frozen instant and rolled back when the module ends.

    If `seed_demo` fails on that date, the whole module errors here, before any crawl."""
    var_dir: Path = tmp_path_factory.mktemp("crawl-var")  # demo receipts and evidence files
    with (
        time_machine.travel(FROZEN_AT, tick=True),
        override_settings(
            VAR_DIR=var_dir,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        django_db_blocker.unblock(),
    ):
        with transaction.atomic():
            call_command("seed_demo", stdout=io.StringIO())
            try:
                yield
            finally:
                transaction.set_rollback(True)
        assert not connection.in_atomic_block
        assert not get_user_model().objects.filter(email="admin@programme.example").exists(), (
            "the demo must not outlive this module"
        )


@pytest.fixture
def _frozen_clock(demo: None) -> Iterator[None]:
    """Instead of conftest's: the crawl reads the demo on the demo's own clock, which started
    at the same instant when the demo was built and has ticked on since."""
    yield


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(PERSONAS))
def test_every_page_answers_every_persona(persona: str, demo: None, settings: Any) -> None:
    email, programme_role, least = PERSONAS[persona]
    if programme_role:
        settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = False
    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(email=email))
    crawl = Crawl(persona=persona, client=client, check=csp_problem)
    started = time.monotonic()
    crawl.run()
    print(  # shown with -s or -rA: what the crawl covered
        f"\n{persona}: {crawl.reached} addresses in {time.monotonic() - started:.1f} s; "
        + ", ".join(f"{kind} {n}" for kind, n in crawl.kinds.most_common())
    )

    if crawl.failures:
        pytest.fail(
            f"{len(crawl.failures)} failure(s) as {persona}:\n"
            + "\n".join(f"  {persona}: {failure}" for failure in crawl.failures),
            pytrace=False,
        )
    assert not crawl.capped, f"{persona} passed the cap of {PAGE_CAP} addresses: raise it"
    assert crawl.reached >= least, f"{persona} reached only {crawl.reached} addresses"
    assert "_auth_user_id" in client.session, f"{persona} was signed out during the crawl"
