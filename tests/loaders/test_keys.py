"""KeysIn: a batch's keys as one parameter on PostgreSQL and SQLite, an expanding IN elsewhere."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import mysql, sqlite
from sqlalchemy.dialects.postgresql import asyncpg

from app.db import User, table_of
from app.db.engine import StatementCounter, statement_counter
from app.loaders import Loaders
from app.loaders.keys import KeysIn
from tests.factories import Factory

pytestmark = pytest.mark.anyio

_user = table_of(User)
_BY_KEYS = select(_user.c.id).where(KeysIn(_user.c.id, "keys"))


def test_postgresql_binds_the_keys_as_one_array():
    sql = str(_BY_KEYS.compile(dialect=asyncpg.dialect()))
    assert sql.endswith("WHERE app_user.id = ANY ($1::INTEGER[])")


def test_sqlite_binds_the_keys_as_one_json_array():
    sql = str(_BY_KEYS.compile(dialect=sqlite.dialect()))
    assert sql.endswith("WHERE app_user.id IN (SELECT value FROM json_each(?))")


def test_other_databases_expand_the_keys_into_in():
    sql = str(_BY_KEYS.compile(dialect=mysql.dialect()))
    assert sql.endswith("WHERE app_user.id IN (__[POSTCOMPILE_keys])")


async def test_many_keys_in_one_statement_keep_order_and_misses(db, workspace):
    f = Factory(db, workspace.workspace.id)
    users = [await f.user(f"u{i}") for i in range(3)]
    wanted = [users[2].id, *range(10**6, 10**6 + 2000), users[0].id]
    loaders = Loaders.for_workspace(db, workspace.workspace.id)

    counter = StatementCounter()
    token = statement_counter.set(counter)
    try:
        rows = await loaders.user.load_many(wanted)
    finally:
        statement_counter.reset(token)

    assert [rows[0].name, rows[-1].name] == ["u2", "u0"]
    assert rows[1:-1] == [None] * 2000
    assert counter.count == 1


async def test_key_lists_of_changing_length_read_the_right_rows(db, workspace):
    f = Factory(db, workspace.workspace.id)
    ids = [(await f.user(f"u{i}")).id for i in range(4)]
    loaders = Loaders.for_workspace(db, workspace.workspace.id)
    for length in (1, 4, 2, 4, 1):
        rows = await loaders.user.batch_load_fn(ids[:length])
        assert [row.id for row in rows] == ids[:length]


async def test_no_keys_read_nothing(db, workspace):
    loaders = Loaders.for_workspace(db, workspace.workspace.id)
    assert await loaders.user.batch_load_fn([]) == []
    assert await loaders.labels.batch_load_fn([]) == []
    assert await loaders.queue_position.batch_load_fn([]) == []
    async with db.read_connection() as connection:
        assert (await connection.execute(_BY_KEYS, {"keys": []})).all() == []
