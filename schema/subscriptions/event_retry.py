"""A subscription event spoiled by an outage is resolved again, never sent half-resolved.

graphql-core resolves each event of a subscription on a copy of the executor made for it
(`build_per_event_executor`). When that result carries an error whose cause is the domain's
Unavailable (the database failed while reading the event's ticket), it is thrown away and the
event is resolved again on a fresh copy, with fresh loaders (nothing a failed batch left is
reused), after each of RETRY_DELAYS. If the last try fails too, the spoiled result goes on: the
WebSocket handlers (app/http/websocket/limits.py) never send it; they close the socket with 1013, so
the client's cursor stops before this event and its reconnect resumes from there.

The retries keep the subscription's order: graphql-core resolves one event at a time, and the
next one waits behind them.

Subscribers with the same operation and visibility share one resolution of each event, retries
included (multiplex.py).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, cast

from graphql import ExecutionResult

from app.domain.errors import Unavailable
from schema.subscriptions.fanout import subscription_executor
from schema.subscriptions.multiplex import event_key, operation_signature, resolved_events

log = logging.getLogger(__name__)

# Seconds before each new try: about 4 s in all, then the socket is closed with 1013.
RETRY_DELAYS: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0)


def spoiled(result: ExecutionResult) -> bool:
    return any(isinstance(e.original_error, Unavailable) for e in result.errors or ())


if TYPE_CHECKING:
    # mypy checks the mixin against what it is mixed into (the execution context it extends).
    from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext as _MixinBase
else:
    _MixinBase = object


class RetriesSpoiledEvents(_MixinBase):
    """Mixed into the schema's executor class (schema/root.py), before graphql-core's."""

    _event = False  # set on the copies that resolve one subscription event
    _signature: str | None = None  # the subscription's operation and variables (multiplex.py)

    def cancellable_iterable(self, iterable: Any) -> Any:
        # Called once, on the subscription's executor, right before its events are read, in the
        # task that reads them: the resolver finds it here for a fan-out group (fanout.py).
        subscription_executor.set(self)
        return super().cancellable_iterable(iterable)

    def signature(self) -> str:
        """The operation and its variables (multiplex.py), worked out once per subscription."""
        if self._signature is None:
            self._signature = operation_signature(self)
        return self._signature

    def build_per_event_executor(self, payload: Any) -> Any:
        executor = self._copy(payload)
        executor._event = True
        executor._signature = self.signature()
        return executor

    def _copy(self, payload: Any) -> RetriesSpoiledEvents:
        # graphql-core's build_per_event_executor copies self (copy.copy), so its class is ours.
        return cast(RetriesSpoiledEvents, super().build_per_event_executor(payload))

    def execute_operation(self, serially: bool | None = None) -> Any:
        if not self._event:
            return self._execute_once(serially)
        assert self._signature is not None
        key = event_key(self, self._signature)
        if key is None:
            return self._resolved(self._execute_once(serially), serially)
        return resolved_events.resolve(
            key, lambda: self._resolved(self._execute_once(serially), serially)
        )

    def _execute_once(self, serially: bool | None) -> Any:
        return super().execute_operation(serially)

    async def _resolved(self, first: Any, serially: bool | None) -> ExecutionResult:
        result: ExecutionResult = await first if self.is_awaitable(first) else first
        for delay in RETRY_DELAYS:
            if not spoiled(result):
                return result
            log.info("event resolution hit an outage; trying again in %.2f s", delay)
            await asyncio.sleep(delay)
            self.context_value.fresh_loaders()
            again = self._copy(self.root_value)
            attempt = again._execute_once(serially)
            result = await attempt if self.is_awaitable(attempt) else attempt
        return result
