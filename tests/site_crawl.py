"""The site crawl behind tests/test_persona_crawl.py and the kept-input browser test.

A `Crawl` walks the site as one signed-in person with Django's test client, breadth-first and
GET only: every `<a href>`, `<link href>`, `<img src>`, `<iframe src>` (and the like) naming a
page of ours, every redirect within the site, and every GET form submitted as it stands and once
with each option of each of its menus. It collects every failure, counts what it fetched by
kind, and notes each page that holds several POST forms with something to fill in.
"""

from __future__ import annotations

import re
import traceback
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

from django.conf import settings
from django.http import HttpResponseBase
from django.test import Client
from django.urls import resolve, reverse

# More addresses than this for one persona fails the test: raise it when the site grows.
PAGE_CAP = 1500

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
KEPT_NOT = UNSENT_INPUTS | {"hidden", "password"}
REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Addresses a pages-only crawl leaves alone: downloads, by the way our addresses name them.
LIKELY_A_FILE = re.compile(r"\.(csv|xlsx|pdf|png|svg|json|ya?ml)(\?|$)|/(download|export)|format=")


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
        self.links: list[str] = []  # the addresses of <a> elements alone
        self.forms: list[GetForm] = []
        # For each POST form, how many fields it has that a person fills in.
        self.post_forms: list[int] = []
        self._in_post = False
        self._form: GetForm | None = None
        self._menu: tuple[str, list[str], list[str]] | None = None  # name, options, selected
        self._option: tuple[str | None, bool, list[str]] | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {name: value or "" for name, value in attr_list}
        wanted = ADDRESS_ATTRIBUTES.get(tag)
        if wanted and attrs.get(wanted):
            self.addresses.append(attrs[wanted])
            if tag == "a":
                self.links.append(attrs[wanted])
        if tag == "form":
            method = attrs.get("method", "get").lower()
            self._form = GetForm(action=attrs.get("action", "")) if method == "get" else None
            self._in_post = method == "post"
            if self._in_post:
                self.post_forms.append(0)
        elif self._in_post and self._filled_in(tag, attrs):
            self.post_forms[-1] += 1
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

    @staticmethod
    def _filled_in(tag: str, attrs: dict[str, str]) -> bool:
        """A field a person types into or chooses (what static/js/keep-input.mjs keeps)."""
        if tag in ("textarea", "select"):
            return bool(attrs.get("name"))
        kind = attrs.get("type", "text").lower()
        return tag == "input" and bool(attrs.get("name")) and kind not in KEPT_NOT

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option[2].append(data)
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_post = False
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
    # Pages only: follow links and redirects, but submit no GET form and fetch nothing a page
    # merely embeds or links as a file (a stylesheet, an image, a CSV).
    pages_only: bool = False
    reached: int = 0
    capped: bool = False
    failures: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    queue: deque[tuple[str, str]] = field(default_factory=deque)
    kinds: Counter[str] = field(default_factory=Counter)
    # The name of each page that holds several POST forms, something to fill in among them.
    several_forms: dict[str, str] = field(default_factory=dict)
    # Asked of every response (pages, downloads, redirects): what is wrong with it, or None.
    check: Callable[[HttpResponseBase], str | None] | None = None

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
        problem = self.check(response) if self.check else None
        if problem:
            self.fail(target, linked_from, problem)
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
        if len(parser.post_forms) > 1 and any(parser.post_forms):
            name = resolve(urlsplit(target).path).view_name
            self.several_forms.setdefault(name, target)
        for href in parser.links if self.pages_only else parser.addresses:
            if not (self.pages_only and LIKELY_A_FILE.search(href)):
                self.add(href, base=target, linked_from=target)
        if "?" in target or self.pages_only:
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
