"""Which URLs a webhook may go to. Server-side request forgery: an endpoint URL must not reach
the gateway's own network (loopback, private, link-local, unspecified, multicast, reserved).
Checked when an endpoint is saved and again before every connection, on the addresses the name
resolves to then (a name may resolve elsewhere later: DNS rebinding); the connection then goes
to the address that was checked."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.domain.errors import validation

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_URL_LENGTH = 2000


UNRESOLVED = "its host name does not resolve."
NOT_PUBLIC = (
    "its host is or resolves to a loopback, private, link-local or unspecified address "
    "(TICKETGW_WEBHOOK_ALLOW_PRIVATE=1 allows them)."
)


class RefusedAddress(Exception):
    """The URL's host is, or resolves to, an address webhooks may not reach."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as given


def parse_url(url: str, field: str = "url") -> Target:
    """An absolute http(s) URL without credentials; VALIDATION naming `field` otherwise."""
    if len(url) > MAX_URL_LENGTH or any(c.isspace() or ord(c) < 32 for c in url):
        raise validation("The URL is too long or contains spaces or control characters.", field)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise validation("The URL is not valid.", field) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise validation("The URL must be an absolute http:// or https:// URL.", field)
    if parts.username is not None or parts.password is not None:
        raise validation("The URL must not carry a user name or password.", field)
    if parts.fragment:
        raise validation("The URL must not have a #fragment.", field)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    default_port = 443 if parts.scheme == "https" else 80
    return Target(parts.scheme, parts.hostname, port or default_port, path)


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return is_public(address.ipv4_mapped)
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_unspecified
        or address.is_multicast
        or address.is_reserved
        or not address.is_global
    )


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to now (a literal address is itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise RefusedAddress(UNRESOLVED) from None
    found: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])  # no %scope
        if address not in found:
            found.append(address)
    return found


async def allowed_address(target: Target, *, allow_private: bool) -> IPAddress:
    """The address to connect to: the first the host resolves to, when every one of them is
    public (a name that also resolves to a private address is refused: a client may pick any)."""
    addresses = await resolve(target.host, target.port)
    if not addresses:
        raise RefusedAddress(UNRESOLVED)
    _require_public(addresses, allow_private=allow_private)
    return addresses[0]


def check_literal(host: str, *, allow_private: bool) -> None:
    """A host that is an address literal is dialled as it is, with no lookup: refused here
    unless allowed. A name passes (it is checked when it is resolved)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return
    _require_public([address], allow_private=allow_private)


def _require_public(addresses: list[IPAddress], *, allow_private: bool) -> None:
    if not allow_private and not all(is_public(address) for address in addresses):
        raise RefusedAddress(NOT_PUBLIC)


async def check_url(url: str, *, allow_private: bool, field: str = "url") -> Target:
    """For create and update: the URL parses and its host is allowed now."""
    target = parse_url(url, field)
    try:
        await allowed_address(target, allow_private=allow_private)
    except RefusedAddress as refused:
        raise validation(f"Webhooks may not be sent to this URL: {refused}", field) from None
    return target
