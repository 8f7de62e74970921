"""Writes to different tickets of one workspace run in parallel on PostgreSQL, and the event log
still keeps its promise (issue 16).

- 16 writers, each on its own ticket, all wait inside their transactions for one another (a
  barrier after the ticket is locked): that only completes if 16 transactions of one workspace
  are open at once. While the workspace row was locked first, the barrier never filled.
- A subscriber of the feed reading during the run ends with every event, in cursor order, none
  skipped or repeated; with two "gateway processes" (two engines, two feeds, each polling the
  log) both subscribers do, whichever process wrote.
- Writers that hold their transactions open for different, random times (so they commit in
  another order than they began) never make an event visible behind a cursor a reader has
  passed: a reader that only ever asks for "after my cursor" ends with every event.

These run on PostgreSQL whatever the suite runs on (SQLite has one writer at a time).
"""

from __future__ import annotations

import asyncio
import os
import random
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import func, select

from app.access.workspaces import create_workspace
from app.db import TicketEvent
from app.db.engine import Database
from app.db.schema_setup import migrate
from app.domain.enums import Role
from app.domain.event_filter import EventFilter
from app.domain.principal import Principal
from app.live.broker.memory import MemoryBroker
from app.live.event_feed import EventFeed
from app.live.event_log import read_events
from app.live.service_env import ServiceEnv
from app.tickets.command import ticket_command
from app.tickets.helpdesk import create_helpdesk_ticket
from app.tickets.messages import apply_add_message
from tests.conftest import _create_postgres_database, _drop_postgres_database

pytestmark = pytest.mark.anyio

