"""graphql-sse, distinct connections mode: one operation per `Accept: text/event-stream` request.

Strawberry parses the request and runs the operation (its graphql-sse support: the same schema
extensions, so the same limits, rate limits and trusted documents as every other transport);
this module writes the stream with sse-starlette, which does the framing, the keep-alive
comments, and notices a client that left or a server shutting down. What it adds:
- every `next` event of a subscription carries `id: <cursor>` (app/live/feed_view.py), and
  a request with `Last-Event-ID: <cursor>` resumes right after that event;
- `complete` when the operation ends; a query, a mutation or a refused request is one `next`
  then `complete` (the protocol wants request errors inside the stream, not as a 4xx);
- the stream closes like a WebSocket would: a revoked API key (SocketGuard) ends it with an
  UNAUTHENTICATED error and `complete` (do not retry); a restart (1012), or an event that an
  outage kept from resolving (app.http.outages, the WebSocket's 1013), ends it without
  `complete` and without that event, which clients take as a dropped connection: they
  reconnect with the last id they saw and resume.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import anyio
from sse_starlette import EventSourceResponse, ServerSentEvent

from app.domain.cursors import decode_event_cursor
from app.domain.errors import ErrorCode
from app.http.json_body import json_bytes
from app.http.outages import carries_outage
from app.live.feed_view import ResumingFeed, SubscriptionFeed
from app.socket_guard import CLOSE_RESTART, CLOSE_REVOKED, CLOSE_TRY_AGAIN, SocketGuard

SEP = "\n"
EVENT_STREAM = "text/event-stream"
# sse-starlette tells us of a shutdown (uvicorn's SIGTERM) and waits this long for the stream to
# end by itself: it then ends cleanly (no `complete`) instead of being cut mid-response.
SHUTDOWN_GRACE = 2.0
REVOKED_ERROR = {
    "message": "The API key was revoked.",
    "extensions": {"code": ErrorCode.UNAUTHENTICATED.value},
}


def accepts_event_stream(accept: str | None) -> bool:
    return any(
        part.split(";", 1)[0].strip().lower() == EVENT_STREAM for part in (accept or "").split(",")
    )


def resume_seq(last_event_id: str | None) -> int | None:
    """The seq after which to resume; DomainError(BAD_USER_INPUT) when it is no cursor."""
    if last_event_id is None or not last_event_id.strip():
        return None
    return decode_event_cursor(last_event_id.strip())


def _next(payload: Mapping[str, Any], event_id: str | None = None) -> ServerSentEvent:
    return ServerSentEvent(json_bytes(payload).decode(), event="next", id=event_id, sep=SEP)


def _complete() -> ServerSentEvent:
    # An empty data field: EventSource only dispatches events that have one.
    return ServerSentEvent("", event="complete", sep=SEP)


class EventStream:
    """One graphql-sse response; also what SocketGuard and the Context close."""

    def __init__(self, *, keepalive: float, guard: SocketGuard) -> None:
        self.keepalive = keepalive
        self.feed: ResumingFeed | None = None
        # The API key to watch while streaming (revocation closes the stream), if any.
        self.key_id: int | None = None
        self.close_code: int | None = None
        self._closed = asyncio.Event()
        self._shutdown = anyio.Event()
        self._guard = guard

    def view_feed(self, feed: SubscriptionFeed, resume: int | None) -> ResumingFeed:
        self.feed = ResumingFeed(feed, resume_seq=resume)
        return self.feed

    async def close(self, code: int, reason: str = "") -> None:
        self.close_code = code
        self._closed.set()

    def single(self, payload: Mapping[str, Any]) -> EventSourceResponse:
        """A one-result stream: a query's or mutation's result, or a refusal."""

        async def events() -> AsyncIterator[ServerSentEvent]:
            yield _next(payload)
            yield _complete()

        return self._response(events())

    def results(
        self,
        results: AsyncGenerator[Any, None],
        encode: Callable[[Any], Awaitable[Mapping[str, Any]]],
    ) -> EventSourceResponse:
        """A subscription's stream: `encode` turns each ExecutionResult into the JSON payload."""
        return self._response(self._events(results, encode))

    def _response(self, events: AsyncIterator[ServerSentEvent]) -> EventSourceResponse:
        return EventSourceResponse(
            events,
            ping=self.keepalive,
            sep=SEP,
            ping_message_factory=lambda: ServerSentEvent(comment="keep-alive", sep=SEP),
            shutdown_event=self._shutdown,
            shutdown_grace_period=SHUTDOWN_GRACE,
            data_sender_callable=self._close_on_shutdown,
        )

    async def _close_on_shutdown(self) -> None:
        await self._shutdown.wait()
        await self.close(CLOSE_RESTART)

    async def _events(
        self,
        results: AsyncGenerator[Any, None],
        encode: Callable[[Any], Awaitable[Mapping[str, Any]]],
    ) -> AsyncIterator[ServerSentEvent]:
        # Watched only while it streams: a request refused before this never joins the guard.
        if self.key_id is not None:
            self._guard.add(self, self.key_id)
        closed = asyncio.ensure_future(self._closed.wait())
        step: asyncio.Future[Any] | None = None
        try:
            while True:
                step = asyncio.ensure_future(anext(results, None))
                await asyncio.wait({step, closed}, return_when=asyncio.FIRST_COMPLETED)
                if not step.done():
                    break  # closed while waiting for the next event
                result, step = step.result(), None
                if result is None:
                    break
                cursor = self.feed.last_cursor if self.feed is not None else None
                payload = await encode(result)
                if carries_outage(payload.get("errors")):
                    self.close_code = CLOSE_TRY_AGAIN  # not delivered: resumed on reconnect
                    break
                yield _next(payload, cursor)
            if self.close_code == CLOSE_REVOKED:
                yield _next({"errors": [REVOKED_ERROR]})
                yield _complete()
            elif self.close_code is None:
                yield _complete()
            # Any other code (1012 restart, 1013 outage): no `complete`; the client resumes.
        finally:
            self._guard.discard(self)
            closed.cancel()
            if step is not None:
                step.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await step
            with contextlib.suppress(Exception):
                await results.aclose()
