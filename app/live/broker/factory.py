"""The factory that picks a broker backend by URL scheme."""

from __future__ import annotations

from app.live.broker.base import Broker


def create_broker(url: str) -> Broker:
    scheme = url.split("://", 1)[0]
    if scheme == "memory":
        from app.live.broker.memory import MemoryBroker

        return MemoryBroker()
    if scheme in ("redis", "rediss"):
        from app.live.broker.redis import RedisBroker  # imported lazily: redis is an optional extra

        return RedisBroker(url)
    raise ValueError(f"Unknown broker URL scheme: {scheme!r} (use memory:// or redis://)")
