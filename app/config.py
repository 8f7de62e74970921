"""Settings: every TICKETGW_* environment variable is read here and nowhere else."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./ticketgw.db"


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

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
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
        settings = cls(**values)  # type: ignore[arg-type]
        object.__setattr__(settings, "database_url", normalize_database_url(settings.database_url))
        return settings

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
