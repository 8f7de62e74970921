"""Every statement runs under TICKETGW_STATEMENT_TIMEOUT and stops when its client goes away.

A deliberately slow statement stands in for a resolver's read (the test swaps it in for
`Query.lines`): `pg_sleep` on PostgreSQL, a counting recursive query on SQLite that calls back
into Python on every row (so the test sees whether it still runs). Both through an ORM session
and through the loaders' driver path. The suite's database decides which one runs.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from app.config import Settings
from app.db.engine import Database
from app.domain.errors import ErrorCode, Unavailable
from app.main import create_app
from schema.queries import directory
from tests.subscriptions.helpers import Gateway

pytestmark = pytest.mark.anyio

LINES = "{ lines { id } }"
GRAPHQL_RESPONSE = "application/graphql-response+json"


class SlowStatement:
    """A read that takes far longer than any timeout here (20 s or more), and a way to tell
    whether it still runs."""

    def __init__(self, path: str) -> None:
        self.path = path  # "session" (SQLAlchemy) or "driver" (the loaders' path)
        self.marker = f"slow_{uuid.uuid4().hex[:12]}"
        self.last_tick = 0.0

    def _tick(self) -> int:
        self.last_tick = time.monotonic()
        return 1

    def sql(self, db: Database) -> str:
        if db.is_sqlite:
            return (
                f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                f"WHERE {self.marker}() AND x < 50000000) SELECT count(*) FROM c"
            )
        return f"SELECT pg_sleep(20) AS {self.marker}"

    async def list_rows(self, db: Database, _workspace_id: int, _what: str) -> list[Any]:
        if self.path == "session":
            async with db.read_session() as session:
                if db.is_sqlite:
                    raw = await (await session.connection()).get_raw_connection()
                    await raw.driver_connection.create_function(self.marker, 0, self._tick)
                await session.execute(text(self.sql(db)))
            return []

        async def call(driver: Any) -> Any:
            if db.is_sqlite:
                await driver.create_function(self.marker, 0, self._tick)
                async with driver.execute(self.sql(db)) as cursor:
                    return await cursor.fetchall()
            return await driver.fetch(self.sql(db))

        await db.on_read_driver(call)
        return []

    async def running(self, database_url: str) -> bool:
        """Whether the statement still runs: on the server (PostgreSQL), or calling back."""
        if database_url.startswith("sqlite"):
            await asyncio.sleep(0.3)
            return time.monotonic() - self.last_tick < 0.25
        import asyncpg

        connection = await asyncpg.connect(database_url.replace("+asyncpg", ""))
        try:
            query = "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1"
            return bool(await connection.fetchval(query, f"%AS {self.marker}%"))
        finally:
            await connection.close()

    async def wait_running(self, database_url: str) -> None:
        async with asyncio.timeout(10):
            while not await self.running(database_url):
                await asyncio.sleep(0.05)

    async def wait_stopped(self, database_url: str, within: float) -> float:
        started = time.monotonic()
        async with asyncio.timeout(within):
            while await self.running(database_url):
                await asyncio.sleep(0.05)
        return time.monotonic() - started


@pytest.fixture(params=["session", "driver"])
def slow(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> SlowStatement:
    statement = SlowStatement(request.param)
    monkeypatch.setattr(directory, "list_rows", statement.list_rows)
    return statement


@pytest.fixture
async def timed_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=database_url, statement_timeout=0.5))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            yield http


async def test_a_statement_past_the_timeout_is_stopped_with_a_timeout_error(
    timed_client, database_url, key, slow
):
    async with asyncio.timeout(10):  # the statement alone takes 20 s or more
        response = await timed_client.post(
            "/graphql",
            json={"query": LINES},
            headers={"Authorization": f"Bearer {key}", "Accept": GRAPHQL_RESPONSE},
        )
    assert response.status_code == 504, response.text
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "TIMEOUT"}
    assert error["path"] == ["lines"]
    assert "statement timeout" in error["message"]
    await slow.wait_stopped(database_url, within=3)


async def test_a_client_that_goes_away_stops_its_statement(database_url, key, slow):
    gateway = Gateway(Settings(database_url=database_url, statement_timeout=0))
    await gateway.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{gateway.port}") as http:
            request = asyncio.create_task(
                http.post(
                    "/graphql",
                    json={"query": LINES},
                    headers={"Authorization": f"Bearer {key}"},
                )
            )
            await slow.wait_running(database_url)
            request.cancel()  # the client gives up and closes its connection
            with pytest.raises(asyncio.CancelledError):
                await request
        await slow.wait_stopped(database_url, within=3)
    finally:
        await gateway.stop()


async def test_the_client_guard_gives_up_on_a_server_that_does_not_answer(database_url):
    """The server's own timeout switched off for the statement, as if the server had stopped
    answering: a second past the timeout the gateway closes the connection under it."""
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL only (SQLite's statements are always stopped by the gateway)")
    db = Database(database_url, statement_timeout=0.3)

    async def unanswered(driver: Any) -> Any:
        await driver.execute("SET statement_timeout = 0")
        return await driver.fetch("SELECT pg_sleep(20)")

    try:
        async with asyncio.timeout(10):
            with pytest.raises(Unavailable) as raised:
                await db.on_read_driver(unanswered)
        assert raised.value.code is ErrorCode.SERVICE_UNAVAILABLE
    finally:
        await db.dispose()
