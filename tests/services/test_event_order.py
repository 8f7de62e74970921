"""Cursor order is commit order: with concurrent writers, a reader that keeps asking for the
events after the last seq it saw gets every event exactly once, in order, with no gap.

This is the property a sequence/id cursor lacks on PostgreSQL (an id is taken before commit, so
a lower id can become visible after a higher one and a reader past it skips it forever). Here
seq is handed out under the workspace row lock, so seq N+1 cannot commit before N.
"""

from __future__ import annotations

import asyncio

import pytest

from app.live.event_log import read_events
from app.live.service_env import ServiceEnv
from tests.services.feed_helpers import create_tickets

pytestmark = pytest.mark.anyio

WRITERS = 10
COMMITS_EACH = 30


async def test_concurrent_writers_never_make_a_reader_skip_or_repeat(db, workspace):
    ws = workspace.workspace.id
    env = ServiceEnv(db)
    writers_done = asyncio.Event()

    async def writer(index: int) -> None:
        for commit in range(COMMITS_EACH):
            # Commits of 1..3 events, so seq ranges of different sizes interleave.
            await create_tickets(env, ws, 1 + (index + commit) % 3)

    seen: list[int] = []
    reads = 0

    async def reader() -> None:
        nonlocal reads
        last = 0
        while True:
            done = writers_done.is_set()  # read once more after the writers finish
            events = await read_events(db, ws, after_seq=last, limit=50)
            reads += 1
            seen.extend(e.seq for e in events)
            if events:
                last = events[-1].seq
            elif done:
                return
            else:
                await asyncio.sleep(0)

    reading = asyncio.create_task(reader())
    async with asyncio.timeout(120):
        await asyncio.gather(*(writer(i) for i in range(WRITERS)))
        writers_done.set()
        await reading

    total = sum(1 + (i + c) % 3 for i in range(WRITERS) for c in range(COMMITS_EACH))
    assert seen == list(range(1, total + 1))
    assert reads > WRITERS  # the reader really ran while the writers were committing
