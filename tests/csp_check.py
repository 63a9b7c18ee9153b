"""What every response's Content-Security-Policy must say (README, "Content-Security-Policy").

`csp_problem(response)` is None when the header is there and strict and, for a page, nothing in
the page would be refused by it (an inline script or style sheet without the header's nonce, a
style or event-handler attribute, a javascript: address); else what is wrong. Used
by the persona crawl (every page, download and redirect each demo persona opens) and by
tests/test_csp.py (the API, error pages, static files).
"""

from __future__ import annotations

from html.parser import HTMLParser

from django.http import HttpResponseBase

HEADER = "Content-Security-Policy"

# Directives whose sources must be exactly these.
EXACT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# What no directive may name: anything inline or evaluated, and hosts other than the site's.
NEVER = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:")


def directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed


def csp_problem(response: HttpResponseBase) -> str | None:
    header = response.get(HEADER)
    if not header:
        return f"no {HEADER} header"
    policy = directives(header)
    for name, sources in EXACT.items():
        if policy.get(name) != sources:
            return f"{name} is {policy.get(name)!r}, not {sources!r} ({header})"
    styles = policy.get("style-src", [])
    if not styles or styles[0] != "'self'" or any(not s.startswith("'nonce-") for s in styles[1:]):
        return f"style-src is {styles!r}: only 'self' and a nonce ({header})"
    for name, sources in policy.items():
        bad = [source for source in sources if source in NEVER]
        if bad:
            return f"{name} allows {' '.join(bad)} ({header})"
    if response.get("Content-Type", "").startswith("text/html") and not getattr(
        response, "streaming", False
    ):
        nonces = {s[len("'nonce-") : -1] for s in styles if s.startswith("'nonce-")}
        refused = InlineFinder.refused(response.content.decode(response.charset or "utf-8"), nonces)
        if refused:
            return "the page holds what its policy refuses: " + "; ".join(refused[:5])
    return None


# Script types a browser runs (anything else, e.g. application/json, is a data block).
SCRIPT_TYPES = frozenset({"", "module", "text/javascript", "application/javascript"})


class InlineFinder(HTMLParser):
    """What in a page the policy refuses: inline scripts (the policy names no script nonce),
    style sheets without the header's nonce, style and on* attributes, javascript: links."""

    def __init__(self, nonces: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.nonces = nonces
        self.found: list[str] = []

    @classmethod
    def refused(cls, html: str, nonces: set[str]) -> list[str]:
        finder = cls(nonces)
        finder.feed(html)
        finder.close()
        return finder.found

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {name.lower(): value or "" for name, value in attr_list}
        inline_script = tag == "script" and not attrs.get("src")
        if inline_script and attrs.get("type", "").lower() in SCRIPT_TYPES:
            self.found.append("an inline <script>")
        if tag == "style" and attrs.get("nonce") not in self.nonces:
            self.found.append("a <style> without the nonce")
        for name, value in attrs.items():
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            elif name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            elif name in ("href", "src", "action", "formaction") and (
                value.strip().lower().startswith("javascript:")
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
