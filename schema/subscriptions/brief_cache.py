"""What subscriptions resolving the same event in this process share, kept briefly: entries live
`ttl` seconds, at most `max_entries` of them, the oldest dropped first."""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BriefCache(Generic[K, V]):
    def __init__(self, *, ttl: float, max_entries: int) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()  # oldest first

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K, now: float) -> V | None:
        """The value put under `key` less than `ttl` seconds before `now`, else None."""
        entry = self._entries.get(key)
        if entry is None or now - entry[0] >= self.ttl:
            return None
        return entry[1]

    def put(self, key: K, value: V, now: float) -> None:
        """Keep `value` as of `now`; drop the entries that are too old, or too many."""
        self._entries[key] = (now, value)
        self._entries.move_to_end(key)
        while self._entries:
            oldest, (born, _) = next(iter(self._entries.items()))
            if len(self._entries) <= self.max_entries and now - born < self.ttl:
                return
            del self._entries[oldest]

    def pop(self, key: K) -> None:
        self._entries.pop(key, None)
