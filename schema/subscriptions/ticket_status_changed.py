"""Subscription.ticketStatusChanged: only events that change the state or the raw status,
optionally preceded by a snapshot of the tickets as they are now."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Annotated, cast

import strawberry
from strawberry import argument as arg

from app.context import Info
from schema.errors import bad_user_input
from schema.permissions import AUTHENTICATED
from schema.queries.events import TicketEventFilter
from schema.subscriptions.snapshot import snapshot_events
from schema.subscriptions.stream import feed_events, parse_after
from schema.subscriptions.ticket_events import AFTER, FILTER
from schema.types.events import TicketEvent

INITIAL = (
    "True: first one SNAPSHOT event per ticket matching the filter now, then the changes. "
    "Not with `after`."
)
DESCRIPTION = (
    "Events that change a ticket's `state` or raw status, in log order. `after` works as in "
    "ticketEvents (null = from now). `initial: true` (without `after`) first sends one event "
    "of type SNAPSHOT per ticket matching the filter now (`toState`/`toStatus` = its current "
    "state and status, `at` = its updatedAt, no `from*`, not stored in the log, `id` not "
    "fetchable), all with the cursor taken before the snapshot was read; changes follow from "
    "that cursor with no gap. On a server restart the socket closes with 1012, and while the "
    "database is unavailable with 1013 (before any event it could not resolve): reconnect, "
    "after a moment for 1013, with the last cursor you saw."
)


@strawberry.type
class TicketStatusChangedSubscription:
    @strawberry.subscription(permission_classes=AUTHENTICATED, description=DESCRIPTION)
    async def ticket_status_changed(
        self,
        info: Info,
        filter: Annotated[TicketEventFilter | None, arg(FILTER)] = None,
        after: Annotated[str | None, arg(AFTER)] = None,
        initial: Annotated[bool | None, arg(INITIAL)] = False,
    ) -> AsyncGenerator[TicketEvent, None]:
        event_filter = dataclasses.replace(
            (filter or TicketEventFilter()).to_event_filter(), status_changes_only=True
        )
        after_seq = parse_after(after)
        ctx = info.context
        if initial and not ctx.resumes_stream:  # a resumed stream had its snapshot already
            if after_seq is not None:
                raise bad_user_input("Pass either 'initial: true' or 'after', not both.")
            # The cursor first: a change committed while the snapshot is read comes after it.
            after_seq = await ctx.require_feed().latest_seq(ctx.workspace_id)
            snapshot = snapshot_events(ctx.db, ctx.workspace_id, event_filter, after_seq)
            async with aclosing(snapshot) as tickets:
                async for item in tickets:
                    ctx.fresh_loaders()
                    yield cast(TicketEvent, item)  # a stand-in the TicketEvent type reads
        async with aclosing(feed_events(info, event_filter, after_seq)) as events:
            async for event in events:
                yield event
