"""Which API keys are live, remembered for a moment: one lookup per key every `ttl` seconds
instead of one per request (a statement that was a seventh of a single-ticket read).

A key revoked or rotated by this process is refused from the next request on: the services
that revoke call `forget_everywhere`. One revoked elsewhere (the CLI, another worker) is
refused within `ttl` seconds, as long as a WebSocket of that key takes to be closed
(app/socket_guard.py). Unknown keys are not remembered: each attempt is looked up.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Awaitable, Callable

from app.domain.principal import Principal, hash_api_key

Lookup = Callable[[str], Awaitable[Principal | None]]  # key hash -> principal of a live key

_caches: weakref.WeakSet[LiveKeys] = weakref.WeakSet()


class LiveKeys:
    def __init__(
        self,
        lookup: Lookup,
        *,
        ttl: float = 2.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lookup, self.ttl, self.max_entries, self._clock = lookup, ttl, max_entries, clock
        self._entries: dict[str, tuple[Principal, float]] = {}  # key hash -> (principal, when)
        _caches.add(self)

    async def principal(self, key: str) -> Principal | None:
        """The principal of a live key, or None for an unknown or revoked one."""
        key_hash = hash_api_key(key)
        entry = self._entries.get(key_hash)
        now = self._clock()
        if entry is not None and now - entry[1] < self.ttl:
            return entry[0]
        principal = await self._lookup(key_hash)
        if principal is None:
            self._entries.pop(key_hash, None)
            return None
        if len(self._entries) >= self.max_entries:
            self._entries.clear()  # a bound, not a policy: a few more lookups
        self._entries[key_hash] = (principal, now)
        return principal

    def forget(self, key_id: int) -> None:
        self._entries = {h: e for h, e in self._entries.items() if e[0].key_id != key_id}


def forget_everywhere(key_id: int) -> None:
    """Every cache of this process forgets a key that was just revoked."""
    for cache in list(_caches):
        cache.forget(key_id)
