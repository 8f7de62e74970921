"""The feed's fan-out groups (app/live/fanout.py) with sockets of our own: a socket that does
not keep up is released and catches up from the log without slowing its group; an event the
group can't send as plain data goes the ordinary way; every member sees every event once, in
order, whichever path brought it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import aclosing

import pytest

from app.db import TicketEvent
from app.db.engine import Database
from app.domain.event_filter import EventFilter
from app.live.broker.memory import MemoryBroker
from app.live.event_feed import EventFeed, FeedClosed
from app.live.fanout import FanoutSpec
from app.live.service_env import ServiceEnv
from app.live.shared_data import SharedData
from tests.services.feed_helpers import take, wait_until, write_events

pytestmark = pytest.mark.anyio

EVERYTHING = EventFilter()


class Socket:
    """Records what reaches it, in one log with what the subscription yields."""

    def __init__(self, log: list[tuple[str, int]], *, blocked: bool = False) -> None:
        self.log = log
        self.open = True
        self.gate = asyncio.Event()
        if not blocked:
            self.gate.set()

    def is_open(self) -> bool:
        return self.open

    def frame(self, data: SharedData) -> str | None:
        return str(data["seq"])

    async def send(self, frame: str) -> None:
        await self.gate.wait()
        self.log.append(("frame", int(frame)))


@pytest.fixture
async def env(db: Database) -> ServiceEnv:
    return ServiceEnv(db, MemoryBroker())


@pytest.fixture
async def feed(env: ServiceEnv) -> AsyncIterator[EventFeed]:
    feed = EventFeed(env, poll_interval=0.2, queue_size=5)
    await feed.start()
    yield feed
    await feed.stop()


def plain(skip: set[int] = frozenset()):  # type: ignore[assignment,no-untyped-def]
    async def render(event: TicketEvent) -> SharedData | None:
        return None if event.seq in skip else SharedData({"seq": event.seq})

    return render


def consume(feed: EventFeed, ws: int, spec: FanoutSpec, log: list[tuple[str, int]]):  # type: ignore[no-untyped-def]
    async def run() -> None:
        events = feed.subscribe(ws, after_seq=None, event_filter=EVERYTHING, fanout=spec)
        async with aclosing(events) as stream:
            async for event in stream:
                log.append(("yield", event.seq))

    return asyncio.create_task(run())


def seqs(log: list[tuple[str, int]]) -> list[int]:
    return [seq for _, seq in log]


async def test_a_socket_that_does_not_keep_up_is_released_and_catches_up_from_the_log(
    feed, env, workspace
):
    ws = workspace.workspace.id
    start = await feed.latest_seq(ws)
    slow_log: list[tuple[str, int]] = []
    fast_log: list[tuple[str, int]] = []
    slow = Socket(slow_log, blocked=True)
    render = plain()
    tasks = [
        consume(feed, ws, FanoutSpec("k", render, slow), slow_log),
        consume(feed, ws, FanoutSpec("k", render, Socket(fast_log)), fast_log),
    ]
    await wait_until(lambda: feed.stats().grouped == 2)

    await write_events(env, ws, 20, per_commit=4)
    # The fast one has everything from its group while the slow one's first send still waits.
    await wait_until(lambda: len(fast_log) == 20)
    assert fast_log == [("frame", s) for s in range(start + 1, start + 21)]
    await wait_until(lambda: feed.stats().grouped == 1)  # the slow one was let go
    assert slow_log == []
    slow.gate.set()
    await wait_until(lambda: len(slow_log) == 20)
    # Its group's frames first (the one waiting and its full outbox), then the log, in order.
    assert seqs(slow_log) == list(range(start + 1, start + 21))
    assert {kind for kind, _ in slow_log[:6]} == {"frame"}
    assert {kind for kind, _ in slow_log[6:]} == {"yield"}

    await wait_until(lambda: feed.stats().grouped == 2)  # caught up: back in its group
    await write_events(env, ws, 3)
    await wait_until(lambda: len(slow_log) == 23 and len(fast_log) == 23)
    assert slow_log[20:] == fast_log[20:] == [("frame", s) for s in range(start + 21, start + 24)]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert feed.stats().groups == 0


async def test_an_event_the_group_cannot_send_goes_the_ordinary_way_in_its_place(
    feed, env, workspace
):
    ws = workspace.workspace.id
    start = await feed.latest_seq(ws)
    logs: list[list[tuple[str, int]]] = [[], []]
    render = plain(skip={start + 3})
    tasks = [consume(feed, ws, FanoutSpec("k", render, Socket(log)), log) for log in logs]
    await wait_until(lambda: feed.stats().grouped == 2)

    for _ in range(6):
        await write_events(env, ws, 1)
    await wait_until(lambda: all(len(log) == 6 for log in logs))
    for log in logs:
        assert seqs(log) == list(range(start + 1, start + 7))
        assert log[2] == ("yield", start + 3)  # the ordinary path decides what it sends
        assert log[:2] == [("frame", start + 1), ("frame", start + 2)]
    await wait_until(lambda: feed.stats().grouped == 2)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_other_keys_make_other_groups(feed, env, workspace):
    ws = workspace.workspace.id
    logs: list[list[tuple[str, int]]] = [[], [], []]
    render = plain()
    specs = [FanoutSpec(key, render, Socket(log)) for key, log in zip("aab", logs, strict=True)]
    tasks = [consume(feed, ws, spec, log) for spec, log in zip(specs, logs, strict=True)]
    await wait_until(lambda: feed.stats().grouped == 3)
    assert feed.stats().groups == 2
    await write_events(env, ws, 2)
    await wait_until(lambda: all(len(log) == 2 for log in logs))
    assert logs[0] == logs[1] == logs[2]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_a_grouped_subscription_the_feed_closes_leaves_its_group(feed, env, workspace):
    ws = workspace.workspace.id
    log: list[tuple[str, int]] = []
    grouped = consume(feed, ws, FanoutSpec("k", plain(), Socket(log)), log)
    other = asyncio.create_task(  # an ordinary one keeps the workspace's pump reading
        take(feed.subscribe(ws, after_seq=None, event_filter=EVERYTHING), 1)
    )
    await wait_until(lambda: feed.stats().grouped == 1 and feed.stats().subscribers == 2)
    for sub in list(feed._channels[ws].subscribers):
        if sub.grouped:
            sub.close("closing this one")
    with pytest.raises(FeedClosed):
        await grouped
    assert feed.stats().groups == 0
    await write_events(env, ws, 1)
    assert len(await other) == 1
    assert log == []  # no frame for a subscription that ended


async def test_queued_events_are_resolved_ahead_and_still_written_in_order(feed, env, workspace):
    ws = workspace.workspace.id
    start = await feed.latest_seq(ws)
    started: list[int] = []
    second_started = asyncio.Event()

    async def render(event: TicketEvent) -> SharedData | None:
        started.append(event.seq)
        if event.seq == start + 2:
            second_started.set()
        if event.seq == start + 1:
            # Only returns if the next event's resolution began meanwhile (else: timeout).
            await asyncio.wait_for(second_started.wait(), 5)
        await asyncio.sleep(0.01 * (start + 4 - event.seq))  # later ones finish first
        return SharedData({"seq": event.seq})

    log: list[tuple[str, int]] = []
    task = consume(feed, ws, FanoutSpec("k", render, Socket(log)), log)
    await wait_until(lambda: feed.stats().grouped == 1)
    await write_events(env, ws, 3, per_commit=3)  # one fetch: three events queued at once
    await wait_until(lambda: len(log) == 3)
    assert log == [("frame", s) for s in range(start + 1, start + 4)]
    assert sorted(started) == list(range(start + 1, start + 4))  # each resolved once
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
