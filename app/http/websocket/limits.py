"""WebSocket limits for /graphql: message size, idle sockets, and document ids in `subscribe`;
and no result spoiled by an outage ever goes out.

Strawberry's own knobs cover the connection_init timeout and subscriptions per socket; this
adds what it lacks. A message over the size limit closes the socket with 1009 (message too
big); a graphql-transport-ws socket with no operation open and no message for the idle timeout
closes with 4408; a message of the wrong shape (app.http.websocket.messages) closes with 4400,
as the protocol says; a connection_init refused (unknown or revoked key) closes with 4403 and the
reason in words. A `subscribe` naming a trusted document by id gets the document's text (the
schema's TrustedDocumentsGuard then applies to sockets as to HTTP).

Outages, on both protocols: a result whose errors say SERVICE_UNAVAILABLE or TIMEOUT (the
database failed while resolving an event, even after the retries of
schema/subscriptions/event_retry.py) is not sent; the socket closes with 1013 instead, before
the client's cursor passes that event, and the client resumes from its last cursor.

A result shared by several subscribers (schema/subscriptions/multiplex.py) goes out as text
built around its data's JSON, encoded once for all of them. A graphql-transport-ws subscription
may have its results written by the feed's fan-out instead (app/http/websocket/direct.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, Callable
from typing import Any

from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)

from app.config import Settings
from app.http.outages import TRY_AGAIN_REASON, carries_outage
from app.http.websocket.direct import DirectOperation, next_frame_prefix
from app.http.websocket.messages import message_problem
from app.live.fanout import current_socket
from app.live.shared_data import SharedData
from app.socket_guard import CLOSE_TRY_AGAIN
from app.trusted_documents import requested_document_id, trusted_documents

MESSAGE_TOO_BIG = 1009
IDLE_CLOSE = 4408
REFUSED = 4403


def view_settings(view: Any) -> Settings:
    """The settings of the view (app.http.graphql_app.GraphQLApp sets them on itself); Strawberry
    types the view as its own base class, which has none."""
    settings: Settings = view.settings
    return settings


class LimitedWebSocketAdapter(ASGIWebSocketAdapter):
    async def send_encoded(self, text: str | bytes) -> None:
        """A message encoded already (a shared result: see `encoded_result`)."""
        try:
            if isinstance(text, bytes):
                await self.ws.send_bytes(text)
            else:
                await self.ws.send_text(text)
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc

    async def iter_json(self, *, ignore_parsing_errors: bool = False) -> AsyncGenerator[Any, None]:
        limit = view_settings(self.view).ws_max_message_bytes
        async for message in super().iter_json(ignore_parsing_errors=ignore_parsing_errors):
            if limit and len(self.view.encode_json(message)) > limit:
                await self.close(MESSAGE_TOO_BIG, "Message too big")
                return
            yield message

    async def close(self, code: int, reason: str) -> None:
        # Strawberry closes a refused connection_init with 4403 "Forbidden": say why instead.
        if code == REFUSED:
            reason = getattr(self.ws.state, "rejection", reason)
        await super().close(code, reason)


NOT_FOUND = {
    "message": "PersistedQueryNotFound: no trusted document has this id.",
    "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
}


def with_document_text(message: dict[str, Any]) -> dict[str, Any] | None:
    """A `subscribe` message whose payload names a document id, with the text filled in;
    None when the id is unknown."""
    payload = message.get("payload")
    if message.get("type") != "subscribe" or not isinstance(payload, dict) or payload.get("query"):
        return message
    extensions = dict(payload.get("extensions") or {})
    for name in ("documentId", "id"):
        if isinstance(payload.get(name), str):
            extensions.setdefault("documentId", payload[name])
    document_id = requested_document_id(extensions)
    if document_id is None:
        return message  # no query, no id: Strawberry refuses it
    text = trusted_documents().lookup(document_id)
    if text is None:
        return None
    return {**message, "payload": {**payload, "query": text, "extensions": extensions}}


def spoiled_by_outage(message: Any) -> bool:
    """A result (`next`, legacy `data`) or `error` message carrying an outage's error code."""
    if not isinstance(message, dict) or message.get("type") not in ("next", "data", "error"):
        return False
    payload = message.get("payload")
    return carries_outage(
        payload.get("errors") if isinstance(payload, dict) and "data" in payload else payload
    )


def encoded_result(message: Any, encode: Callable[[Any], str | bytes]) -> str | bytes | None:
    """A result message (`next`, legacy `data`) whose data is shared by several subscribers
    (schema/subscriptions/multiplex.py), encoded around the data's JSON made once; None for
    any other message. The text is what encoding the whole message would give."""
    if not isinstance(message, dict) or message.get("type") not in ("next", "data"):
        return None
    payload = message.get("payload")
    if not isinstance(payload, dict) or len(payload) != 1 or len(message) != 3:
        return None  # errors or extensions: encoded as usual
    data = payload.get("data")
    if not isinstance(data, SharedData):
        return None
    shared = data.encoded(encode)
    prefix = next_frame_prefix(message["id"], message["type"], encode)
    if isinstance(shared, bytes) or prefix is None:
        return None
    return f"{prefix}{shared}}}}}"


class ClosesOnOutage:
    """For both protocols' handlers: every message goes out through `send_message`."""

    websocket: Any
    view: Any
    _closed_for_outage = False

    async def send_message(self, message: Any) -> None:
        if self._closed_for_outage:
            return  # the socket is closing: whatever follows (complete, later events) is moot
        encoded = encoded_result(message, self.view.encode_json)
        if encoded is not None:  # a shared result: no error in it, nothing to check
            await self.websocket.send_encoded(encoded)
            return
        if spoiled_by_outage(message):
            self._closed_for_outage = True
            with contextlib.suppress(Exception):  # closed already: nothing to tell anyone
                await self.websocket.close(CLOSE_TRY_AGAIN, TRY_AGAIN_REASON)
            return
        await super().send_message(message)  # type: ignore[misc]  # a mixin: the handler has it


class LimitedTransportWSHandler(ClosesOnOutage, BaseGraphQLTransportWSHandler[Any, None]):
    async def run_operation(self, operation: Operation[Any, None]) -> None:
        # This task runs the one operation: a subscription in it may let the feed's fan-out
        # write its results to this socket directly (app/live/fanout.py).
        current_socket.set(DirectOperation(self, operation))
        await super().run_operation(operation)

    async def handle(self) -> None:
        self._last_message = time.monotonic()
        watchdog = asyncio.create_task(self._close_when_idle())
        try:
            await super().handle()
        finally:
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog

    async def handle_message(self, message: Any) -> None:
        self._last_message = time.monotonic()
        if problem := message_problem(message):
            await self.handle_invalid_message(problem)  # the protocol's answer: close with 4400
            return
        if isinstance(message, dict):
            resolved = with_document_text(message)
            if resolved is None:
                await self.send_message(
                    {"id": message.get("id"), "type": "error", "payload": [NOT_FOUND]}
                )
                return
            message = resolved
        await super().handle_message(message)

    async def _close_when_idle(self) -> None:
        timeout = view_settings(self.view).ws_idle_timeout
        if timeout <= 0:
            return
        while True:
            await asyncio.sleep(min(timeout, 1.0))
            if not self.operations and time.monotonic() - self._last_message > timeout:
                with contextlib.suppress(Exception):
                    await self.websocket.close(IDLE_CLOSE, "Idle timeout")
                return
