"""The EventFeed as one resumable HTTP stream sees it (graphql-sse: `id:` and `Last-Event-ID`).

Subscriptions read the feed through the context (`latest_seq`, `subscribe`). A stream's view
passes both through, and:
- starts every subscription after the client's Last-Event-ID when it gave one, whatever the
  operation's `after` says (the client sends the same request again on reconnect);
- remembers the cursor of the last event it handed out, so the transport can label the result
  it is about to send with it. Results follow events one for one and in order: the subscription
  reads the next event only after its result has been taken.
A snapshot (ticketStatusChanged `initial`) carries the cursor read just before it, which is
what `latest_seq` remembers.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Protocol

from app.db import TicketEvent
from app.domain.cursors import encode_event_cursor
from app.domain.event_filter import EventFilter
from app.live.fanout import FanoutSpec


class SubscriptionFeed(Protocol):
    """What subscriptions use of app.live.event_feed.EventFeed."""

    async def latest_seq(self, workspace_id: int) -> int: ...

    def subscribe(
        self,
        workspace_id: int,
        *,
        after_seq: int | None,
        event_filter: EventFilter,
        fanout: FanoutSpec | None = None,
    ) -> AsyncGenerator[TicketEvent, None]: ...


class ResumingFeed:
    def __init__(self, feed: SubscriptionFeed, *, resume_seq: int | None) -> None:
        self._feed = feed
        self.resume_seq = resume_seq
        self.last_seq: int | None = None

    @property
    def last_cursor(self) -> str | None:
        return None if self.last_seq is None else encode_event_cursor(self.last_seq)

    async def latest_seq(self, workspace_id: int) -> int:
        self.last_seq = await self._feed.latest_seq(workspace_id)
        return self.last_seq

    async def subscribe(
        self,
        workspace_id: int,
        *,
        after_seq: int | None,
        event_filter: EventFilter,
        fanout: FanoutSpec | None = None,
    ) -> AsyncGenerator[TicketEvent, None]:
        # A stream labels each result with its event's cursor: every event goes through here,
        # so never through a fan-out group (no transport but graphql-transport-ws offers one).
        if self.resume_seq is not None:
            after_seq = self.resume_seq
        events = self._feed.subscribe(workspace_id, after_seq=after_seq, event_filter=event_filter)
        async with aclosing(events) as stream:
            async for event in stream:
                self.last_seq = event.seq
                yield event
