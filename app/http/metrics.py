"""/metrics: this process's Prometheus metrics (see app.observability.metrics)."""

from __future__ import annotations

import contextlib

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from app.observability import metrics


async def metrics_endpoint(request: Request) -> Response:
    # Feed gauges are read at scrape time rather than kept up to date on every change.
    feed = getattr(request.app.state, "feed", None)
    if feed is not None:
        stats = feed.stats()
        metrics.SUBSCRIPTIONS_ACTIVE.set(stats.subscribers)
        metrics.SUBSCRIPTIONS_BEHIND.set(stats.behind)
        metrics.SUBSCRIPTIONS_GROUPED.set(stats.grouped)
    webhooks = getattr(request.app.state, "webhooks", None)
    if webhooks is not None:
        # Two small queries; with the database down the gauges keep their last values.
        with contextlib.suppress(Exception):
            await webhooks.refresh_stats()
    return Response(generate_latest(metrics.REGISTRY), media_type=CONTENT_TYPE_LATEST)


routes: list[BaseRoute] = [Route("/metrics", metrics_endpoint, methods=["GET"])]
