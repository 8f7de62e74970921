"""How an outage is answered: HTTP 503 (504 for a statement timeout) with Retry-After, and
WebSocket close 1013, never a bare 500.

Inside GraphQL execution an outage is a field error with `extensions.code` SERVICE_UNAVAILABLE
or TIMEOUT (schema/masking.py); `outage_status` turns a result that served nothing into the
status line. What fails outside execution (the API-key lookup, /ingest) raises Unavailable out
of its route; `AnswerOutages` answers it in the route's own error shape (`renderers`, by path
prefix) or, on a WebSocket, closes it with 1013 so the client reconnects later and resumes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.domain.errors import RETRY_AFTER_SECONDS, RETRYABLE_CODES, ErrorCode, Unavailable
from app.socket_guard import CLOSE_TRY_AGAIN

log = logging.getLogger(__name__)

Renderer = Callable[[Scope, Unavailable], Response]

TRY_AGAIN_REASON = "Service unavailable: reconnect shortly and resume with your last cursor"


def http_status(code: str) -> int:
    """503 while a dependency is down; 504 when a statement ran past its timeout."""
    return 504 if code == ErrorCode.TIMEOUT.value else 503


def outage_headers(status: int) -> dict[str, str]:
    return {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else {}


def carries_outage(errors: Any) -> bool:
    """Whether a result's `errors` (a list, or the legacy protocol's one error) say a
    dependency was down or too slow: a subscriber must not see that event as delivered."""
    if isinstance(errors, Mapping):
        errors = [errors]
    return isinstance(errors, list) and any(
        isinstance(e, Mapping) and (e.get("extensions") or {}).get("code") in RETRYABLE_CODES
        for e in errors
    )


def outage_status(body: Mapping[str, Any]) -> int | None:
    """503/504 for a GraphQL result that failed for an outage and served nothing (data null, or
    every root field null); None otherwise (a partial result keeps 200: data was served)."""
    codes = {(e.get("extensions") or {}).get("code") for e in body.get("errors") or ()}
    codes &= RETRYABLE_CODES
    if not codes:
        return None
    data = body.get("data")
    if isinstance(data, Mapping) and any(value is not None for value in data.values()):
        return None
    return 503 if ErrorCode.SERVICE_UNAVAILABLE.value in codes else 504


class AnswerOutages:
    """An Unavailable that escapes a route before it answered: the route's error shape with
    503/504 (HTTP), or close 1013 (WebSocket)."""

    def __init__(
        self, app: ASGIApp, *, default: Renderer, renderers: Mapping[str, Renderer] = {}
    ) -> None:
        self.app = app
        self.default = default
        self.renderers = dict(renderers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        answered = False

        async def tracking_send(message: Message) -> None:
            nonlocal answered
            answered = answered or message["type"] in ("http.response.start", "websocket.close")
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Unavailable as error:
            if answered:
                raise
            log.warning("%s %s: %s", error.code.value, scope.get("path"), _cause(error))
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN,
                            "reason": TRY_AGAIN_REASON})  # fmt: skip
            else:
                await self._renderer(scope["path"])(scope, error)(scope, receive, send)

    def _renderer(self, path: str) -> Renderer:
        for prefix, renderer in self.renderers.items():
            if path.startswith(prefix):
                return renderer
        return self.default


def _cause(error: BaseException) -> str:
    cause = error.__cause__
    return type(cause).__name__ if cause is not None else "-"
