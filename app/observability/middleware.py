"""The request middleware: request ids, SQL statement counts, metrics and one log line per request.

Pure ASGI (no BaseHTTPMiddleware) so the app runs in this task and sees our ContextVars: the
statement counter and the request record set here are the ones the handler's queries update.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.db.engine import StatementCounter, statement_counter
from app.observability import metrics
from app.observability.json_logs import REQUEST_LOGGER
from app.observability.records import (
    REQUEST_ID_HEADER,
    RequestRecord,
    current_request,
    request_id_from,
)

log = logging.getLogger(REQUEST_LOGGER)

GRAPHQL_PATH = "/graphql"
# A request answered nothing because its client went away first (nginx's code for it).
CLIENT_CLOSED_REQUEST = 499
# Probes and scrapes are frequent and dull: logged at debug level only.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class ObserveRequests:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        record = RequestRecord(request_id_from(Headers(scope=scope).get(REQUEST_ID_HEADER)))
        # Reuse a counter someone already set (a test, a bench) so theirs still counts.
        counter = statement_counter.get()
        counter_token = None
        if counter is None:
            counter = StatementCounter()
            counter_token = statement_counter.set(counter)
        record_token = current_request.set(record)
        first_count, started, status = counter.count, time.perf_counter(), CLIENT_CLOSED_REQUEST

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-Id"] = record.request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except BaseException:
            if status == CLIENT_CLOSED_REQUEST:
                status = 500  # what the server answers for it
            raise
        finally:
            current_request.reset(record_token)
            if counter_token is not None:
                statement_counter.reset(counter_token)
            duration = time.perf_counter() - started
            statements = counter.count - first_count
            _finish_http(scope, record, status, duration, statements)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = request_id_from(Headers(scope=scope).get(REQUEST_ID_HEADER))
        accepted, started = False, time.perf_counter()

        async def send_counted(message: Message) -> None:
            nonlocal accepted
            if message["type"] == "websocket.accept" and not accepted:
                accepted = True
                metrics.WEBSOCKETS_OPEN.inc()
            await send(message)

        try:
            await self.app(scope, receive, send_counted)
        finally:
            if accepted:
                metrics.WEBSOCKETS_OPEN.dec()
            fields = {
                "request_id": request_id,
                "path": scope.get("path"),
                "accepted": accepted,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            }
            log.info("websocket", extra={"fields": fields})


def _finish_http(
    scope: Scope, record: RequestRecord, status: int, duration: float, statements: int
) -> None:
    path = scope.get("path", "")
    graphql = path == GRAPHQL_PATH and (record.executed or status >= 400)
    if graphql:
        operation = record.operation
        metrics.GRAPHQL_REQUESTS.labels(operation, record.outcome).inc()
        metrics.GRAPHQL_DURATION.labels(operation).observe(duration)
        metrics.SQL_STATEMENTS.labels(operation).observe(statements)
    level = logging.DEBUG if path in QUIET_PATHS else logging.INFO
    if not log.isEnabledFor(level):
        return  # the fields below are for the log line only
    fields: dict[str, Any] = {
        "request_id": record.request_id,
        "method": scope.get("method"),
        "path": path,
        "status": status,
        "duration_ms": round(duration * 1000, 2),
        "sql_statements": statements,
    }
    if graphql:
        fields.update(
            operation=record.operation_name,
            operation_type=record.operation_type,
            outcome=record.outcome,
            workspace_id=record.workspace_id,
            cost=record.cost,
        )
    log.log(level, "request", extra={"fields": fields})
