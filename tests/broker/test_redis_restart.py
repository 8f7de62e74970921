"""A Redis restart in the middle of a stream delays events but loses none: the feed's poll of
the event log covers the outage, and the listener reconnects afterwards."""

from __future__ import annotations

import asyncio
from contextlib import aclosing

import pytest

from app.domain.event_filter import EventFilter
from app.live.broker.redis import RedisBroker
from app.live.event_feed import EventFeed
from app.live.service_env import ServiceEnv
from tests.helpers_redis import RedisServer, unique_channel
from tests.services.feed_helpers import wait_until, write_events

pytestmark = [pytest.mark.anyio, pytest.mark.redis]

TOTAL = 300


async def test_every_event_arrives_across_a_redis_restart(
    db, workspace, private_redis: RedisServer
):
    ws = workspace.workspace.id
    channel = unique_channel()
    # Two brokers on one Redis: the writer's and the feed's, as in two gateway processes.
    writer_broker = RedisBroker(private_redis.url, channel=channel)
    feed_broker = RedisBroker(private_redis.url, channel=channel)
    await writer_broker.connect()
    await feed_broker.connect()
    feed = EventFeed(db, feed_broker, poll_interval=0.3, queue_size=1000)
    await feed.start()
    try:
        received: list[int] = []

        async def read() -> None:
            subscription = feed.subscribe(ws, after_seq=0, event_filter=EventFilter())
            async with aclosing(subscription) as events:
                async for event in events:
                    received.append(event.seq)
                    if len(received) == TOTAL:
                        return

        reader = asyncio.create_task(read())
        await wait_until(lambda: feed.stats().subscribers == 1 and feed.stats().behind == 0)
        env = ServiceEnv(db, writer_broker)

        async def write() -> None:
            for _ in range(TOTAL // 3):
                await write_events(env, ws, 3, per_commit=3)
                await asyncio.sleep(0.02)

        writing = asyncio.create_task(write())
        await wait_until(lambda: len(received) >= 30)
        private_redis.kill()
        at_kill = len(received)
        await asyncio.sleep(1.0)  # the writer keeps committing; its wake-ups are lost
        during_outage = len(received) - at_kill
        assert not writing.done()
        await asyncio.to_thread(private_redis.start)

        async with asyncio.timeout(30):
            await writing
            await reader
        assert received == list(range(1, TOTAL + 1))
        assert during_outage > 0  # the poll of the log kept events coming while Redis was down
    finally:
        await feed.stop()
        await feed_broker.disconnect()
        await writer_broker.disconnect()
