"""Steps shared by the journeys: signing in and out, and authenticator codes."""

from __future__ import annotations

import datetime
import re
import time
import warnings
from collections.abc import Callable

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

LOGIN_PATH = "/accounts/login/"
TOTP_ACTIVATE_PATH = "/accounts/2fa/totp/activate/"
MFA_AUTHENTICATE_PATH = "/accounts/2fa/authenticate/"

SIGN_IN_BUTTON = re.compile(r"^\s*sign in\s*$", re.IGNORECASE)
SIGN_OUT = re.compile(r"^\s*sign out\s*$", re.IGNORECASE)
# The second step's button: "Continue" here, "Sign In" on allauth's stock page.
MFA_SUBMIT_BUTTON = re.compile(r"^\s*(continue|sign in|verify)\s*$", re.IGNORECASE)
# "Turn on two-step verification" here, "Activate" on allauth's stock page.
TOTP_ACTIVATE_BUTTON = re.compile(r"^\s*(turn on|activate)", re.IGNORECASE)
BASE32_SECRET = re.compile(r"\b[A-Z2-7]{32}\b")


def path_is(path: str) -> re.Pattern[str]:
    """A URL pattern for `expect(page).to_have_url()`: this path, any host, any query."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def fill_sign_in_form(page: Page, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("Email", exact=False).first.fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name=SIGN_IN_BUTTON).click()


def enter_authenticator_code(page: Page, code: str) -> None:
    """The second step of signing in: an app code or a recovery code."""
    page.get_by_label("Authenticator code").fill(code)
    page.get_by_role("button", name=MFA_SUBMIT_BUTTON).click()


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real form at /accounts/login/."""
    page.goto(LOGIN_PATH)
    fill_sign_in_form(page, email, password)
    expect(page).not_to_have_url(path_is(LOGIN_PATH))


def sign_out(page: Page, check_a11y: Callable[[Page], None] | None = None) -> None:
    """Sign out through the header's link and allauth's confirmation page."""
    page.get_by_role("navigation", name="Account").get_by_role("link", name=SIGN_OUT).click()
    confirm = page.get_by_role("button", name=SIGN_OUT)
    expect(confirm).to_be_visible()
    if check_a11y:
        check_a11y(page)
    confirm.click()
    expect(page).to_have_url(path_is(LOGIN_PATH))


def open_menu_item(page: Page, name: str) -> None:
    """Follow a link of the header's menu. On a narrow screen the menu keeps what does not fit
    in its "More" list, which is opened first, as a person on a phone would."""
    page.wait_for_load_state("load")
    menu = page.get_by_role("navigation", name="Menu")
    link = menu.get_by_role("link", name=name, exact=True)
    if not link.count():
        menu.get_by_role("button", name="Browse More").click()
    link.click()


def fill_date(page: Page, legend: str | re.Pattern[str], day: datetime.date) -> None:
    """Type a date into the NHS date input (day, month and year boxes) named by its legend."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def totp_code(secret: str, at: float | None = None) -> str:
    counter = int(time.time() if at is None else at) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def fresh_totp_code(secret: str, margin_seconds: float = 3.0) -> str:
    """A code that stays valid long enough to be typed and submitted.

    allauth accepts only the current 30 s period (MFA_TOTP_TOLERANCE is 0), so close to a
    boundary wait for the next period rather than race it.
    """
    period = mfa_settings.TOTP_PERIOD
    left = period - (time.time() % period)
    if left < margin_seconds:
        time.sleep(left + 0.1)
    return totp_code(secret)


def read_totp_secret(page: Page) -> str:
    """The secret on allauth's set-up page.

    The page should show it in the element with id "totp-secret". Until it does, fall back to
    allauth's default field (id "authenticator_secret") and then to any base32 secret shown.
    """
    marked = page.locator("#totp-secret")
    if marked.count():
        element = marked.first
        tag = element.evaluate("e => e.tagName")
        text = element.input_value() if tag in ("INPUT", "TEXTAREA") else element.inner_text()
        return re.sub(r"\s+", "", text)
    warnings.warn(
        'The TOTP set-up page has no element with id "totp-secret"; reading the secret from '
        "allauth's default field or the page text instead.",
        stacklevel=2,
    )
    default = page.locator("#authenticator_secret")
    if default.count():
        return default.first.input_value().strip()
    match = BASE32_SECRET.search(page.content())
    assert match, "No authenticator secret on the set-up page"
    return match.group(0)


def expect_problem(page: Page, text: str | re.Pattern[str]) -> None:
    """The NHS error pattern: the problem is listed in the summary at the top of the page, which
    has the focus, and shown again by the field or form it is about."""
    summary = page.locator('[data-module="nhsuk-error-summary"]')
    expect(summary).to_contain_text(text)
    expect(summary).to_be_focused()
    expect(page.get_by_text(text).nth(1)).to_be_visible()
