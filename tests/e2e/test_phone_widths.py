"""Every page of the demo on a 390 px phone: nothing wider than the screen, the menu always there,
and axe-core clean.

Each demo persona of an organisation signs in through the real form and walks the site
breadth-first in Chromium at 390x844, following the links of ours that each page shows (no
downloads, no sign-out). On every page the document must be no wider than the screen (no
sideways scrolling, issue 16 item 5), and a staff member's page must show the header's menu.
The first page of each kind (its URL name) each persona reaches is checked with axe-core: no
serious or critical violation.
"""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import resolve
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from programmes.demo import DEMO_PASSWORD
from tests.e2e.conftest import blocking_violations, describe_violations
from tests.e2e.helpers import sign_in

PHONE = {"width": 390, "height": 844}
# Staff personas see the menu; the partner sees theirs (My Always Events, My details).
PERSONAS = [
    "staff@northfield.example",
    "lead@northfield.example",
    "orgadmin@northfield.example",
    "sponsor@northfield.example",
    "pat.carer@example.org",
]
PAGES_EACH = 45
SKIP = (
    "/static/",
    "/media/",
    "/api/",
    "logout",
    ".csv",
    ".xlsx",
    ".pdf",
    ".png",
    ".svg",
    "/download",
)


def _links(page: Page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map((a) => a.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(urldefrag(href)[0])
        if parts.netloc and parts.netloc != urlsplit(page.url).netloc:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not any(s in path for s in SKIP):
            found.append(path)
    return found


def _walk(page: Page, email: str) -> tuple[int, list[str]]:
    problems: list[str] = []
    seen: set[str] = set()
    kinds: set[str] = set()
    queue = deque(["/"])
    visited = 0
    while queue and visited < PAGES_EACH:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        try:
            response = page.goto(path)
        except PlaywrightError as error:  # a download (a PDF, a file): not a page
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{email} {page.url}: {width} px wide")
        if not page.get_by_role("navigation", name="Menu").is_visible():
            problems.append(f"{email} {page.url}: no menu")
        kind = resolve(urlsplit(page.url).path).view_name
        if kind not in kinds:
            kinds.add(kind)
            violations = blocking_violations(page)
            if violations:
                problems.append(f"{email} {describe_violations(page.url, violations)}")
        queue.extend(p for p in _links(page) if p not in seen)
    return visited, problems


@pytest.mark.screens("phone")
def test_every_page_fits_a_phone_shows_the_menu_and_passes_axe(new_page, demo):
    problems: list[str] = []
    for email in PERSONAS:
        page = new_page()
        sign_in(page, email, DEMO_PASSWORD)
        visited, found = _walk(page, email)
        assert visited >= 10, f"{email} reached only {visited} pages"
        problems += found
    assert problems == [], "\n".join(problems)
