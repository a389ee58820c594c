"""The portal header's links: every kit's ``portal_nav``, by ``order``."""

from __future__ import annotations

from django import template

from fazhi.core.kit import NavEntry, kits

register = template.Library()


def portal_links() -> list[NavEntry]:
    """Every kit's portal links (the portal's own 年度报告 among them), smaller ``order`` first
    (ties in kit order)."""
    found = [entry for kit in kits() for entry in kit.portal_nav if entry.url]
    return sorted(found, key=lambda entry: entry.order)


@register.simple_tag
def portal_nav_links() -> list[NavEntry]:
    return portal_links()
