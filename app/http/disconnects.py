"""A request whose client went away stops: its handling is cancelled, and with it the statement
it waits for (asyncpg sends the server a cancel request; SQLite's is interrupted, see
app/db/statement_timeout.py).

ASGI servers do not cancel a request when its client disconnects; they only answer
`http.disconnect` to the next `receive()`. Once the body is read (by the app; at once for a
request without one, such as a GET, whose one empty message is kept for the app), a listener
waits for that message; if it comes before the response is complete, the request's task is
cancelled. A response already complete is left alone (background tasks run after it), and an
app that asks for the next message itself (a streaming response watching for the disconnect)
gets the one the listener read.
"""

from __future__ import annotations

import asyncio
import contextlib

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def has_body(scope: Scope) -> bool:
    headers = Headers(scope=scope)
    return "transfer-encoding" in headers or headers.get("content-length", "0") != "0"


class CancelOnDisconnect:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        task = asyncio.current_task()
        assert task is not None
        watch = _Watch(task, receive)

        async def send_watched(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                watch.answered = True  # before the server sees it: it then ends our listener
            await send(message)

        try:
            if not has_body(scope):
                await watch.read_ahead()
            await self.app(scope, watch.receive, send_watched)
        except asyncio.CancelledError:
            # Ours alone: the client is gone, nothing is left to answer. Anyone else's (a
            # server shutting down) goes on up.
            if not watch.cancelled or task.uncancel() > 0:
                raise
        else:
            if watch.cancelled:
                task.uncancel()  # the app swallowed our cancellation; keep the count right
        finally:
            watch.stop()


class _Watch:
    """The receiving side. It must not reach the sending side: the request (and its GraphQL
    context, which the request log's record holds) keeps `receive`, and a path from there to
    `send` (the log's closure holds the record) would make a cycle per request, garbage only
    the cyclic collector frees. The gateway tunes that collector to run rarely: a request's
    objects must go by reference counting alone."""

    def __init__(self, task: asyncio.Task[object], receive: Receive) -> None:
        self._task, self._receive = task, receive
        self._listener: asyncio.Task[Message] | None = None
        self._kept: Message | None = None  # read ahead, for the app's first receive()
        self.answered = False
        self.cancelled = False

    async def read_ahead(self) -> None:
        """Take the request's one message now (it has no body to wait for) and listen."""
        self._kept = await self._read()

    async def receive(self) -> Message:
        if self._kept is not None:
            message, self._kept = self._kept, None
            return message
        if self._listener is not None:  # the body is read: the listener has the next message
            return await asyncio.shield(self._listener)
        return await self._read()

    async def _read(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request" and not message.get("more_body", False):
            self._listener = asyncio.create_task(self._listen())
        return message

    async def _listen(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.disconnect" and not self.answered:
            self.cancelled = True
            self._task.cancel("client disconnected")
        return message

    def stop(self) -> None:
        # Let go of the listener: a cancelled task keeps its CancelledError, whose traceback
        # holds the listener's frame and so this watch (a cycle, see the class).
        listener, self._listener = self._listener, None
        if listener is None:
            return
        if not listener.done():
            listener.cancel()
        else:
            with contextlib.suppress(asyncio.CancelledError):
                listener.exception()  # retrieved: no "never retrieved" warning
