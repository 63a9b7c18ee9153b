"""Every page as every demo persona: sign in, start at "/", follow every link of our own.

The demo (`seed_demo`) is built once for the module, at the suite's frozen instant, inside one
transaction that is rolled back when the module ends, so nothing of it reaches other test
modules (each test's own transaction is a savepoint inside it). Each persona then walks the
site breadth-first, GET only: every `<a href>`, `<link href>`, `<img src>`, `<iframe src>` (and
the like) naming a page of ours, every redirect within the site, and every GET form submitted as
it stands and once with each option of each of its menus (the filters, one at a time).
Downloads (CSV, Excel, PNG, SVG, PDF) are fetched like pages, every one of them: the demo has
only a few PDFs, so sampling them is not needed.

Every server error or uncaught exception, and every link that answers 4xx to the person it was
shown to, is collected and reported together: the persona, the address, the page that linked
to it and the exception's last line. A crawl that hits its page cap, or reaches fewer pages
than it should, fails too, so its coverage is never silently cut short.
"""

from __future__ import annotations

import io
import time
import traceback
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.http import HttpResponseBase
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import FROZEN_AT

# More addresses than this for one persona fails the test: raise it when the site grows.
PAGE_CAP = 1500

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

# Signing out would end the session being crawled with; static files are whitenoise's.
SKIPPED_PATHS = frozenset({reverse("account_logout")})
SKIPPED_PREFIXES = (settings.STATIC_URL, settings.MEDIA_URL)
NOT_A_PAGE = ("mailto:", "tel:", "javascript:", "data:", "blob:")

# The attribute of each element that names another address.
ADDRESS_ATTRIBUTES = {
    "a": "href",
    "link": "href",
    "img": "src",
    "iframe": "src",
    "script": "src",
    "object": "data",
    "embed": "src",
    "source": "src",
}
UNSENT_INPUTS = frozenset({"submit", "button", "image", "reset", "file"})
REDIRECTS = frozenset({301, 302, 303, 307, 308})


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


@dataclass
class GetForm:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    # Each menu: its name, the position of its field in `fields`, and every option's value.
    menus: list[tuple[str, int, list[str]]] = field(default_factory=list)

    def queries(self) -> Iterator[str]:
        """The form as it stands, then once with each other option of each menu."""
        yield urlencode(self.fields)
        for _, position, options in self.menus:
            for option in options:
                if option != self.fields[position][1]:
                    fields = list(self.fields)
                    fields[position] = (fields[position][0], option)
                    yield urlencode(fields)


class PageParser(HTMLParser):
    """The addresses a page names and its GET forms, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.addresses: list[str] = []
        self.forms: list[GetForm] = []
        self._form: GetForm | None = None
        self._menu: tuple[str, list[str], list[str]] | None = None  # name, options, selected
        self._option: tuple[str | None, bool, list[str]] | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {name: value or "" for name, value in attr_list}
        wanted = ADDRESS_ATTRIBUTES.get(tag)
        if wanted and attrs.get(wanted):
            self.addresses.append(attrs[wanted])
        if tag == "form":
            method = attrs.get("method", "get").lower()
            self._form = GetForm(action=attrs.get("action", "")) if method == "get" else None
        elif self._form is None or "disabled" in attrs:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form.fields.append((attrs["name"], attrs.get("value", "on")))
            elif kind not in UNSENT_INPUTS:
                self._form.fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select" and attrs.get("name"):
            self._menu = (attrs["name"], [], [])
        elif tag == "option" and self._menu is not None:
            self._end_option()  # an option's end tag may be left out
            self._option = (attrs.get("value"), "selected" in attrs, [])
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = (attrs["name"], [])

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option[2].append(data)
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" or (tag == "select" and self._option is not None):
            self._end_option()
        if tag == "select" and self._menu is not None and self._form is not None:
            name, options, selected = self._menu
            if options:
                self._form.menus.append((name, len(self._form.fields), options))
                self._form.fields.append((name, (selected or options)[0]))
            self._menu = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea[0], "".join(self._textarea[1])))
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None

    def _end_option(self) -> None:
        if self._option is not None and self._menu is not None:
            value, selected, text = self._option
            value = "".join(text).strip() if value is None else value
            self._menu[1].append(value)
            if selected:
                self._menu[2].append(value)
        self._option = None


@dataclass
class Crawl:
    persona: str
    client: Client
    reached: int = 0
    capped: bool = False
    failures: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    queue: deque[tuple[str, str]] = field(default_factory=deque)
    kinds: Counter[str] = field(default_factory=Counter)

    def run(self) -> None:
        self.add("/", base="/", linked_from="(start)")
        while self.queue:
            self.visit(*self.queue.popleft())

    def add(self, href: str, *, base: str, linked_from: str) -> None:
        target = same_site_address(href, base)
        if target is None or target in self.seen:
            return
        if len(self.seen) >= PAGE_CAP:
            self.capped = True
            return
        self.seen.add(target)
        self.queue.append((target, linked_from))

    def fail(self, target: str, linked_from: str, what: str) -> None:
        self.failures.append(f"{target} (linked from {linked_from}): {what}")

    def visit(self, target: str, linked_from: str) -> None:
        try:
            response = self.client.get(target)
            body = read(response)
        except Exception as error:  # every failure is collected, then reported
            self.fail(target, linked_from, f"raised {last_line(error)}")
            return
        self.reached += 1
        status = response.status_code
        exc_info = getattr(response, "exc_info", None)
        if exc_info:
            self.fail(target, linked_from, f"{status} {last_line(exc_info[1])}")
        elif status >= 500:
            self.fail(target, linked_from, f"{status} with no exception raised")
        elif status >= 400:
            self.fail(target, linked_from, f"{status}: a link this person cannot follow")
        elif status in REDIRECTS:
            self.add(response["Location"], base=target, linked_from=f"a redirect from {target}")
        else:
            content_type = response.get("Content-Type", "").split(";")[0]
            self.kinds[content_type] += 1
            if content_type == "text/html":
                self.follow(body.decode(response.charset or "utf-8"), target)

    def follow(self, html: str, target: str) -> None:
        parser = PageParser()
        parser.feed(html)
        parser.close()
        for href in parser.addresses:
            self.add(href, base=target, linked_from=target)
        if "?" in target:
            # A GET form is submitted from its unfiltered page only: submitting it again from
            # each page it leads to would try every combination of its options.
            return
        for form in parser.forms:
            action = form.action or target
            for query in form.queries():
                self.add(f"{action.split('?')[0]}?{query}", base=target, linked_from=target)


def same_site_address(href: str, base: str) -> str | None:
    """The path (and query) of ours that `href` on the page at `base` names, or None."""
    href = href.strip()
    if not href or href.lower().startswith(NOT_A_PAGE):
        return None
    absolute, _ = urldefrag(urljoin(f"http://testserver{base}", href))
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    if parts.path in SKIPPED_PATHS or parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def read(response: HttpResponseBase) -> bytes:
    """The whole body: a streamed download is read to its end, so its errors show too."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def last_line(error: BaseException) -> str:
    lines = traceback.format_exception_only(type(error), error)
    return lines[-1].strip() if lines else repr(error)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(PERSONAS))
def test_every_page_answers_every_persona(persona: str, demo: None, settings: Any) -> None:
    email, programme_role, least = PERSONAS[persona]
    if programme_role:
        settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = False
    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(email=email))
    crawl = Crawl(persona=persona, client=client)
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
