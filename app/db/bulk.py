"""Many rows into one table, fast: COPY on PostgreSQL, batched executemany on SQLite.

For bulk data that needs no per-row logic in Python (benchmark data, a bulk import's rows once
validated). Values go through the columns' own bind processors, so they are stored exactly as
an ORM or Core insert would store them. Database triggers fire as for any insert: the search
index and the ticket counters stay in step.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Table, insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.engine import Database

SQLITE_BATCH = 5_000


async def insert_values(s: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` in the session's transaction as multi-row `INSERT ... VALUES` statements.

    A plain executemany runs the statement once per row on the server: per-row cost, and a
    statement trigger (the search documents, the counters) fires once per row instead of once
    per batch. With RETURNING, SQLAlchemy's "insertmanyvalues" sends batches of rows per
    statement from one compiled form instead (rows of one batch need the same columns)."""
    by_keys: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
    for row in rows:
        by_keys.setdefault(tuple(row), []).append(row)
    stmt = insert(table).returning(*table.primary_key.columns)
    for same in by_keys.values():
        await s.execute(stmt, [dict(row) for row in same])


def _processed(table: Table, columns: Sequence[str], dialect: Any) -> list[Any]:
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]


async def insert_rows(
    db: Database, table: Table, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]
) -> int:
    """Insert `rows` (each has every name in `columns`) in one transaction; their number."""
    rows = list(rows)
    if not rows:
        return 0
    dialect = db.engine.dialect
    async with db.engine.begin() as conn:
        if dialect.name == "postgresql":
            processors = _processed(table, columns, dialect)
            records = [
                tuple(
                    row[name] if process is None else process(row[name])
                    for name, process in zip(columns, processors, strict=True)
                )
                for row in rows
            ]
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            await driver.copy_records_to_table(table.name, records=records, columns=columns)
        else:
            stmt = insert(table)
            for start in range(0, len(rows), SQLITE_BATCH):
                await conn.execute(stmt, [dict(row) for row in rows[start : start + SQLITE_BATCH]])
    return len(rows)


@asynccontextmanager
async def indexes_deferred(db: Database, names: Iterable[str]) -> AsyncIterator[None]:
    """On PostgreSQL, drop the named indexes for a bulk load and build them again after it:
    building a GIN index once is many times faster than growing it row by row. The
    definitions are read from the database itself, so they are exactly what the migrations
    made. Elsewhere (SQLite) nothing changes."""
    if db.engine.dialect.name != "postgresql":
        yield
        return
    async with db.engine.begin() as conn:
        found = await conn.execute(
            text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(:names)"),
            {"names": list(names)},
        )
        definitions = {name: definition for name, definition in found}
        for name in definitions:
            await conn.execute(text(f'DROP INDEX "{name}"'))
    try:
        yield
    finally:
        async with db.engine.begin() as conn:
            await conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
            for definition in definitions.values():
                await conn.execute(text(definition))
