"""One delivery attempt: a POST to the endpoint (no redirects followed, the answer read no
further than a short excerpt), over a client whose connections go only to addresses checked
when they were opened (app.webhooks.resolver)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import aiohttp

from app.webhooks.addresses import RefusedAddress, check_literal, parse_url
from app.webhooks.resolver import CheckedResolver

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


def new_client(*, allow_private: bool, max_connections: int) -> aiohttp.ClientSession:
    """The worker's client: connections kept alive per receiver, each opened to an address
    checked then; no cookies kept, no proxy from the environment (it would defeat the check)."""
    connector = aiohttp.TCPConnector(
        resolver=CheckedResolver(allow_private=allow_private),
        use_dns_cache=False,  # every new connection resolves and checks again
        limit=max_connections,
        limit_per_host=0,
    )
    return aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False,
        timeout=aiohttp.ClientTimeout(total=None),  # each send has its own (asyncio.timeout)
        headers={"User-Agent": USER_AGENT},
        # Answers as sent (the excerpt of an error is text, not gzip to decode): none asked for.
        skip_auto_headers=("Accept-Encoding",),
        auto_decompress=False,
    )


async def _excerpt(response: aiohttp.ClientResponse) -> tuple[str, bool]:
    """The start of the body, and whether it was read to its end."""
    chunks = bytearray()
    while len(chunks) <= EXCERPT_BYTES:
        chunk = await response.content.read(EXCERPT_BYTES + 1 - len(chunks))
        if not chunk:
            return bytes(chunks).decode("utf-8", "replace"), True
        chunks += chunk
    return bytes(chunks[:EXCERPT_BYTES]).decode("utf-8", "replace"), False


async def send(
    client: aiohttp.ClientSession,
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
        # A literal address is dialled without the resolver: checked here.
        check_literal(target.host, allow_private=allow_private)
    except RefusedAddress as refused:
        return done(None, f"refused: {refused}")
    except Exception as error:  # an URL saved before the rules changed
        return done(None, f"invalid URL: {error}")
    try:
        async with asyncio.timeout(timeout):
            async with client.post(
                url, data=body, headers=headers, allow_redirects=False
            ) as response:
                # Read to the end when the answer is short (most are empty): the connection is
                # then reused. A longer body is cut, and its connection closed.
                excerpt, whole = await _excerpt(response)
                if not whole:
                    response.close()
                status = response.status
    except RefusedAddress as refused:  # from the resolver, at connect time
        return done(None, f"refused: {refused}")
    except TimeoutError:
        return done(None, f"timed out after {timeout:g} s")
    except (aiohttp.ClientError, OSError) as error:
        return done(None, f"{type(error).__name__}: {error}"[:500])
    if 200 <= status < 300:
        return done(status, None)
    if 300 <= status < 400:
        return done(status, "redirects are not followed")
    return done(status, excerpt or None)
