"""The client address of the current request, for the audit log's 来源地址.

:class:`SourceAddressMiddleware` (first in ``MIDDLEWARE``) puts the address in a context
variable for the duration of the request; :func:`fazhi.core.services.audit_append` reads it
with :func:`current_source_ip`. Outside a request (the ``fazhi`` command line, background
work) there is none and entries carry an empty address.

The address is ``REMOTE_ADDR``. Only when ``REMOTE_ADDR`` is one of
``settings.FAZHI_TRUSTED_PROXIES`` (addresses or networks of reverse proxies, default none) is
``X-Forwarded-For`` believed: it is read from the right, skipping trusted proxies, and the first
address that is not a trusted proxy is the client (anything to its left was written by the
client itself and could be forged).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_source_ip: ContextVar[str] = ContextVar("fazhi_source_ip", default="")


def current_source_ip() -> str:
    """The client address of the request being handled, or ``""`` outside a request."""
    return _source_ip.get()


def normalise_ip(value: str) -> str:
    """``value`` as a canonical IP address (IPv4-mapped IPv6 as IPv4), or ``""`` if it is none."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """The parsed ``FAZHI_TRUSTED_PROXIES``; a bad entry is refused naming it."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"FAZHI_TRUSTED_PROXIES 中的 {entry!r} 不是 IP 地址或网段"
                "（如 10.0.0.5、10.0.0.0/24）"
            ) from exc
    return tuple(networks)


def _is_trusted(address: str, networks: Iterable[Network]) -> bool:
    if not address:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip.version == net.version and ip in net for net in networks)


def client_ip(meta: Mapping[str, Any], proxies: Iterable[str]) -> str:
    """The client address of a request with headers ``meta`` (see the module docstring)."""
    networks = trusted_networks(tuple(proxies))
    address = normalise_ip(meta.get("REMOTE_ADDR", ""))
    if not _is_trusted(address, networks):
        return address
    hops = [hop for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        hop_ip = normalise_ip(hop)
        if not hop_ip:  # garbage in the header: the last proxy that spoke is all we know
            return address
        address = hop_ip
        if not _is_trusted(address, networks):
            return address
    return address


class SourceAddressMiddleware:
    """Holds the request's client address in a context variable while the request runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        trusted_networks(tuple(settings.FAZHI_TRUSTED_PROXIES))  # refuse a bad setting early

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = client_ip(request.META, settings.FAZHI_TRUSTED_PROXIES)
        token = _source_ip.set(address)
        try:
            return self.get_response(request)
        finally:
            _source_ip.reset(token)
