"""Pages of several forms never lose typed input (issue 16, item 4).

On a page that holds more than one form, something is typed into one form and another form is
sent; back on the page, the typed text is still there (static/js/keep-input.mjs), at desktop
and phone size. The first test does this on the pages of a new Always Event; the second finds
every page of the demo that holds several forms (a crawl as each persona who can reach them, with
tests/site_crawl.py) and does it on each kind of page. Signing out forgets what was typed.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import Locator, Page, expect

from programmes import services
from programmes.demo import DEMO_PASSWORD
from programmes.models import Role
from tests.e2e.helpers import sign_in, sign_out
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.site_crawl import Crawl

MARK = "Typed here, never sent"
# The pages of one Always Event that hold several forms with something to type.
PAGES = ["team", "impact", "coproduction", "testing"]
TYPED = "textarea, input[type='text'], input[type='email']"
# Buttons the search for "another form to send" avoids where it can.
DESTRUCTIVE = re.compile(r"delete|remove|withdraw|revoke|reject|decline|archive|close|cancel", re.I)
# Who reaches every kind of page of several forms in the demo: the organisation admin (every
# staff page), the partner and the programme's admin and reviewer.
SEVERAL_FORMS_PERSONAS = [
    "orgadmin@northfield.example",
    "pat.carer@example.org",
    "admin@programme.example",
    "reviewer@programme.example",
]
# Kinds of page found with several forms at the time of writing: fewer means the crawl broke.
LEAST_KINDS = 15


@pytest.fixture
def event(transactional_db):
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    lead = UserFactory(email="lead@northfield.test", full_name="Lee Lead")
    MembershipFactory(organisation=organisation, user=lead, role=Role.TEAM_LEAD)
    return services.event_create(
        organisation=organisation,
        title="Plan for the day",
        service="Ward 7",
        by=lead,
        team_lead=lead,
    )


def _forms(page: Page) -> list[Locator]:
    forms = page.locator("form[method='post' i]")
    return [forms.nth(i) for i in range(forms.count())]


def _reveal(element: Locator) -> Locator:
    """Open the folded section (an NHS details) an element sits in, as a person would."""
    for _ in range(5):  # a folded section may sit in another
        if element.is_visible():
            break
        element.locator("xpath=ancestor::details[not(@open)][last()]/summary").click()
    return element


def _to_send(forms: list[Locator], typed_in: Locator) -> Locator:
    """Another form with a button: one that changes nothing for good, where the page has one."""
    others = [f for f in forms if f != typed_in and f.locator("button").count()]
    assert others, "no other form to send"
    harmless = [f for f in others if not DESTRUCTIVE.search(f.locator("button").first.inner_text())]
    return (harmless or others)[0]


def _typed_into_one_while_another_is_sent(page: Page, url: str) -> None:
    page.goto(url)
    forms = _forms(page)
    assert len(forms) >= 2, f"{url} holds {len(forms)} form(s)"
    with_text = [f for f in forms if f.locator(TYPED).count()]
    assert with_text, f"{url}: no form to type into"
    typed_in = next((f for f in with_text if f.locator(TYPED).first.is_visible()), with_text[0])
    sent = _to_send(forms, typed_in)
    box = _reveal(typed_in.locator(TYPED).first)
    box_id = box.get_attribute("id")
    value = "12" if box.get_attribute("inputmode") == "numeric" else MARK
    box.fill(value)
    _reveal(sent.locator("button").first).click()
    page.wait_for_load_state()
    page.goto(url)
    kept = _reveal(page.locator(f"[id='{box_id}']"))
    expect(kept, f"typed into {url}").to_have_value(value)


def test_typed_input_survives_another_form_being_sent(page: Page, event):
    sign_in(page, "lead@northfield.test")
    for name in PAGES:
        _typed_into_one_while_another_is_sent(page, f"/o/northfield/events/{event.pk}/{name}/")


@pytest.mark.screens("desktop")
def test_signing_out_forgets_what_was_typed(page: Page, event):
    sign_in(page, "lead@northfield.test")
    url = f"/o/northfield/events/{event.pk}/team/"
    _typed_into_one_while_another_is_sent(page, url)
    sign_out(page)
    page.wait_for_load_state("load")  # the sign-in page's scripts have run
    kept = page.evaluate(
        "Object.keys(sessionStorage).filter((key) => key.startsWith('ae-keep:')).length"
    )
    assert kept == 0


def _pages_of_several_forms(email: str) -> dict[str, str]:
    """Each kind of page (its URL name) this person reaches that holds several forms."""
    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    crawl = Crawl(persona=email, client=client, pages_only=True)
    crawl.run()
    assert crawl.failures == [], crawl.failures
    return crawl.several_forms


def test_every_page_of_several_forms_keeps_typed_input(new_page, demo, settings):
    settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = False
    checked: dict[str, str] = {}
    for email in SEVERAL_FORMS_PERSONAS:
        pages = {k: v for k, v in _pages_of_several_forms(email).items() if k not in checked}
        if not pages:
            continue
        page = new_page()
        sign_in(page, email, DEMO_PASSWORD)
        for name, url in sorted(pages.items()):
            _typed_into_one_while_another_is_sent(page, url)
            checked[name] = url
    print("kept typed input on:", ", ".join(sorted(checked)))
    assert len(checked) >= LEAST_KINDS, sorted(checked)
