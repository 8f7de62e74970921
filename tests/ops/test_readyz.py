"""/readyz answers 503 when the database or the broker can't be reached; /healthz still 200."""

from __future__ import annotations

import httpx
import pytest

from app.config import Settings
from app.main import create_app

pytestmark = pytest.mark.anyio


async def probe(settings: Settings) -> tuple[int, int]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            health = await client.get("/healthz")
            ready = await client.get("/readyz")
    assert ready.json() == (
        {"status": "ok"} if ready.status_code == 200 else {"status": "unavailable"}
    )
    return health.status_code, ready.status_code


async def test_ready_when_both_answer(database_url):
    assert await probe(Settings(database_url=database_url)) == (200, 200)


async def test_not_ready_without_the_database(tmp_path):
    missing = f"sqlite+aiosqlite:///{tmp_path}/no/such/dir/db.sqlite"
    assert await probe(Settings(database_url=missing)) == (200, 503)


async def test_not_ready_without_postgresql():
    closed_port = "postgresql+asyncpg://postgres@127.0.0.1:1/none"
    assert await probe(Settings(database_url=closed_port)) == (200, 503)


async def test_not_ready_without_the_broker(database_url):
    settings = Settings(database_url=database_url, broker_url="redis://127.0.0.1:1/0")
    assert await probe(settings) == (200, 503)
