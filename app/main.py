"""The composition root: builds the Starlette app, the only module that imports schema/."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.types.unset import UNSET

from app.broker import create_broker
from app.config import Settings
from app.context import Context
from app.db.engine import Database
from app.http import health, ingest
from app.services.event_feed import EventFeed
from app.services.maintenance import Maintenance
from app.services.unit_of_work import ServiceEnv
from app.services.workspaces import authenticate
from app.socket_guard import SocketGuard
from schema import build_schema, schema

JSON_UTF8 = "application/json; charset=utf-8"

# Non-GraphQL routes, one list per app/http module; add new modules here.
HTTP_ROUTES: list[BaseRoute] = [*health.routes, *ingest.routes]


def bearer_key(value: str | None) -> str | None:
    """The key of an "Authorization: Bearer <key>" value, else None."""
    if not value:
        return None
    scheme, _, key = value.strip().partition(" ")
    return key.strip() or None if scheme.lower() == "bearer" else None


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI view with our Context and API-key authentication (header or ws init)."""

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        env: ServiceEnv = request.app.state.env
        context = Context(
            db=env.db,
            broker=env.broker,
            feed=request.app.state.feed,
            settings=request.app.state.settings,
            request=request,
            response=response,
        )
        key = bearer_key(request.headers.get("authorization"))
        if key is not None:
            context.principal = await authenticate(env.db, key)
        return context

    async def on_ws_connect(self, context: Context) -> Any:
        params: Mapping[str, Any] = context.connection_params or {}
        raw = params.get("Authorization", params.get("authorization"))
        key = bearer_key(raw) if isinstance(raw, str) else None
        if key is None:
            return await super().on_ws_connect(context)
        principal = await authenticate(context.db, key)
        if principal is None:
            raise ConnectionRejectionError(
                {"message": "Unknown or revoked API key.", "code": "UNAUTHENTICATED"}
            )
        context.principal = principal
        # Watched from now on: the socket closes within seconds of the key being revoked.
        context.request.app.state.socket_guard.add(context.request, principal.key_id)
        return await super().on_ws_connect(context)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request, context, root_value)
        finally:
            if isinstance(request, WebSocket):
                request.app.state.socket_guard.discard(request)

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = JSON_UTF8
        return response


def create_app(settings: Settings | None = None, *, key_check_interval: float = 2.0) -> Starlette:
    """`key_check_interval`: how often live WebSockets re-check their API key (seconds)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = Database(settings.database_url)
        broker = create_broker(settings.broker_url)
        await broker.connect()
        env = ServiceEnv(db, broker)
        feed = EventFeed(env, poll_interval=settings.poll_interval)
        guard = SocketGuard(db, interval=key_check_interval)
        maintenance = Maintenance(env, retention_days=settings.event_retention_days)
        await feed.start()
        await guard.start()
        maintenance.start()
        app.state.env, app.state.settings = env, settings
        app.state.feed, app.state.socket_guard = feed, guard
        try:
            yield
        finally:
            # Subscriptions end (FeedClosed), then sockets still open close with 1012. Under
            # uvicorn they are usually closed already: it sends 1012 before the lifespan ends.
            await maintenance.stop()
            await feed.stop("shutdown")
            await guard.stop()
            await broker.disconnect()
            await db.dispose()

    graphql = GraphQLApp(
        schema if settings.introspection else build_schema(introspection=False),
        graphql_ide="graphiql" if settings.graphiql else None,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
    )
    routes: list[BaseRoute] = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        *HTTP_ROUTES,
    ]
    return Starlette(routes=routes, lifespan=lifespan)
