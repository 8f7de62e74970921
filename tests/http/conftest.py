"""An app built with chosen Settings (limits, rate limit, trusted mode) over httpx."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.main import create_app


@asynccontextmanager
async def app_client(database_url: str, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=database_url, **settings))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


@pytest.fixture
def make_client(database_url: str) -> Callable[..., Any]:
    return lambda **settings: app_client(database_url, **settings)


async def post(
    http: httpx.AsyncClient, query: str, key: str | None = None, **body: Any
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return await http.post("/graphql", json={"query": query, **body}, headers=headers)
