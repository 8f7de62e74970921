"""One delivery attempt: a POST to the endpoint, to the address checked just before (no
redirects followed, the answer read no further than a short excerpt)."""

from __future__ import annotations

import asyncio
import ipaddress
import time
from dataclasses import dataclass

import httpx

from app.webhooks.addresses import RefusedAddress, allowed_address, parse_url

EXCERPT_BYTES = 200
USER_AGENT = "ticketgw-webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        return self.status == 410


def _pinned_url(scheme: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address,
                port: int, path: str) -> str:  # fmt: skip
    host = f"[{address}]" if address.version == 6 else str(address)
    return f"{scheme}://{host}:{port}{path}"


async def _excerpt(response: httpx.Response) -> str:
    chunks = bytearray()
    async for chunk in response.aiter_raw():
        chunks += chunk
        if len(chunks) > EXCERPT_BYTES:
            break
    return bytes(chunks[:EXCERPT_BYTES]).decode("utf-8", "replace")


async def send(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    body: bytes,
    *,
    timeout: float,
    allow_private: bool,
) -> Outcome:
    """POST `body`; never raises for what the receiver or the network does."""
    started = time.perf_counter()

    def done(status: int | None, error: str | None) -> Outcome:
        return Outcome(status, error, int((time.perf_counter() - started) * 1000))

    try:
        target = parse_url(url)
        address = await allowed_address(target, allow_private=allow_private)
    except RefusedAddress as refused:
        return done(None, f"refused: {refused}")
    except Exception as error:  # an URL saved before the rules changed
        return done(None, f"invalid URL: {error}")
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    if ":" in target.host:  # an IPv6 literal
        host_header = f"[{target.host}]" + (
            "" if target.port == default_port else f":{target.port}"
        )
    request = client.build_request(
        "POST",
        _pinned_url(target.scheme, address, target.port, target.path),
        headers={**headers, "Host": host_header, "User-Agent": USER_AGENT},
        content=body,
        # TLS: the certificate is checked against the name, not the address we dialled.
        extensions={"sni_hostname": target.host} if target.scheme == "https" else {},
    )
    try:
        async with asyncio.timeout(timeout):
            response = await client.send(request, stream=True, follow_redirects=False)
            try:
                # Read to the end when the answer is short (most are empty): the connection is
                # then reused. A longer body is cut, and its connection closed.
                excerpt = await _excerpt(response)
            finally:
                await response.aclose()
    except TimeoutError:
        return done(None, f"timed out after {timeout:g} s")
    except httpx.HTTPError as error:
        return done(None, f"{type(error).__name__}: {error}"[:500])
    if 200 <= response.status_code < 300:
        return done(response.status_code, None)
    if 300 <= response.status_code < 400:
        return done(response.status_code, "redirects are not followed")
    return done(response.status_code, excerpt or None)
