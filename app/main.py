"""The composition root: builds the Starlette app, the only module that imports schema/."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute, Route, WebSocketRoute

from app.access.live_keys import LiveKeys
from app.access.rate_limiter import create_rate_limiter
from app.access.workspaces import principal_of_key_hash
from app.config import Settings
from app.db.engine import Database
from app.gc_tuning import tune_gc_once
from app.http import health, ingest, metrics
from app.http.board import page as board_page
from app.http.body_deadline import BodyDeadline
from app.http.disconnects import CancelOnDisconnect
from app.http.graphiql import assets as graphiql_assets
from app.http.graphql_app import GraphQLApp, cors_options, outage_response
from app.http.outages import AnswerOutages
from app.live.broker import create_broker
from app.live.event_feed import EventFeed
from app.live.service_env import ServiceEnv
from app.observability.middleware import ObserveRequests
from app.sla.scan import SlaScan
from app.socket_guard import SocketGuard
from app.tickets.maintenance import Maintenance
from app.webhooks.worker import WebhookWorker, WorkerRules
from schema import build_schema, schema, schema_sdl

__all__ = ["create_app", "schema_sdl"]  # schema_sdl: what `ticketgw export-schema` prints

# Non-GraphQL routes, one list per app/http module; add new modules here.
HTTP_ROUTES: list[BaseRoute] = [
    *health.routes,
    *ingest.routes,
    *metrics.routes,
    *graphiql_assets.routes,
    *board_page.routes,
]


def create_app(settings: Settings | None = None, *, key_check_interval: float = 2.0) -> Starlette:
    """`key_check_interval`: how often live WebSockets re-check their API key, and how long a
    key found live is trusted without a lookup (seconds)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = Database(
            settings.database_url,
            pool_size=settings.db_pool_size,
            statement_timeout=settings.statement_timeout,
        )
        broker = create_broker(settings.broker_url)
        await broker.connect()
        env = ServiceEnv(db, broker)
        feed = EventFeed(env, poll_interval=settings.poll_interval)
        guard = SocketGuard(db, interval=key_check_interval)
        maintenance = Maintenance(env, retention_days=settings.event_retention_days)
        sla_scan = SlaScan(env, interval=settings.sla_scan_interval)
        await feed.start()
        guard.start()
        maintenance.start()
        webhooks = WebhookWorker(db, broker, WorkerRules.from_settings(settings))
        if settings.webhooks:
            await webhooks.start()
        app.state.webhooks = webhooks
        sla_scan.start()
        app.state.env, app.state.settings = env, settings
        app.state.feed, app.state.socket_guard = feed, guard
        app.state.live_keys = LiveKeys(partial(principal_of_key_hash, db), ttl=key_check_interval)
        app.state.rate_limiter = create_rate_limiter(settings.rate_limit, settings.broker_url)
        if settings.tune_gc:
            tune_gc_once()  # last: what start-up built is the long-lived heap
        try:
            yield
        finally:
            # Subscriptions end (FeedClosed), then sockets still open close with 1012. Under
            # uvicorn they are usually closed already: it sends 1012 before the lifespan ends.
            await maintenance.stop()
            if settings.webhooks:
                await webhooks.stop()
            await sla_scan.stop()
            await feed.stop("shutdown")
            await guard.stop()
            await broker.disconnect()
            if app.state.rate_limiter is not None:
                await app.state.rate_limiter.close()
            await db.dispose()

    graphql = GraphQLApp.from_settings(
        schema if settings.introspection else build_schema(introspection=False), settings
    )
    routes: list[BaseRoute] = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        *HTTP_ROUTES,
    ]
    # ObserveRequests outermost: its request id and timing cover everything inside (a body
    # that timed out included). Outage answers (what escapes a route while the database is
    # down) inside CORS, so a browser can read them; then clients that went away.
    middleware = [
        Middleware(ObserveRequests),
        Middleware(BodyDeadline, timeout=settings.body_timeout),
    ]
    if settings.cors_origin_list:
        middleware.append(Middleware(CORSMiddleware, **cors_options(settings)))
    middleware += [
        Middleware(
            AnswerOutages, default=outage_response, renderers={"/ingest/": ingest.outage_response}
        ),
        Middleware(CancelOnDisconnect),
    ]
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
