"""Token buckets in Redis: one atomic Lua script per request, shared by every gateway process.

The bucket is a hash {tokens, at} with a TTL of a full refill (an idle bucket is a full one).
Redis's own clock (TIME) is used, so processes with skewed clocks agree. If Redis can't be
reached the request is let through (logged): rate limiting must not take the API down.
"""

from __future__ import annotations

import logging

from app.access.rate_limit import Decision

log = logging.getLogger(__name__)

# KEYS[1] bucket; ARGV: capacity, rate (points/s), cost. Returns {allowed, tokens*1000, wait*1000}.
TAKE_SCRIPT = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil then tokens = capacity; at = now end
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local allowed = 0
local wait = 0
if cost <= tokens then
  tokens = tokens - cost
  allowed = 1
else
  wait = (cost - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 1)
return {allowed, math.floor(tokens * 1000), math.ceil(wait * 1000)}
"""


class RedisRateLimiter:
    def __init__(self, url: str, points_per_minute: int, prefix: str = "ticketgw:rate:") -> None:
        from redis.asyncio import Redis

        self.capacity = points_per_minute
        self.rate = points_per_minute / 60.0
        self.prefix = prefix
        self._redis = Redis.from_url(url)
        self._script = self._redis.register_script(TAKE_SCRIPT)

    async def take(self, bucket: str, cost: int) -> Decision:
        from redis.exceptions import RedisError

        try:
            allowed, tokens, wait = await self._script(
                keys=[self.prefix + bucket], args=[self.capacity, self.rate, cost]
            )
        except (RedisError, OSError):
            log.warning("rate limit: Redis unreachable, request let through", exc_info=True)
            return Decision(True, float(self.capacity), 0.0, self.capacity, self.rate)
        return Decision(bool(allowed), tokens / 1000, wait / 1000, self.capacity, self.rate)

    async def close(self) -> None:
        await self._redis.aclose()
