"""The loaders' read connections on PostgreSQL (app/db/readers.py): at most `size` open, a
read that finds none free waits, a failed or cancelled read's connection is closed."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from app.db.engine import Database

pytestmark = pytest.mark.anyio


@pytest.fixture
async def small(database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL only (the PostgreSQL run checks it)")
    database = Database(database_url, pool_size=2)
    yield database
    await database.dispose()


async def test_reads_beyond_the_size_wait_for_a_free_connection(small):
    busy, most = 0, 0

    async def read(driver):
        nonlocal busy, most
        busy += 1
        most = max(most, busy)
        value = await driver.fetchval("SELECT pg_backend_pid()")
        await asyncio.sleep(0.02)
        busy -= 1
        return value

    backends = await asyncio.gather(*(small.on_read_driver(read) for _ in range(8)))
    assert most == 2 and len(set(backends)) == 2


async def test_a_cancelled_read_closes_its_connection(small):
    started = asyncio.Event()
    drivers = []

    async def stuck(driver):
        drivers.append(driver)
        started.set()
        await driver.fetchval("SELECT pg_sleep(5)")

    task = asyncio.ensure_future(small.on_read_driver(stuck))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert drivers[0].is_closed()
    # The others still read, and never on the closed one.
    seen = await asyncio.gather(*(small.on_read_driver(_itself) for _ in range(4)))
    assert drivers[0] not in seen


async def test_dispose_closes_the_kept_connections(database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL only (the PostgreSQL run checks it)")
    database = Database(database_url, pool_size=2)
    kept = await database.on_read_driver(_itself)
    await database.dispose()
    assert kept.is_closed()


async def _itself(driver):
    return driver


async def test_a_connection_the_server_closed_is_replaced_and_the_read_runs_again(small):
    async def backend(driver):
        return await driver.fetchval("SELECT pg_backend_pid()")

    first, second = await asyncio.gather(small.on_read_driver(backend), _slowly(small, backend))
    # The server ends both kept connections (a restart, an idle timeout would).
    async with small.transaction() as session:
        for pid in (first, second):
            await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    after = await small.on_read_driver(backend)

    assert after not in (first, second)
    assert await small.on_read_driver(backend) == after  # kept in turn


async def _slowly(database, call):
    async def slow(driver):
        await asyncio.sleep(0.05)  # holds its connection: the other read opens a second one
        return await call(driver)

    return await database.on_read_driver(slow)
