"""One live subscription inside the EventFeed: a bounded buffer plus a "behind" flag.

The feed's fetcher offers events; the subscriber's own generator takes them. When the buffer is
full the subscriber is marked behind and its buffer dropped: its generator then reads the log
from its own cursor. Nobody waits for a slow reader and memory stays bounded.
"""

from __future__ import annotations

import asyncio
from collections import deque

from app.db import TicketEvent
from app.domain.event_filter import EventFilter


class FeedClosed(Exception):
    """The feed ended this subscription (shutdown); the client should reconnect with its cursor."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Subscriber:
    def __init__(self, event_filter: EventFilter, *, last_seq: int, max_queue: int) -> None:
        self.filter = event_filter
        # The last seq delivered (or the starting cursor): anything at or below it is dropped.
        self.last_seq = last_seq
        # Starts behind: the first thing a subscription does is read the log from its cursor.
        self.behind = True
        # Reading the log to catch up (after go_live, before the read is done): still behind
        # for the feed's stats, though offers are taken again.
        self.replaying = False
        self.closed: str | None = None
        self.grouped = False
        self.max_queue = max_queue
        self.peak = 0
        self._items: deque[TicketEvent] = deque()
        self._ready = asyncio.Event()

    @property
    def queued(self) -> int:
        return len(self._items)

    def offer(self, event: TicketEvent) -> None:
        """Called by the fetcher with events that match this subscriber's filter, in seq order."""
        if self.behind or self.grouped or self.closed is not None or event.seq <= self.last_seq:
            return
        if len(self._items) >= self.max_queue:
            # Everything dropped here is in the log; the generator re-reads it from last_seq.
            self.behind = True
            self._items.clear()
        else:
            self._items.append(event)
            self.peak = max(self.peak, len(self._items))
        self._ready.set()

    def close(self, reason: str) -> None:
        self.closed = reason
        self._items.clear()
        self._ready.set()

    @property
    def caught_up(self) -> bool:
        """Everything offered so far is delivered and nothing needs reading from the log."""
        return not (self.behind or self._items or self.grouped) and self.closed is None

    def release(self) -> None:
        """Out of its group: read the log from last_seq, then take offers again."""
        self.grouped = False
        self.behind = True
        self._ready.set()

    async def park(self) -> None:
        """While a group writes this subscriber's events: until it is released or closed."""
        while self.grouped and self.closed is None:
            self._ready.clear()
            await self._ready.wait()

    def go_live(self) -> None:
        """Accept offers again. The caller must read the log after this, not before: whatever
        committed before now is in the log, whatever the fetcher reads after now is offered."""
        self.behind = False
        self._items.clear()

    async def next(self) -> TicketEvent | None:
        """The next buffered event, or None when the subscriber must catch up from the log."""
        while True:
            if self.closed is not None:
                raise FeedClosed(self.closed)
            if self.behind:
                return None
            if self._items:
                return self._items.popleft()
            self._ready.clear()
            await self._ready.wait()
