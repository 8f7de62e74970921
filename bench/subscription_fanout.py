"""Fan-out benchmark: N subscribers on one EventFeed, M events written through unit_of_work.

Prints deliveries per second (total deliveries / time from the first commit to the last
delivery) and end-to-end latency p50/p99 (monotonic time at commit -> time a subscriber got it).

    .venv/bin/python bench/subscription_fanout.py --subscribers 200 --events 2000
    TICKETGW_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/subscription_fanout.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from contextlib import aclosing
from pathlib import Path

from app.access.workspaces import create_workspace
from app.db import Ticket
from app.db.engine import Database
from app.db.schema_setup import migrate
from app.domain.enums import EventType, HelpdeskStatus, TicketKind
from app.domain.event_filter import EventFilter
from app.domain.states import unified_state
from app.live.broker.memory import MemoryBroker
from app.live.event_feed import EventFeed
from app.tickets.unit_of_work import ServiceEnv, unit_of_work


async def write(env: ServiceEnv, ws: int, events: int, per_commit: int, at: dict[int, float]):
    written = 0
    while written < events:
        n = min(per_commit, events - written)
        async with unit_of_work(env, ws, None) as uow:
            for _ in range(n):
                ticket = Ticket(
                    workspace_id=ws,
                    kind=TicketKind.HELPDESK,
                    status=HelpdeskStatus.OPEN,
                    state=unified_state(TicketKind.HELPDESK, HelpdeskStatus.OPEN).value,
                )
                await uow.record(ticket, EventType.CREATED, None)
        now = time.monotonic()  # committed (and the wake-up published)
        assert uow.last_seq is not None  # it recorded events
        for seq in range(uow.last_seq - n + 1, uow.last_seq + 1):
            at[seq] = now
        written += n


async def subscriber(feed: EventFeed, ws: int, events: int, latencies: list[float], at):
    count = 0
    async with aclosing(feed.subscribe(ws, after_seq=None, event_filter=EventFilter())) as it:
        async for event in it:
            latencies.append(time.monotonic() - at[event.seq])
            count += 1
            if count == events:
                return


async def main(args: argparse.Namespace) -> None:
    url = os.environ.get("TICKETGW_DATABASE_URL") or (
        f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    )
    await asyncio.to_thread(migrate, url)
    db = Database(url)
    broker = MemoryBroker()
    env = ServiceEnv(db, broker)
    ws = (await create_workspace(db, name="bench", slug=f"bench-{uuid.uuid4().hex[:8]}")).workspace
    feed = EventFeed(env, poll_interval=1.0, queue_size=args.queue_size)
    await feed.start()

    at: dict[int, float] = {}
    latencies: list[float] = []
    readers = [
        asyncio.create_task(subscriber(feed, ws.id, args.events, latencies, at))
        for _ in range(args.subscribers)
    ]
    while not (feed.stats().subscribers == args.subscribers and feed.stats().behind == 0):
        await asyncio.sleep(0.01)

    peak = behind = 0

    async def sample() -> None:  # buffers are per live subscriber: watch them while it runs
        nonlocal peak, behind
        while True:
            stats = feed.stats()
            peak, behind = max(peak, stats.peak_queue), max(behind, stats.behind)
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    started = time.monotonic()
    await write(env, ws.id, args.events, args.per_commit, at)
    written = time.monotonic()
    await asyncio.gather(*readers)
    finished = time.monotonic()
    sampler.cancel()
    await feed.stop()
    await db.dispose()

    deliveries = len(latencies)
    quantiles = statistics.quantiles(latencies, n=100)
    print(f"database        {db.dialect}")
    print(f"subscribers     {args.subscribers}")
    print(f"events          {args.events} ({args.per_commit} per commit)")
    print(
        f"write time      {written - started:.2f} s ({args.events / (written - started):.0f} ev/s)"
    )
    print(f"deliveries      {deliveries} in {finished - started:.2f} s")
    print(f"throughput      {deliveries / (finished - started):,.0f} deliveries/s")
    print(f"latency p50     {quantiles[49] * 1000:.1f} ms")
    print(f"latency p99     {quantiles[98] * 1000:.1f} ms")
    print(f"peak queue      {peak} (bound {args.queue_size}); most subscribers behind: {behind}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--per-commit", type=int, default=1)
    parser.add_argument("--queue-size", type=int, default=1000)
    asyncio.run(main(parser.parse_args()))
