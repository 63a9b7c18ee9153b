"""Browser journeys: Playwright's sync API driving Debian's Chromium against `live_server`.

Every test in this folder is marked `e2e`. Run them alone with `pytest tests/e2e` or leave
them out with `-m "not e2e"`. Environment knobs:

- CHROMIUM_PATH: the browser to drive (default /usr/bin/chromium; never `playwright install`).
- E2E_SCREENSHOTS=1: save a screenshot at the end of each journey to /tmp/e2e-<name>.png.
- E2E_A11Y_DEFER=1: collect accessibility violations and fail once at the end of the test
  instead of at the first page, so that one run shows every page's problems.
- E2E_SCREENS=desktop,phone: run only these of the three screens (see below).

Every journey runs three times, once on each screen of `SCREENS`: a desktop at 1366x768 with
the mouse, a phone at 390x844 by touch, and a desktop by keyboard alone (`keyboard.py`). A test
that sets its own size or keys names the screens it needs with `@pytest.mark.screens(...)`.
"""

from __future__ import annotations

import contextlib
import io
import os

# Playwright's sync API runs an event loop in the test's thread; Django's ORM calls made by
# the test itself (factories, assertions) would otherwise raise SynchronousOnlyOperation.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.e2e.keyboard import keyboard_only

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 10_000
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
SCREENSHOT_DIR = Path("/tmp")  # noqa: S108 - debugging output only

expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


@dataclass(frozen=True)
class Screen:
    name: str
    width: int
    height: int
    touch: bool = False
    keyboard_only: bool = False

    @property
    def is_phone(self) -> bool:
        return self.touch


SCREENS = {
    screen.name: screen
    for screen in (
        Screen("desktop", 1366, 768),
        Screen("phone", 390, 844, touch=True),
        Screen("keyboard", 1366, 768, keyboard_only=True),
    )
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each browser test once per screen (see the module's text)."""
    if "screen" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("screens")
    names = list(marker.args) if marker else list(SCREENS)
    wanted = os.environ.get("E2E_SCREENS")
    if wanted:
        names = [name for name in names if name in wanted.split(",")] or names[:1]
    metafunc.parametrize("screen", names, indirect=True)


@pytest.fixture
def screen(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Screen:
    chosen = SCREENS[getattr(request, "param", "desktop")]
    if chosen.keyboard_only:
        keyboard_only(monkeypatch)
    return chosen


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    setattr(item, f"e2e_report_{report.when}", report)
    return report


# --- Server ------------------------------------------------------------------------------------


def _through_the_app(handler):
    return handler


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """pytest-django's live server, serving /static/ the way production does.

    pytest-django wraps the app in staticfiles' StaticFilesHandler, which looks files up with
    the finders: they do not know the hashed names that the manifest storage (DEBUG off) puts
    in pages, so every stylesheet and script would 404 and the journeys, and axe's colour
    checks, would run on unstyled pages without NHS.UK frontend's scripts. Here /static/ goes
    through the app's own middleware instead: WhiteNoise serves what collectstatic wrote.
    """
    from django.conf import settings

    backend = settings.STORAGES["staticfiles"]["BACKEND"]
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if "Manifest" in backend and not manifest.exists():
        pytest.fail(
            f"{manifest} is missing: run `manage.py collectstatic --noinput` (as `make test` "
            "does) before the browser tests.",
            pytrace=False,
        )
    addr = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.static_handler = _through_the_app
    server.start()
    yield server
    server.stop()


# --- Browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        try:
            yield browser
        finally:
            browser.close()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:120]


# Every page reports each Content-Security-Policy violation (script, style, image, frame... the
# policy refused) to the test, which fails at its end if there was any: the browser's own
# `securitypolicyviolation` event (by an init script, which runs before the page's own and
# which the policy does not govern) and the console messages Chromium writes for them.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__aeCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "(inline)"} at ` +
    `${event.sourceFile || document.location.href}:${event.lineNumber} ` +
    `[${event.sample || ""}] on ${document.location.href}`
  );
}, true);
"""
CSP_CONSOLE = re.compile(r"Content[ -]Security[ -]Policy", re.IGNORECASE)


@pytest.fixture
def csp_violations() -> list[str]:
    """The violations the test's pages reported so far (`new_page` fails the test on any)."""
    return []


@pytest.fixture
def new_page(
    browser: Browser,
    live_server,
    screen: Screen,
    request: pytest.FixtureRequest,
    csp_violations: list[str],
) -> Iterator[Callable[[], Page]]:
    """Open a page in a fresh browser context (its own cookies): one per person in a journey.

    The test fails at its end if any page reported a Content-Security-Policy violation."""
    pages: list[Page] = []

    def make() -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-GB",
            timezone_id="Europe/London",
            viewport={"width": screen.width, "height": screen.height},
            is_mobile=screen.touch,
            has_touch=screen.touch,
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)

        def report_violation(violation: str) -> None:
            csp_violations.append(violation)

        context.expose_function("__aeCspViolation", report_violation)
        context.add_init_script(CSP_LISTENER)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                csp_violations.append(f"console: {message.text} on {page.url}")
                if CSP_CONSOLE.search(message.text)
                else None
            ),
        )
        pages.append(page)
        return page

    yield make

    call_report = getattr(request.node, "e2e_report_call", None)
    failed = call_report is not None and call_report.failed
    for number, page in enumerate(pages, start=1):
        if failed or os.environ.get("E2E_SCREENSHOTS"):
            kind = "failure" if failed else "end"
            path = SCREENSHOT_DIR / f"e2e-{_slug(request.node.name)}-{kind}-{number}.png"
            # A screenshot must never mask the test's own result.
            with contextlib.suppress(Exception):
                page.screenshot(path=str(path), full_page=True)
        with contextlib.suppress(Exception):
            page.wait_for_timeout(50)  # deliver any violation reported at the very end
        page.context.close()
    if csp_violations:
        unique = list(dict.fromkeys(csp_violations))
        pytest.fail(
            f"{len(unique)} Content-Security-Policy violation(s):\n"
            + "\n".join(f"  {v}" for v in unique),
            pytrace=False,
        )


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    return new_page()


# --- Data ------------------------------------------------------------------------------------


@pytest.fixture
def demo(transactional_db, tmp_path) -> Iterator[None]:
    """The demo organisations and people of `make run` (`seed_demo`), for the live server."""
    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(VAR_DIR=tmp_path):
        call_command("seed_demo", stdout=io.StringIO())
        yield


# --- Accessibility -----------------------------------------------------------------------------

_axe = Axe()


def blocking_violations(page: Page) -> list[dict]:
    """axe-core's violations on the current page whose impact is serious or critical."""
    page.wait_for_load_state("load")
    results = _axe.run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def describe_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} serious or critical accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation.get('helpUrl', '')}]"
        )
        for node in violation.get("nodes", []):
            target = " ".join(str(part) for part in node.get("target", []))
            lines.append(f"    at {target}")
            summary = " ".join(str(node.get("failureSummary", "")).split())
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.fixture
def check_a11y() -> Iterator[Callable[[Page], None]]:
    """`check_a11y(page)`: fail on serious or critical axe-core violations of the page shown."""
    defer = bool(os.environ.get("E2E_A11Y_DEFER"))
    deferred: list[str] = []

    def check(page: Page) -> None:
        violations = blocking_violations(page)
        if not violations:
            return
        message = describe_violations(page.url, violations)
        if defer:
            deferred.append(message)
        else:
            pytest.fail(message, pytrace=False)

    yield check

    if deferred:
        pytest.fail("\n\n".join(deferred), pytrace=False)
