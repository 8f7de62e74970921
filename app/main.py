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

from app.broker import create_broker
from app.config import Settings
from app.context import Context
from app.db.engine import Database
from app.http import health
from app.services.unit_of_work import ServiceEnv
from app.services.workspaces import authenticate
from schema import build_schema, schema

JSON_UTF8 = "application/json; charset=utf-8"

# Non-GraphQL routes, one list per app/http module; add new modules here.
HTTP_ROUTES: list[BaseRoute] = [*health.routes]


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
        return await super().on_ws_connect(context)

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = JSON_UTF8
        return response


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = Database(settings.database_url)
        broker = create_broker(settings.broker_url)
        await broker.connect()
        app.state.env = ServiceEnv(db, broker)
        app.state.settings = settings
        try:
            yield
        finally:
            await broker.disconnect()
            await db.dispose()

    graphql = GraphQLApp(
        schema if settings.introspection else build_schema(introspection=False),
        graphql_ide="graphiql" if settings.graphiql else None,
    )
    routes: list[BaseRoute] = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        *HTTP_ROUTES,
    ]
    return Starlette(routes=routes, lifespan=lifespan)
