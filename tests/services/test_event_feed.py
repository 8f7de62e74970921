"""EventFeed: replay then live with no gap or duplicate, from-now, expired cursors, slow
consumers caught up from the log, writes of other processes found by the poll, filters."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import aclosing

import pytest
from sqlalchemy import update

from app.db import Workspace
from app.db.engine import Database
from app.domain.enums import EventType, HelpdeskStatus, TicketKind, TicketState
from app.domain.errors import DomainError, ErrorCode
from app.domain.event_filter import EventFilter
from app.live.broker.memory import MemoryBroker
from app.live.event_feed import EventFeed, FeedClosed
from app.live.event_log import read_events
from app.live.service_env import ServiceEnv
from tests.services.feed_helpers import (
    change_ticket,
    create_tickets,
    take,
    wait_until,
    write_events,
)

pytestmark = pytest.mark.anyio

POLL = 0.2
EVERYTHING = EventFilter()


@pytest.fixture
async def env(db: Database) -> ServiceEnv:
    return ServiceEnv(db, MemoryBroker())


@pytest.fixture
async def feed(env: ServiceEnv) -> AsyncIterator[EventFeed]:
    feed = EventFeed(env, poll_interval=POLL, queue_size=100)
    await feed.start()
    yield feed
    await feed.stop()


def start_taking(
    feed: EventFeed, ws: int, count: int, *, after_seq: int | None, f: EventFilter = EVERYTHING
) -> asyncio.Task[list]:
    return asyncio.create_task(take(feed.subscribe(ws, after_seq=after_seq, event_filter=f), count))


async def live(feed: EventFeed, subscribers: int) -> None:
    """Wait until that many subscribers joined and fixed their starting point."""
    await wait_until(lambda: feed.stats().subscribers == subscribers and feed.stats().behind == 0)


async def test_fans_out_500_events_to_20_subscribers_in_order(feed, env, workspace):
    ws = workspace.workspace.id
    readers = [start_taking(feed, ws, 500, after_seq=0) for _ in range(20)]
    await live(feed, 20)

    await write_events(env, ws, 500, per_commit=5)

    async with asyncio.timeout(30):
        results = await asyncio.gather(*readers)
    for events in results:
        assert [e.seq for e in events] == list(range(1, 501))
    assert feed.stats().subscribers == 0  # closed subscriptions unregister


async def test_a_subscriber_reading_the_log_counts_as_behind_until_the_read_is_done(
    feed, env, workspace, monkeypatch
):
    # "behind" is what wait-until-live helpers and the subscriptions_behind gauge read: it was
    # 0 from the moment the subscriber took offers again, before its catch-up read ran, so a
    # database outage right "after" it was live still failed that read.
    ws = workspace.workspace.id
    await write_events(env, ws, 3)
    reached, gate = asyncio.Event(), asyncio.Event()
    real_read_log = feed._read_log

    async def held_read_log(workspace_id, sub):  # type: ignore[no-untyped-def]
        reached.set()
        await gate.wait()
        async for event in real_read_log(workspace_id, sub):
            yield event

    monkeypatch.setattr(feed, "_read_log", held_read_log)
    reader = start_taking(feed, ws, 3, after_seq=0)
    async with asyncio.timeout(10):
        await reached.wait()
    assert feed.stats().behind == 1
    gate.set()
    async with asyncio.timeout(10):
        events = await reader
    assert [e.seq for e in events] == [1, 2, 3]
    assert feed.stats().behind == 0


async def test_resume_after_cursor_gets_exactly_the_missed_events_then_live(feed, env, workspace):
    ws = workspace.workspace.id
    await write_events(env, ws, 10)
    reader = start_taking(feed, ws, 11, after_seq=4)
    await live(feed, 1)
    await write_events(env, ws, 5)

    async with asyncio.timeout(10):
        events = await reader
    assert [e.seq for e in events] == list(range(5, 16))


async def test_no_gap_or_duplicate_at_the_seam_while_writers_run(feed, env, workspace):
    ws = workspace.workspace.id
    await write_events(env, ws, 50, per_commit=10)
    writer = asyncio.create_task(write_events(env, ws, 400, per_commit=2))
    readers = [start_taking(feed, ws, 450 - k * 10, after_seq=k * 10) for k in range(5)]

    async with asyncio.timeout(30):
        await writer
        results = await asyncio.gather(*readers)
    for k, events in enumerate(results):
        assert [e.seq for e in events] == list(range(k * 10 + 1, 451))


async def test_after_none_starts_from_now(feed, env, workspace):
    ws = workspace.workspace.id
    await write_events(env, ws, 5)
    reader = start_taking(feed, ws, 3, after_seq=None)
    await live(feed, 1)
    assert await feed.latest_seq(ws) == 5
    await write_events(env, ws, 3)

    async with asyncio.timeout(10):
        events = await reader
    assert [e.seq for e in events] == [6, 7, 8]


async def test_cursor_older_than_retention_is_refused(feed, env, db, workspace):
    ws = workspace.workspace.id
    await write_events(env, ws, 8)
    async with db.transaction() as session:
        await session.execute(
            update(Workspace).where(Workspace.id == ws).values(events_pruned_through=5)
        )

    with pytest.raises(DomainError) as refused:
        await take(feed.subscribe(ws, after_seq=4, event_filter=EVERYTHING), 1)
    assert refused.value.code is ErrorCode.CURSOR_EXPIRED

    events = await take(feed.subscribe(ws, after_seq=5, event_filter=EVERYTHING), 3)
    assert [e.seq for e in events] == [6, 7, 8]


async def test_slow_consumer_is_caught_up_from_the_log_with_a_bounded_queue(feed, env, workspace):
    ws = workspace.workspace.id
    slow = feed.subscribe(ws, after_seq=0, event_filter=EVERYTHING)
    fast = start_taking(feed, ws, 2001, after_seq=0)
    await create_tickets(env, ws)
    async with asyncio.timeout(10):
        first = await anext(slow)  # the slow one is live, then stops reading
    assert first.seq == 1

    await write_events(env, ws, 2000, per_commit=20)
    async with asyncio.timeout(30):
        fast_events = await fast
    assert [e.seq for e in fast_events] == list(range(1, 2002))
    stats = feed.stats()
    assert stats.subscribers == 1
    assert stats.behind == 1  # the slow one overflowed and was switched to the log
    assert stats.peak_queue <= feed.queue_size
    assert stats.queued == 0  # its buffer was dropped, not kept growing

    async with asyncio.timeout(30):
        rest = await take(slow, 2000)
    assert [e.seq for e in rest] == list(range(2, 2002))


async def test_write_of_another_process_arrives_through_the_poll(feed, workspace, database_url):
    ws = workspace.workspace.id
    reader = start_taking(feed, ws, 2, after_seq=None)
    await live(feed, 1)

    other = Database(database_url)  # its own engine, and no broker: nothing wakes the feed
    try:
        await write_events(ServiceEnv(other), ws, 2, per_commit=2)
    finally:
        await other.dispose()

    async with asyncio.timeout(2 * POLL + 1.5):
        events = await reader
    assert [e.seq for e in events] == [1, 2]


FILTERS = [
    EventFilter(kinds=(TicketKind.QUEUE,)),
    EventFilter(types=("COMPLETED", "UPDATED")),
    EventFilter(states=(TicketState.RESOLVED,)),
    EventFilter(status_changes_only=True),
    EventFilter(kinds=(TicketKind.HELPDESK,), status_changes_only=True),
]


async def _mixed_events(env: ServiceEnv, ws: int, admin_id: int) -> None:
    [queue_ticket] = await create_tickets(env, ws, kind=TicketKind.QUEUE)
    [helpdesk] = await create_tickets(env, ws, assignee_id=admin_id)
    await change_ticket(env, ws, helpdesk, EventType.UPDATED, title="renamed")
    await change_ticket(env, ws, helpdesk, EventType.COMPLETED, status=HelpdeskStatus.CLOSED)
    await change_ticket(env, ws, queue_ticket, EventType.UPDATED, title="queue renamed")
    await change_ticket(env, ws, helpdesk, EventType.REOPENED, status=HelpdeskStatus.OPEN)
    await create_tickets(env, ws, 2)


async def _collect(events: AsyncIterator, into: list) -> None:
    async with aclosing(events) as it:
        async for event in it:
            into.append(event.seq)


async def test_filters_agree_live_and_on_replay_with_the_sql_query(feed, env, db, workspace):
    ws, admin = workspace.workspace.id, workspace.admin.id
    filters = [*FILTERS, EventFilter(assignee_ids=(admin,))]
    got_live: list[list[int]] = [[] for _ in filters]
    collectors = [
        asyncio.create_task(_collect(feed.subscribe(ws, after_seq=None, event_filter=f), out))
        for f, out in zip(filters, got_live, strict=True)
    ]
    await live(feed, len(filters))
    await _mixed_events(env, ws, admin)

    for f, live_seqs in zip(filters, got_live, strict=True):
        # The expected list comes from the SQL query behind Query.ticketEvents.
        expected = [e.seq for e in await read_events(db, ws, after_seq=0, event_filter=f)]
        assert 0 < len(expected) < 9, f  # each filter keeps some events and drops others
        replayed = await take(feed.subscribe(ws, after_seq=0, event_filter=f), len(expected))
        assert [e.seq for e in replayed] == expected, f
        await wait_until(lambda live_seqs=live_seqs, n=len(expected): len(live_seqs) >= n)
        await asyncio.sleep(2 * POLL)  # nothing extra arrives late
        assert live_seqs == expected, f
    for task in collectors:
        task.cancel()
    await asyncio.gather(*collectors, return_exceptions=True)
    await wait_until(lambda: feed.stats().subscribers == 0)


async def test_close_all_ends_subscriptions_and_refuses_new_ones(feed, workspace):
    ws = workspace.workspace.id
    reader = start_taking(feed, ws, 1, after_seq=None)
    await live(feed, 1)
    feed.close_all("restart")
    with pytest.raises(FeedClosed) as closed:
        await reader
    assert closed.value.reason == "restart"
    with pytest.raises(FeedClosed):
        await take(feed.subscribe(ws, after_seq=None, event_filter=EVERYTHING), 1)
    assert feed.stats().subscribers == 0
