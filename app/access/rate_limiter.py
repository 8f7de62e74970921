"""Which rate limiter a process uses: none, in memory, or shared through Redis."""

from __future__ import annotations

from app.access.rate_limit import MemoryRateLimiter, RateLimiter


def create_rate_limiter(points_per_minute: int, broker_url: str) -> RateLimiter | None:
    """None when rate limiting is off (0); Redis-backed when the broker is Redis."""
    if points_per_minute <= 0:
        return None
    if broker_url.startswith(("redis://", "rediss://")):
        from app.access.rate_limit_redis import RedisRateLimiter

        return RedisRateLimiter(broker_url, points_per_minute)
    return MemoryRateLimiter(points_per_minute)
