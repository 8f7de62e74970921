"""Token buckets on cost points per API key: memory and Redis backends, the refusal over HTTP
(RATE_LIMITED + retryAfter; 429 + Retry-After under graphql-response+json), per-key buckets."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from app.access.rate_limit import MemoryRateLimiter
from app.access.rate_limit_redis import RedisRateLimiter
from app.observability.metrics import REGISTRY
from tests.security.conftest import post

pytestmark = pytest.mark.anyio

GRAPHQL_RESPONSE = "application/graphql-response+json"
QUERY = "{ tickets(first: 10) { nodes { id assignee { name } } } }"  # costs 21


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_memory_bucket_spends_refills_and_says_when():
    clock = Clock()
    limiter = MemoryRateLimiter(60, clock=clock)  # one point per second
    assert (await limiter.take("a", 50)).allowed
    refused = await limiter.take("a", 20)
    assert (refused.allowed, refused.retry_after) == (False, 10.0)
    clock.now = 10.0
    assert (await limiter.take("a", 20)).allowed
    assert (await limiter.take("b", 60)).allowed  # another bucket is untouched


def refused_so_far() -> float:
    return REGISTRY.get_sample_value("ticketgw_rate_limited_requests_total") or 0.0


async def test_a_limited_request_is_refused_with_retry_after(make_client, key):
    refused_before = refused_so_far()
    async with make_client(rate_limit=50) as http:
        first = await post(http, QUERY, key)
        second = await post(http, QUERY, key)
        third = await post(http, QUERY, key)
        graphql = await http.post(
            "/graphql",
            json={"query": QUERY},
            headers={
                "Authorization": f"Bearer {key}",
                "Accept": "application/graphql-response+json",
            },
        )
    assert "errors" not in first.json() and "errors" not in second.json()
    assert third.status_code == 200
    [error] = third.json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfter"] >= 1
    assert third.json().get("data") is None
    assert graphql.status_code == 429
    assert int(graphql.headers["retry-after"]) >= 1
    assert "data" not in graphql.json()
    assert refused_so_far() - refused_before == 2  # the third and fourth request


async def test_one_workspace_cannot_drain_another(make_client, key, make_workspace):
    other = await make_workspace()
    async with make_client(rate_limit=50) as http:
        for _ in range(3):
            await post(http, QUERY, key)
        drained = (await post(http, QUERY, key)).json()
        fresh = (await post(http, QUERY, other.api_key)).json()
    assert drained["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert "errors" not in fresh


async def test_zero_turns_rate_limiting_off(make_client, key):
    async with make_client(rate_limit=0) as http:
        bodies = [(await post(http, QUERY, key)).json() for _ in range(5)]
    assert all("errors" not in body for body in bodies)


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TICKETGW_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    return url


@pytest.mark.redis
async def test_redis_buckets_are_shared_and_atomic(redis_url):
    prefix = f"ticketgw:test:{uuid.uuid4().hex}:"
    one = RedisRateLimiter(redis_url, 600, prefix=prefix)
    two = RedisRateLimiter(redis_url, 600, prefix=prefix)
    try:
        decisions = await asyncio.gather(
            *[(one if i % 2 else two).take("key:1", 100) for i in range(10)]
        )
        other = await one.take("key:2", 100)
    finally:
        await one.close()
        await two.close()
    assert sum(d.allowed for d in decisions) == 6  # 600 points, 100 each, across processes
    refused = [d for d in decisions if not d.allowed]
    assert all(0 < d.retry_after <= 10.1 for d in refused)
    assert other.allowed


@pytest.mark.redis
async def test_the_gateway_uses_redis_with_a_redis_broker(make_client, db, key, redis_url):
    from redis.asyncio import Redis

    from app.access.workspaces import authenticate

    principal = await authenticate(db, key)
    assert principal is not None
    redis = Redis.from_url(redis_url)
    # Key ids repeat across test sessions (SQLite, then PostgreSQL): start from a full bucket.
    await redis.delete(f"ticketgw:rate:key:{principal.key_id}")
    await redis.aclose()
    async with make_client(rate_limit=50, broker_url=redis_url) as http:
        bodies = [(await post(http, QUERY, key)).json() for _ in range(3)]
    assert [("errors" in body) for body in bodies] == [False, False, True]
    assert bodies[2]["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
