"""Migration 0017 on PostgreSQL: a role that may not add pg_trgm is stopped and told what to run."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from app.db.schema_setup import migrate
from tests.conftest import _create_postgres_database, _drop_postgres_database


def test_a_role_that_may_not_create_the_extension_is_told_what_to_run(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (the PostgreSQL run checks it)")
    # given: a database where a role may create tables but not extensions
    name, role = f"ticketgw_ext_{uuid.uuid4().hex[:8]}", f"ticketgw_noext_{uuid.uuid4().hex[:8]}"
    url = _create_postgres_database(database_url, name)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")

    async def setup(*statements: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(setup(f"CREATE ROLE {role} LOGIN", f"GRANT CREATE ON SCHEMA public TO {role}"))
    try:
        # when: that role migrates
        as_role = url.replace("://postgres@", f"://{role}@")
        with pytest.raises(RuntimeError) as refused:
            migrate(as_role)
        # then: the message names the extension, the database and the fix
        message = str(refused.value)
        assert f"needs the PostgreSQL extension pg_trgm in database {name!r}" in message
        assert "Run `CREATE EXTENSION pg_trgm;` in it as a superuser" in message
        assert "then run `ticketgw migrate` again" in message
        # and after the operator has done so, the same role migrates
        asyncio.run(setup("CREATE EXTENSION pg_trgm"))
        migrate(as_role)
    finally:
        _drop_postgres_database(url)
        asyncio.run(_drop_role(database_url, role))


async def _drop_role(database_url: str, role: str) -> None:
    root = database_url.replace("postgresql+asyncpg://", "postgresql://").rpartition("/")[0]
    conn = await asyncpg.connect(f"{root}/postgres")
    try:
        await conn.execute(f"DROP ROLE IF EXISTS {role}")
    finally:
        await conn.close()
