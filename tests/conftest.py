"""Shared fixtures. TICKETGW_DATABASE_URL picks the database the whole suite runs on:
unset means a fresh SQLite file; a PostgreSQL URL gets a fresh database created on that server.
Tests isolate by workspace: each test makes its own, so nothing needs truncating.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.access.workspaces import NewWorkspace, create_workspace
from app.db.engine import Database
from app.db.schema_setup import migrate

# The real app over httpx (`app`, `client`, `gql`, `key`, ...) for any test that wants it.
pytest_plugins = ["tests.app_fixtures"]


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


def _create_postgres_database(server_url: str, name: str) -> str:
    import asyncpg  # only needed on PostgreSQL runs

    base = server_url.replace("postgresql+asyncpg://", "postgresql://")
    root, _, _db = base.rpartition("/")

    async def create() -> None:
        conn = await asyncpg.connect(f"{root}/postgres")
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())
    return f"{root}/{name}".replace("postgresql://", "postgresql+asyncpg://")


def _drop_postgres_database(url: str) -> None:
    import asyncpg

    base = url.replace("postgresql+asyncpg://", "postgresql://")
    root, _, name = base.rpartition("/")

    async def drop() -> None:
        conn = await asyncpg.connect(f"{root}/postgres")
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database for this test session."""
    configured = os.environ.get("TICKETGW_DATABASE_URL", "")
    if configured.startswith(("postgresql", "postgres")):
        url = _create_postgres_database(configured, f"ticketgw_test_{uuid.uuid4().hex[:10]}")
        migrate(url)
        yield url
        _drop_postgres_database(url)
    else:
        path: Path = tmp_path_factory.mktemp("db") / "ticketgw.db"
        url = f"sqlite+aiosqlite:///{path}"
        migrate(url)
        yield url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


@dataclass
class WorkspaceFactory:
    db: Database

    async def __call__(self, name: str = "Test") -> NewWorkspace:
        slug = f"ws-{uuid.uuid4().hex[:12]}"
        return await create_workspace(self.db, name=name, slug=slug)


@pytest.fixture
def make_workspace(db: Database) -> WorkspaceFactory:
    return WorkspaceFactory(db)


@pytest.fixture
async def workspace(make_workspace: WorkspaceFactory) -> NewWorkspace:
    return await make_workspace()
