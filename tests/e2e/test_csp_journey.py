"""The Content-Security-Policy in the browser: what a page serves itself runs, and anything
inline that got into a page (a missed escape) is refused and reported, which fails every
journey (tests/e2e/conftest.py, `new_page`)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import LOGIN_PATH

pytestmark = pytest.mark.django_db(transaction=True)

INJECT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.__aeInjected = true;";
  document.body.append(script);
  document.querySelector("h1").setAttribute("style", "color: red");
  const style = document.createElement("style");
  style.textContent = "h1 { text-decoration: underline; }";
  document.head.append(style);
}"""


def test_inline_script_and_styles_are_refused_and_reported(
    page: Page, csp_violations: list[str]
) -> None:
    response = page.goto(LOGIN_PATH)
    assert response is not None
    header = response.headers["content-security-policy"]
    assert "script-src 'self'" in header and "frame-ancestors 'none'" in header
    # The page's own scripts ran: the classic one marks the body, NHS.UK frontend's module
    # (from 'self') adds the password field's button.
    expect(page.locator("body")).to_have_class(re.compile(r"\bnhsuk-frontend-supported\b"))
    expect(page.get_by_role("button", name="Show password")).to_be_visible()
    page.wait_for_load_state("load")
    page.wait_for_timeout(100)
    assert csp_violations == []

    page.evaluate(INJECT)
    page.wait_for_timeout(200)
    assert page.evaluate("window.__aeInjected === undefined"), "the inline script must not run"
    assert page.locator("h1").evaluate("h => getComputedStyle(h).color") != "rgb(255, 0, 0)"
    assert page.locator("h1").evaluate("h => getComputedStyle(h).textDecorationLine") == "none"
    reported = "\n".join(csp_violations)
    for directive in ("script-src-elem", "style-src-attr", "style-src-elem"):
        assert directive in reported, f"{directive} not reported: {reported}"
    csp_violations.clear()  # reported as expected: the journey itself passes
