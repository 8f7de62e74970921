"""RedisBroker against real Redis: round trip on the shared server; outages and restarts on a
private redis-server of this test's own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from app.live.broker import Wakeup, create_broker
from app.live.broker.redis import RedisBroker
from tests.helpers_redis import SHARED_REDIS_URL, RedisServer, unique_channel

pytestmark = [pytest.mark.anyio, pytest.mark.redis]


@pytest.fixture
async def broker() -> AsyncIterator[RedisBroker]:
    broker = RedisBroker(SHARED_REDIS_URL, channel=unique_channel())
    await broker.connect()
    yield broker
    await broker.disconnect()


async def test_create_broker_picks_redis_by_url():
    broker = create_broker(SHARED_REDIS_URL)
    assert isinstance(broker, RedisBroker)
    await broker.disconnect()


async def test_publish_reaches_every_listener_in_order(broker):
    async with broker.listen() as first, broker.listen() as second:
        for seq in (1, 2, 3):
            await broker.publish(Wakeup(7, seq))
        async with asyncio.timeout(5):
            got_first = [await anext(first) for _ in range(3)]
            got_second = [await anext(second) for _ in range(3)]
    expected = [Wakeup(7, 1), Wakeup(7, 2), Wakeup(7, 3)]
    assert got_first == expected
    assert got_second == expected


async def test_foreign_messages_on_the_channel_are_ignored(broker):
    async with broker.listen() as wakeups:
        await broker.client.publish(broker.channel, b"not a wake-up")
        await broker.publish(Wakeup(3, 9))
        async with asyncio.timeout(5):
            assert await anext(wakeups) == Wakeup(3, 9)


async def test_publish_while_redis_is_down_is_swallowed(private_redis: RedisServer):
    broker = RedisBroker(private_redis.url, channel=unique_channel())
    await broker.connect()
    private_redis.kill()
    await broker.publish(Wakeup(1, 1))  # logged, not raised: the poll covers it
    await broker.disconnect()


async def test_listener_reconnects_after_a_redis_restart(private_redis: RedisServer):
    broker = RedisBroker(private_redis.url, channel=unique_channel())
    await broker.connect()
    try:
        async with broker.listen() as wakeups:
            await broker.publish(Wakeup(1, 1))
            async with asyncio.timeout(5):
                assert await anext(wakeups) == Wakeup(1, 1)

            await private_redis.restart_after(0.3)
            # Wake-ups published while the listener is still reconnecting are lost (by design),
            # so keep publishing until one arrives through the new connection.
            receiving = asyncio.create_task(anext(wakeups))
            seq = 1
            async with asyncio.timeout(15):
                while not receiving.done():
                    seq += 1
                    await broker.publish(Wakeup(1, seq))
                    await asyncio.sleep(0.1)
            received = receiving.result()
            assert received.workspace_id == 1
            assert 2 <= received.seq <= seq
    finally:
        await broker.disconnect()


async def test_disconnect_ends_a_listener_cleanly(private_redis: RedisServer):
    broker = RedisBroker(private_redis.url, channel=unique_channel())
    await broker.connect()
    async with broker.listen() as wakeups:
        reading = asyncio.create_task(anext(wakeups, None))
        await asyncio.sleep(0.1)
        await broker.disconnect()
        async with asyncio.timeout(5):
            assert await reading is None
