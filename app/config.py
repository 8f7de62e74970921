"""Settings: every TICKETGW_* environment variable is read here and nowhere else."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any


def default_database_path() -> Path:
    """The SQLite file used unless TICKETGW_DATABASE_URL says otherwise: in the user's data
    folder (XDG), so `ticketgw` finds the same database whichever folder it runs from."""
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "ticketgw" / "ticketgw.db"


DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{default_database_path()}"


def normalize_database_url(url: str) -> str:
    """Accept the plain URL forms people paste and pick the async driver for them."""
    if url.startswith("sqlite:///") or url.startswith("sqlite://"):
        return "sqlite+aiosqlite" + url[len("sqlite") :]
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


def _env_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    broker_url: str = "memory://"
    public_url: str | None = None
    introspection: bool = True
    graphiql: bool = True
    # How long a subscriber waits for a broker wake-up before it reads the log anyway.
    poll_interval: float = 1.0
    # Events older than this many days may be pruned; 0 keeps them forever.
    event_retention_days: int = 0
    log_level: str = "info"
    # Seconds `ticketgw serve` lets in-flight requests finish after SIGTERM (then it closes).
    shutdown_grace: int = 10
    # Query limits, checked before execution (schema/limits): nesting depth, aliases, lexer
    # tokens, and cost points (one per object field, lists multiplied by first/last).
    max_depth: int = 15
    max_aliases: int = 30
    max_tokens: int = 10_000
    max_cost: int = 100_000
    # Cost points per API key per minute (a token bucket); 0 turns rate limiting off.
    rate_limit: int = 1_000_000
    # Only operations listed in schema/operations/*.graphql run (by document or sha256 id).
    trusted_documents: bool = False
    # Transport limits: request body, one WebSocket message, seconds to send connection_init,
    # subscriptions per socket, seconds a socket may sit with no subscription and no message.
    max_body_bytes: int = 1_000_000
    ws_max_message_bytes: int = 256_000
    ws_init_timeout: float = 10.0
    ws_max_subscriptions: int = 100
    ws_idle_timeout: float = 300.0
    # permessage-deflate on WebSockets: off by default, since compressing is per socket (its
    # own zlib context), ~40 us of CPU a message, the largest cost of fan-out once results are
    # shared; events are small. Turn on where bandwidth costs more than CPU.
    ws_compression: bool = False
    # Seconds between keep-alive comments on a graphql-sse stream (proxies drop quiet ones).
    sse_keepalive: float = 15.0
    # Slow clients: seconds a connection has to send a request's headers, and then its body.
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    # Items in any one list argument or input field (ids of a filter, labels...); every list
    # of a filter becomes query parameters, and PostgreSQL takes 32,767 per statement.
    max_list_items: int = 1000
    # Browser access: comma-separated origins allowed by CORS (and for WebSockets); empty = none.
    cors_origins: str = ""
    # CSRF: when on, GET requests must carry an X-Requested-With or GraphQL-Require-Preflight
    # header (POST already needs a JSON content type, which browsers can't send cross-site
    # without a preflight).
    csrf_require_header: bool = False
    # Freeze the heap built at start-up and collect young objects less often
    # (app/gc_tuning.py). `ticketgw serve` turns it on; embedded apps and tests keep
    # CPython's defaults.
    tune_gc: bool = False
    # PostgreSQL connections per gateway process, for writes and ORM reads; the loaders keep
    # as many again for theirs (app/db/readers.py). A request's loaders each hold one for a
    # moment; when all are busy, the next waits for one rather than opening a new connection.
    db_pool_size: int = 16
    # Seconds any one SQL statement of the gateway may run before it is stopped (TIMEOUT);
    # 0 = no limit. The CLI's own commands (import, migrate) run without one.
    statement_timeout: float = 5.0
    # Outbound webhooks (app/webhooks): the delivery worker runs inside `ticketgw serve`
    # unless `webhooks` is off (then run `ticketgw webhooks run` somewhere).
    webhooks: bool = True
    # Retries wait RETRY_BASE * 2^(failures-1) seconds, capped at RETRY_MAX, with full jitter;
    # after MAX_FAILURES consecutive failures the endpoint is PAUSED.
    webhook_retry_base: float = 2.0
    webhook_retry_max: float = 3600.0
    webhook_max_failures: int = 15
    # Seconds one delivery (connect, send, answer) may take before it counts as failed.
    webhook_timeout: float = 10.0
    # Deliver to loopback, private and link-local addresses too (tests, a private network).
    webhook_allow_private: bool = False
    # Seconds the previous secret still signs after a rotation.
    webhook_rotation_grace: float = 86_400.0
    # Seconds a process holds an endpoint it delivers (renewed at every event; at least the
    # timeout plus 5 s): a process that dies mid-delivery leaves it to another after this.
    webhook_lease: float = 30.0
    # Endpoints one process delivers at the same time (a slow one holds only its own slot).
    webhook_concurrency: int = 64
    # Delivery attempts older than this many days are deleted (hourly); 0 keeps them forever.
    webhook_history_days: int = 30
    # Seconds between due-timer scans (SLA warnings and breaches are recorded within about
    # this long of their time); 0 turns the scan off in this process.
    sla_scan_interval: float = 0.5

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}  # each of the field's own type, converted below
        for f in fields(cls):
            raw = env.get(f"TICKETGW_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            if f.type == "bool":
                values[f.name] = _env_bool(raw)
            elif f.type == "int":
                values[f.name] = int(raw)
            elif f.type == "float":
                values[f.name] = float(raw)
            else:
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        object.__setattr__(settings, "database_url", normalize_database_url(settings.database_url))
        return settings

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
