"""Issue 14 item 4: every page the demo county's accounts can reach carries the
Content-Security-Policy, and none of them needs an exception from it: no inline ``<script>``
(every script has ``src=``), no inline event handler (``onclick=`` …), no ``javascript:`` link,
no ``<style>`` block and no ``style=""`` attribute (the policy has no ``'unsafe-inline'``).

Each account, in each of its 岗位, follows the links of its pages from the home page, one page of
each kind (the path with its numbers taken out, and the names of its query parameters), as a
user clicking through the menus, lists, filters, case pages and forms would; the admin site
(Django's own templates, no inline script either) and the public portal are walked the same way.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from django.test import Client

import fazhi
from fazhi.demo.generator import SeedResult
from fazhi.orgs.models import Membership

#: Pages not followed: logging out, downloads and machine endpoints (not HTML).
SKIP = ("/accounts/logout", "/static/", "/media/", "/api/")
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PORTAL = "/portal/"
JS_URL = "javascript:"
EVENT_HANDLER = re.compile(r"on[a-z]+")


class _Page(HTMLParser):
    """The links of a page and what in it the policy would refuse."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.refused: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and not named.get("src"):
            self.refused.append("<script> without src")
        if tag == "style":
            self.refused.append("<style> block")
        for name, value in attrs:
            if EVENT_HANDLER.fullmatch(name):
                self.refused.append(f"<{tag} {name}=…>")
            if name == "style":
                self.refused.append(f'<{tag} style="{value}">')
            if name in {"href", "src", "action"} and (value or "").lstrip().startswith(JS_URL):
                self.refused.append(f"<{tag} {name}=javascript:…>")
        if tag == "a" and named.get("href"):
            self.links.append(named["href"] or "")


def directives(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: [sources]} (its order is not fixed)."""
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def _kind(url: str) -> str:
    """One page of each kind: the path without its numbers, and its query parameters' names
    (only the path in the admin site, whose lists have a sort and filter link on every column)."""
    parts = urlsplit(url)
    path = re.sub(r"\d+", "N", parts.path)
    if path.startswith("/admin/"):
        return path
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + "?" + "&".join(keys)


def _followed(base: str, href: str) -> str | None:
    url = urldefrag(href).url
    if url.startswith("?"):
        url = urlsplit(base).path + url
    if not url.startswith("/") or url.startswith("//") or url.startswith(SKIP):
        return None
    return url


def walk(
    client: Client, starts: tuple[str, ...], seen: set[str]
) -> Iterator[tuple[str, int, str, str]]:
    """Every kind of HTML page reachable from ``starts`` and not in ``seen`` (which it fills):
    (url, status, CSP header, what the policy would refuse)."""
    queue = deque(start for start in starts if _kind(start) not in seen)
    seen.update(_kind(start) for start in starts)
    while queue:
        url = queue.popleft()
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        page = _Page()
        page.feed(response.content.decode())
        yield (
            url,
            response.status_code,
            response.get("Content-Security-Policy", ""),
            "; ".join(sorted(set(page.refused))),
        )
        for href in page.links:
            target = _followed(url, href)
            if target and _kind(target) not in seen:
                seen.add(_kind(target))
                queue.append(target)


def _problems(
    client: Client, starts: tuple[str, ...], seen: set[str] | None = None
) -> tuple[int, list[str]]:
    pages, problems = 0, []
    for url, status, policy, refused in walk(client, starts, set() if seen is None else seen):
        pages += 1
        if status >= 500:
            problems.append(f"{url}: {status}")
        if directives(policy) != POLICY:
            problems.append(f"{url}: Content-Security-Policy {policy!r}")
        if refused:
            problems.append(f"{url}: {refused}")
    return pages, problems


def test_the_walk_finds_what_the_policy_refuses() -> None:
    page = _Page()
    page.feed(
        '<script>alert(1)</script><script src="/static/x.js"></script><a href="/x" onclick="f()">'
        '<p style="color:red"></p><style>p{}</style><a href="javascript:void(0)">'
    )
    assert page.refused == [
        "<script> without src",
        "<a onclick=…>",
        '<p style="color:red">',
        "<style> block",
        "<a href=javascript:…>",
    ]
    assert _kind("/plans/12/matrix/?unit=3&section=4") == "/plans/N/matrix/?section&unit"


@pytest.mark.django_db
def test_every_page_of_every_demo_account_keeps_to_the_policy(demo_county: SeedResult) -> None:
    """Two accounts of the same role see the same kinds of page (their units differ): a kind
    one of them walked is not walked again for the other."""
    problems: list[str] = []
    walked = 0
    seen: dict[str, set[str]] = defaultdict(set)
    for membership in Membership.objects.select_related("user").order_by("user__username", "pk"):
        client = Client()
        client.force_login(membership.user)
        client.post("/accounts/switch/", {"membership": membership.pk, "next": "/"})
        pages, found = _problems(client, ("/", "/admin/", PORTAL), seen[membership.role])
        walked += pages
        problems += [f"{membership.user.username}#{membership.pk} {p}" for p in found]
    assert problems == []
    assert walked > 200  # the walk really went through the site


@pytest.mark.django_db
def test_the_public_portal_and_the_login_page_keep_to_the_policy(demo_county: SeedResult) -> None:
    anonymous = Client()
    pages, problems = _problems(anonymous, (PORTAL, "/accounts/login/"))
    assert problems == []
    assert pages >= 3  # the portal's home, its report list and a published report at least


def test_no_template_has_inline_script_or_style() -> None:
    """Also the pages no link leads to (a temporary password shown after a POST, error pages):
    every template of the project, read as HTML."""
    root = Path(fazhi.__file__).parent
    templates = [*root.glob("templates/**/*.html"), *root.glob("*/templates/**/*.html")]
    assert len(templates) > 40
    found = []
    for template in sorted(templates):
        page = _Page()
        page.feed(template.read_text(encoding="utf-8"))
        found += [f"{template.relative_to(root)}: {refused}" for refused in page.refused]
    assert found == []
