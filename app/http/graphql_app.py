"""The /graphql endpoint: Strawberry's ASGI view with our Context and API-key authentication."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UNSET

from app.context import Context
from app.services.unit_of_work import ServiceEnv
from app.services.workspaces import authenticate

JSON_UTF8 = "application/json; charset=utf-8"


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
