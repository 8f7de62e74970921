"""Subscription.ticketEvents: every matching event, replayed from a cursor, then live."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Annotated

import strawberry
from strawberry import argument as arg

from app.context import Info
from schema.permissions import AUTHENTICATED
from schema.queries.events import TicketEventFilter
from schema.subscriptions.stream import feed_events, parse_after
from schema.types.events import TicketEvent

FILTER = "Which events; null for every event of your workspace."
AFTER = (
    "The cursor of the last event you handled (`TicketEvent.cursor`): every event after it "
    "first, then live ones. Null: from now on."
)
DESCRIPTION = (
    "Events of your workspace in log order. `after: null` starts from now; `after: <cursor>` "
    "(from an event or Query.ticketEvents) first replays every matching event after it, then "
    "continues live with no gap and no duplicate. An expired cursor is refused with "
    "CURSOR_EXPIRED. On a server restart the socket closes with 1012, and while the database "
    "is unavailable with 1013 (before any event it could not resolve): reconnect, after a "
    "moment for 1013, with the last cursor you saw."
)


@strawberry.type
class TicketEventsSubscription:
    @strawberry.subscription(permission_classes=AUTHENTICATED, description=DESCRIPTION)
    async def ticket_events(
        self,
        info: Info,
        filter: Annotated[TicketEventFilter | None, arg(FILTER)] = None,
        after: Annotated[str | None, arg(AFTER)] = None,
    ) -> AsyncGenerator[TicketEvent, None]:
        event_filter = (filter or TicketEventFilter()).to_event_filter()
        after_seq = parse_after(after)
        # aclosing: a client's "complete" (or a dropped socket) closes the feed subscription now.
        async with aclosing(feed_events(info, event_filter, after_seq)) as events:
            async for event in events:
                yield event
