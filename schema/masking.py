"""Unexpected errors leave as INTERNAL_SERVER_ERROR with an error id; expected ones pass as is;
outages leave as SERVICE_UNAVAILABLE or TIMEOUT.

Expected: any GraphQLError a resolver, permission or limit raised on purpose (it carries
extensions.code), and graphql-core's own request errors (parse, validation, variables: no
original exception). An outage is the domain's Unavailable (the database boundary raised it):
its stable message and code, logged at WARNING without a traceback. Everything else is a bug:
the client sees only a stable message and an id, and the log line with that id holds the
traceback. Strawberry logs every error at ERROR; GatewaySchema logs expected ones at DEBUG
instead (CURSOR_EXPIRED is no incident).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types.execution import ExecutionResult
from strawberry.types.graphql import OperationType

from app.domain.errors import Unavailable
from schema.limits.codes import RequestErrorCode

log = logging.getLogger("ticketgw.errors")

INTERNAL_MESSAGE = "Internal server error."


def is_expected(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return True
    return bool(error.extensions and "code" in error.extensions)


class MaskUnexpectedErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: not is_expected(error))

    def _process_result(self, result: object) -> None:
        # As MaskErrors does, without its isinstance() on a runtime-checkable Protocol: that
        # check cost ~20 us, on every event sent to every subscriber.
        errors = getattr(result, "errors", None)
        if errors:
            setattr(result, "errors", self._process_errors(errors))  # noqa: B010 (result: object)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, Unavailable):
            return outage_error(error, original)
        error_id = uuid.uuid4().hex
        log.error(
            "unexpected error %s at %s",
            error_id,
            error.path,
            exc_info=(type(original), original, original.__traceback__) if original else None,
        )
        return GraphQLError(
            INTERNAL_MESSAGE,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": RequestErrorCode.INTERNAL_SERVER_ERROR.value, "errorId": error_id},
        )


def outage_error(error: GraphQLError, outage: Unavailable) -> GraphQLError:
    cause = type(outage.__cause__).__name__ if outage.__cause__ is not None else "-"
    log.warning("%s at %s (%s)", outage.code.value, error.path, cause)
    return GraphQLError(
        outage.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": outage.code.value},
    )


class GatewaySchema(strawberry.Schema):
    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        """One answer, so never a subscription: run as a query, it answered null and an
        INTERNAL_SERVER_ERROR. Refused as an operation type this transport can't carry (streams
        go through `stream`: WebSocket, SSE)."""
        allowed = kwargs.get("allowed_operation_types") or (
            OperationType.QUERY,
            OperationType.MUTATION,
        )
        kwargs["allowed_operation_types"] = set(allowed) - {OperationType.SUBSCRIPTION}
        return await super().execute(*args, **kwargs)

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        # Unexpected ones are logged (once, with their id) by MaskUnexpectedErrors.
        for error in errors:
            if is_expected(error):
                log.debug("request error: %s", error.message)
