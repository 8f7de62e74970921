"""Which subscriptions the feed's transport-level fan-out may serve (app/live/fanout.py), under
which group key, and how their group resolves an event.

A subscription qualifies when its transport offers a socket the feed can write to (only
graphql-transport-ws does: app/http/websocket/direct.py), it has a key, and its results carry
nothing but data: a request that asks for `extensions.cost` gets it with every result, so it
stays on the ordinary path. The group key is the multiplexed result's (multiplex.py): the
workspace, the key's role (all that field permissions read) and the operation's signature; the
feed adds the filter. The group resolves an event exactly as the subscription would itself:
its own executor's per-event copy, with the loaders shared for the event, through the shared
resolutions (and their retries), so a group member and a subscriber on the ordinary path get
the same result, resolved once.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from graphql import ExecutionResult

from app.context import Context
from app.db import TicketEvent
from app.live.fanout import FanoutSpec, current_socket
from app.live.shared_data import SharedData
from schema.limits.extension import asks_for_cost
from schema.subscriptions.shared_loaders import shared_loaders

# The executor of the subscription whose events are about to be read, set in the task that runs
# it (event_retry.py) before its resolver's body runs.
subscription_executor: ContextVar[Any] = ContextVar("subscription_executor", default=None)


def fanout_spec(ctx: Context) -> FanoutSpec | None:
    socket = current_socket.get()
    executor = subscription_executor.get()
    principal = ctx.principal
    if socket is None or executor is None or principal is None:
        return None
    if asks_for_cost(getattr(executor, "operation_extensions", None)):
        # Strawberry's graphql-transport-ws handler passes no request extensions today; if it
        # does one day, a result with its cost is not the group's plain data frame.
        return None
    key = (principal.workspace_id, principal.role, principal.line_ids, executor.signature())

    async def render(event: TicketEvent) -> SharedData | None:
        ctx.use_loaders(shared_loaders.for_event(ctx.db, principal.workspace_id, event.seq))
        result: ExecutionResult = await executor.build_per_event_executor(event).execute_operation(
            False
        )
        if result.errors or result.extensions or not isinstance(result.data, SharedData):
            return None  # not a plain shared result: the ordinary path sends it
        return result.data

    return FanoutSpec(key, render, socket)
