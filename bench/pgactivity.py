"""What the database's backends are doing during a measurement, sampled from pg_stat_activity.

Every `interval` seconds one query counts the benchmark database's client backends by what
they do: waiting for a lock (a row another transaction holds), running a statement, or idle
in a transaction (waiting for their client: the gateway's Python, the network). The means over
the run say where a write's time goes without touching the servers under test.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg

_SAMPLE = """
SELECT count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock') AS lock_wait,
       count(*) FILTER (WHERE state = 'active' AND wait_event_type IS DISTINCT FROM 'Lock')
         AS running,
       count(*) FILTER (WHERE state = 'idle in transaction') AS idle_in_transaction
FROM pg_stat_activity
WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
"""


@dataclass
class Activity:
    samples: int = 0
    lock_wait: float = 0.0
    running: float = 0.0
    idle_in_transaction: float = 0.0

    def means(self) -> dict[str, float]:
        n = max(self.samples, 1)
        return {
            "lock_wait": self.lock_wait / n,
            "running": self.running / n,
            "idle_in_transaction": self.idle_in_transaction / n,
        }


@contextlib.asynccontextmanager
async def sampled(url: str, interval: float = 0.05) -> AsyncIterator[Activity]:
    activity = Activity()
    conn = await asyncpg.connect(url)

    async def sample() -> None:
        while True:
            row = await conn.fetchrow(_SAMPLE)
            assert row is not None
            activity.samples += 1
            activity.lock_wait += row["lock_wait"]
            activity.running += row["running"]
            activity.idle_in_transaction += row["idle_in_transaction"]
            await asyncio.sleep(interval)

    task = asyncio.create_task(sample())
    try:
        yield activity
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await conn.close()
