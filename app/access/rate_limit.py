"""Rate limits on cost points: one token bucket per API key.

A bucket holds up to `points_per_minute` points and refills continuously at that rate; a request
takes its query cost from its key's bucket or is refused with the seconds until it could run.
Buckets are keyed by API key id, so one workspace's keys can never drain another's. The memory
backend serves one process; `redis://` shares buckets between processes (rate_limit_redis).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: float  # points left after this request (before it, when refused)
    retry_after: float  # seconds until `cost` points are there; 0 when allowed
    capacity: int
    restore_rate: float  # points per second


class RateLimiter(Protocol):
    capacity: int

    async def take(self, bucket: str, cost: int) -> Decision: ...

    async def close(self) -> None: ...


def bucket_for_key(key_id: int) -> str:
    return f"key:{key_id}"


def refill(tokens: float, elapsed: float, capacity: int, rate: float) -> float:
    return min(float(capacity), tokens + max(elapsed, 0.0) * rate)


def decide(tokens: float, cost: int, capacity: int, rate: float) -> Decision:
    """The decision for a bucket holding `tokens` (already refilled) asked for `cost`."""
    if cost <= tokens:
        return Decision(True, tokens - cost, 0.0, capacity, rate)
    return Decision(False, tokens, (cost - tokens) / rate, capacity, rate)


class MemoryRateLimiter:
    def __init__(self, points_per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = points_per_minute
        self.rate = points_per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = asyncio.Lock()

    async def take(self, bucket: str, cost: int) -> Decision:
        async with self._lock:
            now = self._clock()
            tokens, at = self._buckets.get(bucket, (float(self.capacity), now))
            tokens = refill(tokens, now - at, self.capacity, self.rate)
            decision = decide(tokens, cost, self.capacity, self.rate)
            self._buckets[bucket] = (decision.remaining, now)
            return decision

    async def close(self) -> None:
        self._buckets.clear()


def create_rate_limiter(points_per_minute: int, broker_url: str) -> RateLimiter | None:
    """None when rate limiting is off (0); Redis-backed when the broker is Redis."""
    if points_per_minute <= 0:
        return None
    if broker_url.startswith(("redis://", "rediss://")):
        from app.access.rate_limit_redis import RedisRateLimiter

        return RedisRateLimiter(broker_url, points_per_minute)
    return MemoryRateLimiter(points_per_minute)
