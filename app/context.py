"""The per-request (or per-WebSocket-connection) context every resolver receives."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import strawberry
from graphql import GraphQLError
from starlette.websockets import WebSocket

from app.access.rate_limit import RateLimiter
from app.config import Settings
from app.db.engine import Database
from app.domain.errors import ErrorCode
from app.domain.principal import Principal
from app.live.broker import Broker
from app.live.feed_view import ResumingFeed, SubscriptionFeed
from app.live.service_env import ServiceEnv
from app.loaders import Loaders

UNAUTHENTICATED_MESSAGE = "An API key is required: send 'Authorization: Bearer <key>'."
INVALID_KEY_MESSAGE = (
    "Unknown or revoked API key: send a live one as 'Authorization: Bearer <key>'."
)


def unauthenticated(key_refused: bool = False) -> GraphQLError:
    """No key (UNAUTHENTICATED), or a key that is unknown or revoked (INVALID_API_KEY): a
    client asks for a key in the first case, and knows its own one is dead in the second."""
    if key_refused:
        return GraphQLError(
            INVALID_KEY_MESSAGE, extensions={"code": ErrorCode.INVALID_API_KEY.value}
        )
    return GraphQLError(
        UNAUTHENTICATED_MESSAGE, extensions={"code": ErrorCode.UNAUTHENTICATED.value}
    )


@dataclass
class Context:
    db: Database
    settings: Settings
    broker: Broker | None = None
    # The process's one EventFeed (started by the lifespan): what subscriptions read. An SSE
    # stream puts its own view of it here (app/live/feed_view.py).
    feed: SubscriptionFeed | None = None
    # None until a key is presented; on a WebSocket it is set by connection_init.
    principal: Principal | None = None
    # A key was presented and is unknown or revoked (not the same answer as no key).
    key_refused: bool = False
    # The Starlette Request or WebSocket, and the response Strawberry hands out (headers).
    request: Any = None
    response: Any = None
    # The process's rate limiter (app.access.rate_limit); None when limiting is off.
    rate_limiter: RateLimiter | None = None
    # The WebSocket `connection_init` payload (Strawberry sets it).
    connection_params: dict[str, Any] | None = None
    # How to end this context's connection when it is not a WebSocket (an SSE stream).
    closer: Callable[[int, str], Awaitable[None]] | None = None
    _loaders: Loaders | None = field(default=None, repr=False)

    def require_feed(self) -> SubscriptionFeed:
        if self.feed is None:
            raise RuntimeError("No EventFeed: subscriptions need the app's lifespan running")
        return self.feed

    async def close_connection(self, code: int, reason: str) -> None:
        """Close this context's WebSocket or event stream (a subscription ending the whole
        connection), unless it is closed already. The codes are WebSocket close codes."""
        if self.closer is not None:
            await self.closer(code, reason)
            return
        if not isinstance(self.request, WebSocket):
            return
        with contextlib.suppress(RuntimeError, OSError):  # already closed
            await self.request.close(code=code, reason=reason)

    @property
    def resumes_stream(self) -> bool:
        """An SSE stream reconnecting with Last-Event-ID: its subscriptions continue after that
        event (app/live/feed_view.py), so nothing sent before is sent again."""
        return isinstance(self.feed, ResumingFeed) and self.feed.resume_seq is not None

    def require_principal(self) -> Principal:
        if self.principal is None:
            raise unauthenticated(self.key_refused)
        return self.principal

    @property
    def env(self) -> ServiceEnv:
        """What service commands take: the database and the broker."""
        return ServiceEnv(self.db, self.broker)

    @property
    def workspace_id(self) -> int:
        return self.require_principal().workspace_id

    @property
    def loaders(self) -> Loaders:
        """This request's loaders, built on first use for the caller's workspace."""
        if self._loaders is None:
            self._loaders = Loaders.for_workspace(self.db, self.workspace_id)
        return self._loaders

    def use_loaders(self, loaders: Loaders) -> None:
        """Resolve with these loaders (a subscription sharing one set per event)."""
        self._loaders = loaders

    def fresh_loaders(self) -> Loaders:
        """Replace the loaders with empty ones. A subscription calls this before resolving each
        event: its context lives as long as the connection, a cache must not."""
        self._loaders = Loaders.for_workspace(self.db, self.workspace_id)
        return self._loaders


Info = strawberry.Info[Context, None]
