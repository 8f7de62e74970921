"""The /graphql endpoint: Strawberry's ASGI view with our Context, API-key authentication, and
GraphQL-over-HTTP as the spec asks.

- `Accept: application/graphql-response+json` gets that media type, and a request that never
  reached execution (parse, validation, variables, limits) gets 400 without `data` (429 with
  Retry-After when rate limited). `application/json` clients keep 200 for those.
- Every answer is JSON with charset=utf-8, protocol errors too (Strawberry's are text/plain).
- An outage (database or broker down, a statement past its timeout) that left nothing served
  answers 503 with Retry-After (504 for TIMEOUT) under both media types; under
  application/graphql-response+json without `data`, as the spec asks of any 5xx
  (app.http.outages). A failure before execution (the key lookup) gets the same answer.
- Transport limits: the request body (413), CSRF (JSON content type for POST, by Strawberry;
  optionally a custom header on GET), WebSocket limits (app.http.websocket.limits).
- `Accept: text/event-stream` is graphql-sse (app.http.event_stream): subscriptions stream with
  resumable ids, everything else answers as a one-event stream.
- A body that can't be read as JSON (not UTF-8, nested too deeply, malformed) is 400
  BAD_REQUEST saying which; so is a subscription sent as a plain request (it needs a stream).
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from cross_web import HTTPException
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import (
    GRAPHQL_SSE_PROTOCOL,
    GRAPHQL_TRANSPORT_WS_PROTOCOL,
    GRAPHQL_WS_PROTOCOL,
)
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET

from app.config import Settings
from app.context import INVALID_KEY_MESSAGE, Context
from app.domain.errors import DomainError, ErrorCode, Unavailable
from app.http import json_input
from app.http.event_stream import EventStream, accepts_event_stream, resume_seq
from app.http.graphiql.page import graphiql_response
from app.http.json_body import json_bytes
from app.http.outages import http_status, outage_headers, outage_status
from app.http.websocket.legacy import LegacyWSHandler
from app.http.websocket.limits import LimitedTransportWSHandler, LimitedWebSocketAdapter
from app.tickets.unit_of_work import ServiceEnv

JSON_UTF8 = "application/json; charset=utf-8"
GRAPHQL_RESPONSE = "application/graphql-response+json"
GRAPHQL_RESPONSE_UTF8 = GRAPHQL_RESPONSE + "; charset=utf-8"
CSRF_HEADERS = ("x-requested-with", "graphql-require-preflight", "apollo-require-preflight")
SUBSCRIPTION_NEEDS_A_STREAM = (
    "A subscription needs a stream: a WebSocket at /graphql (graphql-transport-ws or "
    "graphql-ws), or a POST with 'Accept: text/event-stream'."
)


class BodyTooLarge(Exception):
    pass


def bearer_key(value: str | None) -> str | None:
    """The key of an "Authorization: Bearer <key>" value, else None."""
    if not value:
        return None
    scheme, _, key = value.strip().partition(" ")
    return key.strip() or None if scheme.lower() == "bearer" else None


# Clients send the same few Accept values on every request, and the view asks twice per request.
@functools.lru_cache(maxsize=256)
def wants_graphql_response(accept: str | None) -> bool:
    """Whether Accept ranks application/graphql-response+json at least as high as JSON."""
    quality: dict[str, float] = {}
    for part in (accept or "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        quality[media.lower()] = max(q, quality.get(media.lower(), 0.0))
    ours = quality.get(GRAPHQL_RESPONSE, 0.0)
    return ours > 0 and ours >= quality.get("application/json", 0.0)


def request_error_status(body: Mapping[str, Any]) -> int | None:
    """400/429 for a result that never reached execution (no data, no error with a path)."""
    errors = body.get("errors") or []
    if body.get("data") is not None or not errors or any("path" in e for e in errors):
        return None
    codes = {(e.get("extensions") or {}).get("code") for e in errors}
    return 429 if "RATE_LIMITED" in codes else 400


def retry_after(body: Mapping[str, Any], status: int) -> dict[str, str]:
    """Retry-After for a refused (429) or unavailable (503) answer."""
    if status != 429:
        return outage_headers(status)
    retry = next(
        (e["extensions"].get("retryAfter") for e in body["errors"]
         if (e.get("extensions") or {}).get("code") == "RATE_LIMITED"),
        1,
    )  # fmt: skip
    return {"Retry-After": str(retry)}


def cors_options(settings: Settings) -> dict[str, Any]:
    """Starlette CORSMiddleware options for TICKETGW_CORS_ORIGINS (keys are headers, no cookies)."""
    return {
        "allow_origins": settings.cors_origin_list,
        "allow_methods": ["GET", "POST"],
        "allow_headers": ["Authorization", "Content-Type", "Accept", *CSRF_HEADERS],
        "expose_headers": [
            "Retry-After",
            "X-Query-Cost",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
        ],
        "allow_credentials": False,
        "max_age": 600,
    }


def error_body(message: str, code: str) -> bytes:
    return json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()


def _is_subscription(cause: BaseException | None) -> bool:
    return (
        isinstance(cause, InvalidOperationTypeError)
        and cause.operation_type is OperationType.SUBSCRIPTION
    )


def outage_response(scope: Scope, error: Unavailable) -> Response:
    """A GraphQL-shaped 503/504 for an outage outside execution (app.http.outages renders it)."""
    graphql_response = wants_graphql_response(Headers(scope=scope).get("accept"))
    status = http_status(error.code.value)
    return Response(
        error_body(error.message, error.code.value),
        status_code=status,
        headers=outage_headers(status),
        media_type=GRAPHQL_RESPONSE_UTF8 if graphql_response else JSON_UTF8,
    )


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI view with our Context and API-key authentication (header or ws init)."""

    websocket_adapter_class = LimitedWebSocketAdapter
    graphql_transport_ws_handler_class = LimitedTransportWSHandler
    graphql_ws_handler_class = LegacyWSHandler

    settings: Settings = Settings()

    @classmethod
    def from_settings(cls, schema: Any, settings: Settings) -> GraphQLApp:
        view = cls(
            schema,
            # No IDE in trusted-documents mode: it exists to type new documents.
            graphql_ide="graphiql"
            if settings.graphiql and not settings.trusted_documents
            else None,
            subscription_protocols=(
                GRAPHQL_TRANSPORT_WS_PROTOCOL,
                GRAPHQL_WS_PROTOCOL,
                GRAPHQL_SSE_PROTOCOL,
            ),
            connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout),
            max_subscriptions_per_connection=settings.ws_max_subscriptions or None,
            allowed_origins=settings.cors_origin_list,
        )
        view.settings = settings
        return view

    # --- HTTP ------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        request = Request(scope, receive=self._limited(scope, receive))
        graphql_response = wants_graphql_response(request.headers.get("accept"))
        try:
            self._check_transport(request)
            response = await self.run(request)
        except HTTPException as error:
            reason = error.reason
            if _is_subscription(error.__cause__):
                reason = SUBSCRIPTION_NEEDS_A_STREAM
            response = self._error(error.status_code, reason, "BAD_REQUEST", graphql_response)
        except BodyTooLarge:
            response = self._error(
                413, "The request body is too large.", "PAYLOAD_TOO_LARGE", graphql_response
            )
        except DomainError as error:  # a Last-Event-ID that is no cursor (get_sub_response)
            response = self._event_stream(request).single(
                {"errors": [{"message": error.message, "extensions": {"code": error.code.value}}]}
            )
        await response(scope, receive, send)

    def _check_transport(self, request: Request) -> None:
        limit = self.settings.max_body_bytes
        length = request.headers.get("content-length", "")
        if limit and length.isdigit() and int(length) > limit:
            raise BodyTooLarge
        if (
            self.settings.csrf_require_header
            and request.method == "GET"
            and not any(name in request.headers for name in CSRF_HEADERS)
            and "text/html" not in request.headers.get("accept", "")  # GraphiQL page
        ):
            raise HTTPException(
                400, "GET requests need an X-Requested-With or GraphQL-Require-Preflight header."
            )

    def _limited(self, scope: Scope, receive: Receive) -> Receive:
        limit, seen = self.settings.max_body_bytes, 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if limit and seen > limit:
                raise BodyTooLarge
            return message

        return limited_receive

    def _error(self, status: int, message: str, code: str, graphql_response: bool) -> Response:
        media = GRAPHQL_RESPONSE_UTF8 if graphql_response else JSON_UTF8
        return Response(error_body(message, code), status_code=status, media_type=media)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        response = await super().get_sub_response(request)
        accept = request.headers.get("accept")
        # What the headers chose rides on the sub-response, as attributes Starlette's Response
        # doesn't declare (create_response and get_context read them back with getattr).
        extras = vars(response)
        extras["graphql_response"] = wants_graphql_response(accept)
        extras["event_stream"] = None
        if isinstance(request, Request) and accepts_event_stream(accept):
            extras["event_stream"] = self._event_stream(request)
            extras["resume_seq"] = resume_seq(request.headers.get("last-event-id"))
        return response

    def _event_stream(self, request: Request) -> EventStream:
        return EventStream(
            keepalive=self.settings.sse_keepalive, guard=request.app.state.socket_guard
        )

    async def _create_streaming_response(
        self, request: Request, result: Any, protocol: Any, sub_response: Response
    ) -> Response:
        """A subscription over graphql-sse (Strawberry calls this for streaming protocols)."""
        stream: EventStream = getattr(sub_response, "event_stream")  # noqa: B009 (undeclared)
        return stream.results(result, lambda value: self.process_result(request, value))

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_response()  # ours: served from the package, under a strict CSP

    def should_render_graphql_ide(self, request: Any) -> bool:
        if request.method != "GET":
            return False  # as Strawberry decides, without parsing a POST's query string
        # A GET naming a trusted document by id is an operation, not a visit to the IDE.
        params = request.query_params
        if any(name in params for name in ("documentId", "id", "extensions")):
            return False
        return bool(super().should_render_graphql_ide(request))

    def decode_json(self, data: str | bytes) -> object:
        """Bodies and WebSocket messages; what can't be read is a JSONDecodeError (BadJSON)."""
        return json_input.loads(data)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return self.decode_json(data)
        except json_input.BadJSON as error:
            raise HTTPException(400, error.reason) from None

    async def parse_http_body(self, request: Any) -> Any:
        """Strawberry's parsing, plus a plain `documentId` / `id` naming a trusted document."""
        data = await super().parse_http_body(request)
        if isinstance(data, GraphQLRequestData) and data.query is None:
            raw: object  # any JSON, not only an object
            if request.method == "GET":
                raw = dict(request.query_params)
            else:
                raw = self.parse_json(await request.get_body())
            document_id = raw.get("documentId") or raw.get("id") if isinstance(raw, dict) else None
            if isinstance(document_id, str):
                extensions = {**(data.extensions or {}), "documentId": document_id}
                data = dataclasses.replace(data, extensions=extensions)
        return data

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        stream: EventStream | None = getattr(sub_response, "event_stream", None)
        if stream is not None:
            return stream.single(response_data)
        graphql_response = getattr(sub_response, "graphql_response", False)
        status = None
        if isinstance(response_data, dict):
            status = outage_status(response_data) or request_error_status(response_data)
        # Outages are 5xx for every client; 400/429 only for those who asked for the new type.
        if status is not None and (graphql_response or status >= 500):
            if graphql_response:
                response_data = {k: v for k, v in response_data.items() if k != "data"}
            sub_response.status_code = status
        if status is not None:
            sub_response.headers.update(retry_after(response_data, status))
        # Strawberry's create_response, but with the body encoded once, straight to bytes.
        response = Response(
            json_bytes(response_data),
            status_code=sub_response.status_code or 200,
            media_type=GRAPHQL_RESPONSE_UTF8 if graphql_response else JSON_UTF8,
            background=sub_response.background,
        )
        response.headers.raw.extend(sub_response.headers.raw)
        return response

    # --- context and authentication --------------------------------------------------------

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        env: ServiceEnv = request.app.state.env
        context = Context(
            db=env.db,
            broker=env.broker,
            feed=request.app.state.feed,
            settings=request.app.state.settings,
            request=request,
            response=response,
            rate_limiter=getattr(request.app.state, "rate_limiter", None),
        )
        key = bearer_key(request.headers.get("authorization"))
        if key is not None:
            context.principal = await request.app.state.live_keys.principal(key)
            context.key_refused = context.principal is None
        stream: EventStream | None = getattr(response, "event_stream", None)
        if stream is not None and context.feed is not None:
            # The stream sees the feed through its own view (ids, Last-Event-ID), and closes
            # when its key is revoked or the server restarts, as a WebSocket would.
            context.feed = stream.view_feed(context.feed, getattr(response, "resume_seq", None))
            context.closer = stream.close
            if context.principal is not None:
                stream.key_id = context.principal.key_id
        return context

    async def on_ws_connect(self, context: Context) -> Any:
        params: Mapping[str, Any] = context.connection_params or {}
        raw = params.get("Authorization", params.get("authorization"))
        key = bearer_key(raw) if isinstance(raw, str) else None
        if key is None:
            return await super().on_ws_connect(context)
        principal = await context.request.app.state.live_keys.principal(key)
        if principal is None:
            # graphql-ws sends this payload; graphql-transport-ws closes with 4403 and the
            # message as the reason (app.http.websocket.limits).
            context.request.state.rejection = INVALID_KEY_MESSAGE
            raise ConnectionRejectionError(
                {"message": INVALID_KEY_MESSAGE, "code": ErrorCode.INVALID_API_KEY.value}
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
