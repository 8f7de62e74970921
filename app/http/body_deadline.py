"""BodyDeadline: a request body must arrive within TICKETGW_BODY_TIMEOUT seconds.

uvicorn hands the app a body as slowly as the client sends it, and the app waits: a client
trickling a byte a second held a connection and a task forever. The clock starts when the app
first asks for the body (so time the app spends before reading is not the client's); past the
deadline the app's `receive()` raises, and the client gets 408 with `Connection: close`, which
makes uvicorn close the socket. Headers have their own deadline (app.http.header_deadline).
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.http.json_body import json_bytes

TIMED_OUT = json_bytes(
    {
        "errors": [
            {
                "message": "The request body did not arrive in time.",
                "extensions": {"code": "REQUEST_TIMEOUT"},
            }
        ]
    }
)


class BodyTimeout(Exception):
    pass


class BodyDeadline:
    def __init__(self, app: ASGIApp, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.timeout <= 0:
            await self.app(scope, receive, send)
            return
        deadline: float | None = None
        body_done = False
        answered = False

        async def timed_receive() -> Message:
            nonlocal deadline, body_done
            if body_done:  # what follows the body is the disconnect: no deadline for it
                return await receive()
            if deadline is None:
                deadline = asyncio.get_running_loop().time() + self.timeout
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise BodyTimeout from None
            body_done = message["type"] != "http.request" or not message.get("more_body")
            return message

        async def watched_send(message: Message) -> None:
            nonlocal answered
            answered = answered or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, timed_receive, watched_send)
        except BodyTimeout:
            if answered:  # too late for a 408: the connection ends with the unfinished answer
                raise
            await send(
                {
                    "type": "http.response.start",
                    "status": 408,
                    "headers": [
                        (b"content-type", b"application/json; charset=utf-8"),
                        (b"connection", b"close"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": TIMED_OUT})
