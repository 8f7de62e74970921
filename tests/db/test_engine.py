"""What the engine sets on each PostgreSQL connection."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.db.engine import Database

pytestmark = pytest.mark.anyio


async def test_postgres_connections_plan_each_statement_once(db: Database):
    if db.is_sqlite:
        pytest.skip("a PostgreSQL setting (the PostgreSQL run checks it)")

    async def show(driver):
        return await driver.fetchval("SHOW plan_cache_mode")

    assert await db.on_read_driver(show) == "force_generic_plan"  # the loaders' reads
    async with db.transaction() as session:  # writes share the pool's connections
        setting = (await session.execute(text("SHOW plan_cache_mode"))).scalar_one()
    assert setting == "force_generic_plan"


async def test_a_failed_read_returns_its_connection_and_never_hands_it_out_again(db: Database):
    failed = []

    async def fail(driver):
        failed.append(driver)
        raise RuntimeError("the statement failed")

    async def which(driver):
        return driver

    with pytest.raises(RuntimeError):
        await db.on_read_driver(fail)
    pool = db.engine.sync_engine.pool
    assert pool.checkedout() == 0
    # Its state is unknown (a transaction left open, a protocol error): it is dropped.
    handed_out = {id(await db.on_read_driver(which)) for _ in range(40)}
    assert id(failed[0]) not in handed_out
    assert pool.checkedout() == 0
