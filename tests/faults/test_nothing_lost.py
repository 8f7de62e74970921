"""Nothing lost under faults: two gateway processes (`ticketgw serve`, PostgreSQL + Redis of the
test's own), 20 subscribers of `ticketEvents` on both WebSocket protocols, 300 mutations spread
over the run, and meanwhile a 5-second PostgreSQL outage (right after a burst of commits, while
their events are being resolved), a Redis restart and a kill -9 of one gateway (started again
after a moment; its clients fail over to the other meanwhile).

At the end every subscriber has exactly the committed events (Query.ticketEvents): none lost,
none twice, none out of order, and never a payload that was not a whole event (`data: null`).

It starts a cluster of its own whatever the suite runs on, so it runs once: in the suite's
PostgreSQL pass (CI runs that one).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.access.workspaces import NewWorkspace, create_workspace
from app.db.engine import Database
from app.domain.cursors import encode_event_cursor
from tests.faults.actors import Subscriber, Writer, committed_events
from tests.faults.clusters import PostgresCluster, RedisServer
from tests.ops.served import Served
from tests.subscriptions.client import LEGACY_WS, TRANSPORT_WS

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(
        not os.environ.get("TICKETGW_DATABASE_URL", "").startswith("postgres"),
        reason="runs in the PostgreSQL pass (it brings its own cluster: once is enough)",
    ),
]

SUBSCRIBERS = 20
MUTATIONS = 300
PG_OUTAGE = 5.0


@pytest.fixture
async def fleet(
    pg: PostgresCluster, own_redis: RedisServer, tmp_path: Path
) -> AsyncIterator[tuple[list[Served], NewWorkspace]]:
    db = Database(pg.url)
    workspace = await create_workspace(db, name="Faults", slug=f"faults-{uuid.uuid4().hex[:8]}")
    await db.dispose()
    env = {
        "TICKETGW_BROKER_URL": own_redis.url,
        "TICKETGW_POLL_INTERVAL": "0.5",
        "TICKETGW_SHUTDOWN_GRACE": "1",
        "TICKETGW_LOG_LEVEL": "warning",
    }
    gateways = [Served(pg.url, tmp_path / f"gateway-{i}.log", **env) for i in range(2)]
    try:
        await asyncio.gather(*(gateway.start() for gateway in gateways))
        yield gateways, workspace
    finally:
        for gateway in gateways:
            await gateway.stop()


def _order_report(received: list[tuple[str, str, str]], log: list[tuple[str, str, str]]) -> str:
    ids = [event[1] for event in received]
    lost = len(set(log) - set(received))
    return f"lost {lost}, duplicated {len(ids) - len(set(ids))}, of {len(log)}"


async def test_every_subscriber_ends_with_exactly_the_committed_events(pg, own_redis, fleet):
    gateways, workspace = fleet
    ws_urls = [g.url.replace("http://", "ws://") + "/graphql" for g in gateways]
    subscribers = [
        Subscriber(
            urls=ws_urls[i % 2 :] + ws_urls[: i % 2],  # half start on each gateway
            key=workspace.api_key,
            protocol=(TRANSPORT_WS, LEGACY_WS)[(i // 2) % 2],
            after=encode_event_cursor(0),
        )
        for i in range(SUBSCRIBERS)
    ]
    writer = Writer(
        [g.url for g in gateways], workspace.api_key, MUTATIONS, interval=0.02,
        burst_at=40, burst=40,
    )  # fmt: skip
    tasks = [asyncio.create_task(s.run()) for s in subscribers]
    try:
        writing = asyncio.create_task(writer.run())
        await _faults(pg, own_redis, gateways[1], writer, subscribers)
        async with asyncio.timeout(60):
            await writing
        log = await committed_events(gateways[0].url, workspace.api_key)
        try:
            async with asyncio.timeout(30):
                while any(s.received[-1:] != log[-1:] for s in subscribers):
                    await asyncio.sleep(0.2)
        except TimeoutError:
            pass  # the comparison below says what is missing
    finally:
        for subscriber in subscribers:
            subscriber.stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)

    for number, subscriber in enumerate(subscribers):
        assert subscriber.spoiled == [], f"subscriber {number} got {subscriber.spoiled[:3]}"
        assert subscriber.received == log, f"subscriber {number}: " + _order_report(
            subscriber.received, log
        )
    # Every mutation wrote its event (a create tried again after a lost answer, two), and the
    # faults did reach the clients: the killed gateway's subscribers all reconnected.
    assert len(log) >= MUTATIONS
    killed = [s for i, s in enumerate(subscribers) if i % 2 == 1]
    assert all(s.closes for s in killed)


async def _faults(
    pg: PostgresCluster,
    redis: RedisServer,
    victim: Served,
    writer: Writer,
    subscribers: list[Subscriber],
) -> None:
    """The outage, the Redis restart and the kill, each while mutations keep coming."""

    async def after_mutations(count: int) -> None:
        while writer.done < count:
            await asyncio.sleep(0.05)

    # In the middle of a burst of commits, once its first events reach a subscriber (so more
    # are being resolved): the database goes away as a crash would, mid-statement.
    await writer.burst_started.wait()
    marks = [len(s.received) for s in subscribers]
    while all(len(s.received) < mark + 2 for s, mark in zip(subscribers, marks, strict=True)):
        await asyncio.sleep(0.005)
    await pg.outage(PG_OUTAGE, mode="crash")
    await after_mutations(140)
    await redis.restart_after(1.0)
    await after_mutations(200)
    assert victim.proc is not None
    victim.proc.kill()  # kill -9
    victim.proc.wait()
    await asyncio.sleep(1.5)
    await victim.start()
