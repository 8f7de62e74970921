"""The one generator both subscriptions delegate to: feed events for the caller's workspace.

It turns refusals into GraphQL errors (BAD_USER_INPUT for a malformed cursor, CURSOR_EXPIRED),
resolves every event with loaders shared by all its subscribers (never the connection's own: the
WebSocket context lives as long as the connection, a cache must not), and on
a feed shutdown closes the socket with 1012 so the client reconnects and resumes. On a
graphql-transport-ws socket the feed may write the live events itself, to a whole group of
such subscribers at once (fanout.py): this generator then sees only replays and catch-ups.

An outage (the feed can't read the log, or an event can't be resolved even after the retries
of event_retry.py) surfaces as a SERVICE_UNAVAILABLE result, which the WebSocket handlers
never send: they close the socket with 1013 instead (app/http/websocket/limits.py).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Any

from app.context import Info
from app.domain.cursors import decode_event_cursor
from app.domain.errors import DomainError
from app.domain.event_filter import EventFilter
from app.live.event_feed import FeedClosed
from app.socket_guard import CLOSE_RESTART
from schema.errors import from_domain
from schema.subscriptions.fanout import fanout_spec
from schema.subscriptions.shared_loaders import shared_loaders

RESTART_REASON = "Server restarting: resume with your last cursor"


def parse_after(after: str | None) -> int | None:
    """None = from now; else the cursor's seq (BAD_USER_INPUT when malformed)."""
    if after is None:
        return None
    try:
        return decode_event_cursor(after)
    except DomainError as error:
        raise from_domain(error) from None


async def feed_events(
    info: Info, event_filter: EventFilter, after_seq: int | None
) -> AsyncGenerator[Any, None]:
    ctx = info.context
    events = ctx.require_feed().subscribe(
        ctx.workspace_id, after_seq=after_seq, event_filter=event_filter, fanout=fanout_spec(ctx)
    )
    try:
        async with aclosing(events) as stream:
            async for event in stream:
                ctx.use_loaders(shared_loaders.for_event(ctx.db, ctx.workspace_id, event.seq))
                yield event
    except DomainError as error:
        raise from_domain(error) from None
    except FeedClosed:
        await ctx.close_connection(CLOSE_RESTART, RESTART_REASON)