POSTGRES_SERVER = os.environ.get(
    "TICKETGW_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
WRITERS = 16


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    try:
        url = _create_postgres_database(POSTGRES_SERVER, f"ticketgw_par_{uuid.uuid4().hex[:10]}")
    except OSError:
        pytest.skip("PostgreSQL is not reachable")
    migrate(url)
    yield url
    _drop_postgres_database(url)


@pytest.fixture
async def pg(postgres_url: str) -> AsyncIterator[Database]:
    database = Database(postgres_url, pool_size=WRITERS + 4)
    yield database
    await database.dispose()


async def _workspace_with_tickets(db: Database, count: int) -> tuple[Principal, list[int]]:
    new = await create_workspace(db, name="Floor", slug=f"par-{uuid.uuid4().hex[:10]}")
    admin = Principal(new.workspace.id, new.admin.id, Role.ADMIN, 0)  # type: ignore[arg-type]
    env = ServiceEnv(db)
    ids = [(await create_helpdesk_ticket(env, admin, subject=f"t{n}")).id for n in range(count)]
    return admin, ids  # type: ignore[return-value]


async def _all_seqs(db: Database, workspace_id: int) -> list[int]:
    async with db.read_session() as session:
        stmt = select(TicketEvent.seq).where(TicketEvent.workspace_id == workspace_id)
        return sorted((await session.execute(stmt)).scalars())


async def _collect(feed: EventFeed, workspace_id: int, after: int, count: int) -> list[int]:
    seqs: list[int] = []
    async for event in feed.subscribe(workspace_id, after_seq=after, event_filter=EventFilter()):
        seqs.append(event.seq)
        if len(seqs) == count:
            return seqs
    return seqs


async def _write_in_parallel(envs: list[ServiceEnv], admin: Principal, tickets: list[int]) -> None:
    """One message per ticket, every writer inside its transaction at the same time."""
    barrier = asyncio.Barrier(len(tickets))

    async def write(n: int, ticket_id: int) -> None:
        env = envs[n % len(envs)]
        async with ticket_command(env, admin, ticket_id, kind=None, action="write") as (uow, t):
            async with asyncio.timeout(20):  # never filled if the writes ran one at a time
                await barrier.wait()
            await apply_add_message(uow, t, body=f"from writer {n}")

    await asyncio.gather(*(write(n, t) for n, t in enumerate(tickets)))


async def test_writers_on_different_tickets_overlap_and_a_subscriber_gets_every_event(
    pg: Database,
) -> None:
    admin, tickets = await _workspace_with_tickets(pg, WRITERS)
    ws = admin.workspace_id
    start = (await _all_seqs(pg, ws))[-1]
    feed = EventFeed(ServiceEnv(pg, MemoryBroker()), poll_interval=0.05)
    await feed.start()
    try:
        reading = asyncio.create_task(_collect(feed, ws, start, WRITERS))
        await _write_in_parallel([ServiceEnv(pg, feed.broker)], admin, tickets)
        async with asyncio.timeout(20):
            seen = await reading
    finally:
        await feed.stop()
    assert seen == list(range(start + 1, start + WRITERS + 1))
    assert await _all_seqs(pg, ws) == list(range(1, start + WRITERS + 1))


async def test_two_gateway_processes_write_in_parallel_and_both_subscribers_get_every_event(
    postgres_url: str,
) -> None:
    # Two engines (pools) and two feeds, as two `ticketgw serve` processes have; each process's
    # broker wakes only itself, so the other's writes reach it through the poll of the log.
    dbs = [Database(postgres_url, pool_size=WRITERS + 4) for _ in range(2)]
    feeds = [EventFeed(ServiceEnv(db, MemoryBroker()), poll_interval=0.05) for db in dbs]
    try:
        admin, tickets = await _workspace_with_tickets(dbs[0], WRITERS)
        ws = admin.workspace_id
        start = (await _all_seqs(dbs[0], ws))[-1]
        for feed in feeds:
            await feed.start()
        readers = [asyncio.create_task(_collect(f, ws, start, WRITERS)) for f in feeds]
        envs = [ServiceEnv(db, feed.broker) for db, feed in zip(dbs, feeds, strict=True)]
        await _write_in_parallel(envs, admin, tickets)
        async with asyncio.timeout(20):
            seen = await asyncio.gather(*readers)
    finally:
        for feed in feeds:
            await feed.stop()
        for db in dbs:
            await db.dispose()
    expected = list(range(start + 1, start + WRITERS + 1))
    assert seen == [expected, expected]


async def test_commits_out_of_start_order_never_land_behind_a_readers_cursor(
    pg: Database,
) -> None:
    admin, tickets = await _workspace_with_tickets(pg, WRITERS)
    ws = admin.workspace_id
    env = ServiceEnv(pg)
    start = (await _all_seqs(pg, ws))[-1]
    rounds = 8
    rng = random.Random(16)
    overlapping = 0
    inside = 0

    async def writer(ticket_id: int) -> None:
        nonlocal overlapping, inside
        for _ in range(rounds):
            async with ticket_command(env, admin, ticket_id, kind=None, action="write") as (
                uow,
                t,
            ):
                inside += 1
                overlapping = max(overlapping, inside)
                await asyncio.sleep(rng.random() * 0.01)  # commit order != begin order
                await apply_add_message(uow, t, body="x")
                inside -= 1

    done = asyncio.Event()
    seen: list[int] = []

    async def reader() -> None:
        cursor = start
        while True:
            finished = done.is_set()  # one more read after the writers are done
            page = await read_events(pg, ws, after_seq=cursor, limit=50)
            seen.extend(e.seq for e in page)
            if page:
                cursor = page[-1].seq
            elif finished:
                return
            else:
                await asyncio.sleep(0.001)

    reading = asyncio.create_task(reader())
    async with asyncio.timeout(120):
        await asyncio.gather(*(writer(t) for t in tickets))
        done.set()
        await reading
    total = WRITERS * rounds
    assert overlapping > 1  # the writers really were inside their transactions together
    assert seen == list(range(start + 1, start + total + 1))
    async with pg.read_session() as session:
        stmt = select(func.max(TicketEvent.seq)).where(TicketEvent.workspace_id == ws)
        assert (await session.execute(stmt)).scalar_one() == start + total
