"""Every Prometheus metric the gateway exports, in one registry per process.

Metrics are per process (no prometheus multiprocess mode): run one worker per container or
replica (the compose file does) and scrape each replica's /metrics. With `serve --workers N`
each scrape sees the worker that answered it.

Importable from any layer: this module depends on prometheus_client only.
"""

from __future__ import annotations

import re

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

GRAPHQL_REQUESTS = Counter(
    "ticketgw_graphql_requests",
    "GraphQL HTTP requests by operation name and outcome (ok, error, rejected).",
    ["operation", "outcome"],
    registry=REGISTRY,
)
GRAPHQL_DURATION = Histogram(
    "ticketgw_graphql_request_duration_seconds",
    "Time to answer a GraphQL HTTP request, by operation name.",
    ["operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
SQL_STATEMENTS = Histogram(
    "ticketgw_graphql_sql_statements",
    "SQL statements one GraphQL HTTP request ran (authentication included), by operation name.",
    ["operation"],
    buckets=(1, 2, 3, 5, 10, 20, 50, 100, 200, 500),
    registry=REGISTRY,
)
WEBSOCKETS_OPEN = Gauge(
    "ticketgw_websockets_open", "WebSocket connections open right now.", registry=REGISTRY
)
SUBSCRIPTIONS_ACTIVE = Gauge(
    "ticketgw_subscriptions_active",
    "Subscriptions reading the event feed right now.",
    registry=REGISTRY,
)
SUBSCRIPTIONS_BEHIND = Gauge(
    "ticketgw_subscriptions_behind",
    "Subscriptions catching up from the event log right now (replay, or fell behind).",
    registry=REGISTRY,
)
SUBSCRIPTIONS_GROUPED = Gauge(
    "ticketgw_subscriptions_grouped",
    "Subscriptions whose live events a fan-out group writes to their socket right now.",
    registry=REGISTRY,
)
EVENTS_PUBLISHED = Counter(
    "ticketgw_events_published", "Ticket events committed by this process.", registry=REGISTRY
)
EVENTS_DELIVERED = Counter(
    "ticketgw_events_delivered",
    "Ticket events handed to subscriptions (live and replayed).",
    registry=REGISTRY,
)
REPLAY_CATCHUPS = Counter(
    "ticketgw_replay_catchups",
    "Subscription reads of the event log that replayed at least one event (resume from a cursor, "
    "or catching up after falling behind).",
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "ticketgw_rate_limited_requests",
    "Requests refused by the rate limiter.",
    registry=REGISTRY,
)

# Operation names are chosen by clients: bound the label values a process will ever create.
MAX_OPERATION_NAMES = 200
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_seen_names: set[str] = set()


def operation_label(name: str | None) -> str:
    """The metric label for an operation name: the name itself while there are few of them,
    "anonymous" for unnamed operations, "other" once the budget of names is spent."""
    if not name:
        return "anonymous"
    if not _NAME.match(name):
        return "other"
    if name not in _seen_names:
        if len(_seen_names) >= MAX_OPERATION_NAMES:
            return "other"
        _seen_names.add(name)
    return name


WEBHOOK_DELIVERIES = Counter(
    "ticketgw_webhook_deliveries",
    "Outbound webhook attempts by this process, by outcome (delivered, failed).",
    ["outcome"],
    registry=REGISTRY,
)
WEBHOOK_LATENCY = Histogram(
    "ticketgw_webhook_event_to_delivery_seconds",
    "From an event's time to its acknowledgement by a webhook receiver (first attempts).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0),
    registry=REGISTRY,
)
WEBHOOK_BACKLOG = Gauge(
    "ticketgw_webhook_backlog_events",
    "Events committed past the cursors of active webhook endpoints (before their filters): "
    "the delivery lag, all processes together.",
    registry=REGISTRY,
)
WEBHOOK_ENDPOINTS = Gauge(
    "ticketgw_webhook_endpoints",
    "Webhook endpoints by status (ACTIVE, PAUSED, DISABLED), all workspaces.",
    ["status"],
    registry=REGISTRY,
)
