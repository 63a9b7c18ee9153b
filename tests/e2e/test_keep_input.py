"""Pages of several forms never lose typed input (issue 16, item 4).

On each page of an Always Event that holds more than one form, text is typed into one form and
another form is sent; back on the page, the text is still there (static/js/keep-input.mjs), at
desktop and phone size. Signing out forgets it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from programmes import services
from programmes.models import Role
from tests.e2e.helpers import sign_in, sign_out
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

SIZES = {"desktop": (1366, 768), "phone": (390, 844)}
MARK = "Typed here, never sent"
# The pages of one Always Event that hold several forms with something to type.
PAGES = ["team", "impact", "coproduction", "testing"]
TYPED = "textarea:visible, input[type='text']:not([inputmode='numeric']):visible"


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
    forms = page.locator("main form[method='post' i]")
    return [forms.nth(i) for i in range(forms.count())]


def _typed_into_one_while_another_is_sent(page: Page, url: str) -> None:
    page.goto(url)
    forms = _forms(page)
    assert len(forms) >= 2, f"{url} holds {len(forms)} form(s)"
    with_text = [f for f in forms if f.locator(TYPED).count()]
    assert with_text, f"{url}: no form to type into"
    typed_in = with_text[0]
    sent = next(f for f in forms if f != typed_in and f.locator("button:visible").count())
    box = typed_in.locator(TYPED).first
    box_id = box.get_attribute("id")
    box.fill(MARK)
    sent.locator("button:visible").first.click()
    page.wait_for_load_state()
    page.goto(url)
    expect(page.locator(f"[id='{box_id}']")).to_have_value(MARK)


@pytest.mark.parametrize("size", SIZES)
def test_typed_input_survives_another_form_being_sent(page: Page, event, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, "lead@northfield.test")
    for name in PAGES:
        _typed_into_one_while_another_is_sent(page, f"/o/northfield/events/{event.pk}/{name}/")


def test_signing_out_forgets_what_was_typed(page: Page, event):
    sign_in(page, "lead@northfield.test")
    url = f"/o/northfield/events/{event.pk}/team/"
    _typed_into_one_while_another_is_sent(page, url)
    sign_out(page)
    kept = page.evaluate(
        "Object.keys(sessionStorage).filter((key) => key.startsWith('ae-keep:')).length"
    )
    assert kept == 0
