"""The legacy `graphql-ws` protocol (subscriptions-transport-ws) running queries and mutations
too, as graphql-transport-ws does.

Strawberry's handler sends every `start` to `schema.subscribe`, which refuses anything but a
subscription: a query over this protocol answered INTERNAL_SERVER_ERROR, and clients that pick
it by default (Python's `gql` WebsocketsTransport, Apollo's old SubscriptionClient) could not
even fetch the schema. Here a `start` goes to `schema.stream`, which runs any operation: a query
or mutation answers one `data` message, then `complete`. A message of the wrong shape
(app.http.websocket.messages) gets an `error` when it names an operation, and is skipped otherwise.
A result spoiled by an outage closes the socket with 1013
(app.http.websocket.limits.ClosesOnOutage).
"""

from __future__ import annotations

import asyncio
from typing import Any

from graphql import GraphQLError
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import CompleteMessage, ErrorMessage
from strawberry.types.execution import ExecutionResult, PreExecutionError

from app.http.websocket.limits import ClosesOnOutage
from app.http.websocket.messages import message_problem

NO_INCREMENTAL = "Incremental delivery is not supported over graphql-ws."


class LegacyWSHandler(ClosesOnOutage, BaseGraphQLWSHandler[Any, Any]):
    async def handle_message(self, message: Any) -> None:
        if problem := message_problem(message):
            # The protocol has no close code for it: an operation gets its `error`, anything
            # else is skipped, as an unreadable message is.
            if isinstance(message, dict) and isinstance(message.get("id"), str):
                await self._send_error(message["id"], GraphQLError(problem))
            return
        await super().handle_message(message)

    async def handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        try:
            results = await self.schema.stream(
                query,
                variable_values=variables,
                context_value=self.context,
                root_value=self.root_value,
                operation_name=operation_name,
            )
            self.subscriptions[operation_id] = results
            first = True
            async for result in results:
                if first and isinstance(result, PreExecutionError) and result.errors:
                    await self._send_error(operation_id, result.errors[0])
                    return
                if not isinstance(result, ExecutionResult):  # @defer/@stream frames
                    await self._send_error(operation_id, GraphQLError(NO_INCREMENTAL))
                    return
                await self.send_data_message(result, operation_id)
                first = False
            await self.send_message(CompleteMessage(type="complete", id=operation_id))
        except asyncio.CancelledError:
            await self.send_message(CompleteMessage(type="complete", id=operation_id))
        finally:
            # Done, refused or stopped: the id is free again and counts no more.
            self.subscriptions.pop(operation_id, None)
            self.tasks.pop(operation_id, None)

    async def _send_error(self, operation_id: str, error: GraphQLError) -> None:
        await self.send_message(
            ErrorMessage(type="error", id=operation_id, payload=error.formatted)
        )
