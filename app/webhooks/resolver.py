"""The HTTP client's resolver: every new connection to a receiver resolves its host here and
is refused unless the addresses are allowed (app.webhooks.addresses), so the client dials the
address that was checked at connect time, not one a second lookup returned (DNS rebinding).
TLS is still verified against the host name (the client sends it as SNI)."""

from __future__ import annotations

import socket

from aiohttp.abc import AbstractResolver, ResolveResult

from app.webhooks.addresses import Target, allowed_address


class CheckedResolver(AbstractResolver):
    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        # Raises RefusedAddress (not an OSError: the client lets it through unwrapped).
        address = await allowed_address(
            Target("http", host, port, "/"), allow_private=self.allow_private
        )
        return [
            {
                "hostname": host,
                "host": str(address),
                "port": port,
                "family": socket.AF_INET6 if address.version == 6 else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
        ]

    async def close(self) -> None:
        pass
