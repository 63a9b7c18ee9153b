"""What the tenancy layer costs: scoped queries against the same queries unscoped, side by side.

Run with `make bench`. Uses a throwaway SQLite database (or DATABASE_URL if set). Prints the
ratios; the target is that scoping adds under 25% to a one-row lookup and nothing measurable to
a list. Also prints how fast `seed_demo --scale` writes generated organisations.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="alwaysevents-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alwaysevents.settings")

import django

django.setup()

from django.core.management import call_command

from alwaysevents.tenancy.scope import across_organisations, organisation_scope
from programmes.models import Membership, Organisation
from programmes.selectors import membership_for_user

ROUNDS = 2000
SCALE = 200


def timed(label: str, func, rounds: int = ROUNDS) -> float:
    func()  # warm up
    start = time.perf_counter()
    for _ in range(rounds):
        func()
    elapsed = (time.perf_counter() - start) / rounds * 1e6
    print(f"  {label:<48} {elapsed:9.1f} µs")
    return elapsed


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - the named demo, untimed
    start = time.perf_counter()
    call_command("seed_demo", scale=SCALE, stdout=open(os.devnull, "w"))  # noqa: SIM115
    seeded = time.perf_counter() - start
    print(
        f"seed_demo --scale {SCALE}: {seeded:.2f} s ({SCALE / seeded:.0f} organisations a second)"
    )

    organisation = Organisation.objects.get(slug="generated-00100")
    with across_organisations():
        member = Membership.objects.filter(organisation=organisation).first()
    assert member is not None
    user = member.user

    def scoped_list() -> None:
        with organisation_scope(organisation):
            list(Membership.objects.all())

    def raw_list() -> None:
        list(Membership.objects.with_scopes_disabled().filter(organisation=organisation))

    def scoped_get() -> None:
        with organisation_scope(organisation):
            Membership.objects.get(user=user)

    def raw_get() -> None:
        Membership.objects.with_scopes_disabled().get(organisation=organisation, user=user)

    def middleware_lookup() -> None:
        membership_for_user(user=user, organisation_slug=organisation.slug)

    print("per call:")
    ratio_list = timed("list members, scoped", scoped_list) / timed(
        "list members, unscoped", raw_list
    )
    ratio_get = timed("get one member, scoped", scoped_get) / timed(
        "get one member, unscoped", raw_get
    )
    timed("middleware membership lookup (one query)", middleware_lookup)
    print(f"ratio scoped/unscoped, list: {ratio_list:.2f}  (target < 1.25)")
    print(f"ratio scoped/unscoped, get:  {ratio_get:.2f}  (target < 1.25)")


if __name__ == "__main__":
    main()
