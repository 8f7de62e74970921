"""Many rows into one table, fast: COPY on PostgreSQL, batched executemany on SQLite.

For bulk data that needs no per-row logic in Python (benchmark data, a bulk import's rows once
validated). Values go through the columns' own bind processors, so they are stored exactly as
an ORM or Core insert would store them. Database triggers fire as for any insert: the search
index and the ticket counters stay in step.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, Table, insert, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.db.engine import Database

SQLITE_BATCH = 5_000


def _processed(table: Table, columns: Sequence[str], dialect: Any) -> list[Any]:
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]


# orjson refuses, rather than writes differently from `json.dumps`, these (and integers past
# 64 bits, lone surrogates, keys that are not strings): they keep the standard library.
_REFUSE_WHAT_JSON_WOULD_NOT_WRITE_THE_SAME = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def _jsonb_processor(standard: Any) -> Any:
    """PostgreSQL's JSONB columns: an object or a list through orjson (~7 µs for a vendor
    ticket's raw payload, `json.dumps` ~50), anything else or refused through the column's own
    processor. JSONB parses the text, so only the content counts: spacing and escapes differ,
    the stored values do not. A NaN must still fail as `json.dumps`'s `NaN` makes it fail
    (orjson would write `null`): the file reader decodes NaN and Infinity as a float
    subclass, which orjson refuses (jsonstream.NonFinite)."""

    def process(value: Any) -> Any:
        if type(value) is dict or type(value) is list:
            try:
                return orjson.dumps(
                    value, option=_REFUSE_WHAT_JSON_WOULD_NOT_WRITE_THE_SAME
                ).decode()
            except orjson.JSONEncodeError:
                pass
        return standard(value)

    return process


def _fast_processors(table: Table, columns: Sequence[str], dialect: Any) -> list[Any]:
    """The columns' bind processors, JSONB ones (PostgreSQL) through `_jsonb_processor`."""
    processors = _processed(table, columns, dialect)
    if dialect.name != "postgresql":
        return processors
    return [
        _jsonb_processor(process)
        if process is not None and isinstance(table.c[name].type.dialect_impl(dialect), JSON)
        else process
        for name, process in zip(columns, processors, strict=True)
    ]


def _convert(process: Any, values: list[Any]) -> list[Any]:
    """A column's values through its bind processor; None converted once (a JSON column's
    `null`, which most of them are, dumped once per batch rather than once per row)."""
    none = process(None)
    return [none if value is None else process(value) for value in values]


def _column_default(table: Table, name: str) -> Any:
    """What a Core INSERT would bind for a column missing from the row: its Python default
    (called per row when callable), else None (the server's own default, if any, is COPY's)."""
    default: Any = table.c[name].default
    if default is None:
        return None
    if default.is_callable:  # wrapped by SQLAlchemy to take the execution context
        return lambda: default.arg(None)
    if default.is_scalar:
        return lambda: default.arg
    return None


def is_postgres(s: AsyncSession) -> bool:
    return bool(s.get_bind().dialect.name == "postgresql")


def _pick(rows: Sequence[Mapping[str, Any]]) -> tuple[list[tuple[Any, ...]], list[str]]:
    """Each row's values in one order of names: the first row's, when every row has the same
    names (the usual batch: one itemgetter per row), else all the names met (None where a
    row has none)."""
    named = list(rows[0])
    if all(len(row) == len(named) for row in rows):
        pick = itemgetter(*named)
        try:
            if len(named) == 1:
                return [(pick(row),) for row in rows], named
            return [pick(row) for row in rows], named
        except KeyError:  # same number of names, not the same names
            pass
    named = list(dict.fromkeys(name for row in rows for name in row))
    return [tuple(row.get(name) for name in named) for row in rows], named


def _records(
    table: Table, rows: Sequence[Mapping[str, Any]], dialect: Any
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The columns to write and each row's values for them, through the columns' bind
    processors, as a Core INSERT would bind them. The table's columns that no row names get
    their Python defaults (called per row when callable)."""
    picked, named = _pick(rows)
    missing = [
        (c.name, _column_default(table, c.name))
        for c in table.columns
        if c.name not in named and not c.primary_key
    ]
    filled = [(name, make) for name, make in missing if make is not None]
    columns = named + [name for name, _ in filled]
    processors = _fast_processors(table, columns, dialect)
    # Column by column: each processor runs over a list, and most columns have none.
    values: list[list[Any]] = [list(column) for column in zip(*picked, strict=True)]
    values += [[make() for _ in rows] for _, make in filled]
    for n, process in enumerate(processors):
        if process is not None:
            values[n] = _convert(process, values[n])
    return columns, list(zip(*values, strict=True))


# SQLite's limit on parameters per statement (SQLITE_MAX_VARIABLE_NUMBER since 3.32).
SQLITE_MAX_PARAMETERS = 32_766


async def insert_in_session(
    s: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert `rows` in the session's transaction, each value converted here once by its
    column's bind processor (stored exactly as an INSERT stores it), with no compiled
    statement binding every parameter: a binary COPY on PostgreSQL (insert triggers fire for
    it as for an INSERT: statement triggers once, with the whole transition table), multi-row
    INSERTs of the driver's own parameters on SQLite. Pending ORM changes are flushed first:
    neither autoflushes."""
    await insert_converted(s, convert(s, table, rows))


def start_insert(
    s: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]
) -> asyncio.Future[None]:
    """`insert_in_session`, begun: on PostgreSQL the COPY is stored by the server while the
    caller goes on with work of its own (the client's and the server's work overlap). Await it
    before the session's next statement; the session is not to be used until then."""
    return asyncio.ensure_future(insert_in_session(s, table, rows))


@dataclass(frozen=True)
class Converted:
    """Rows of one table through its columns' bind processors: what `insert_converted` sends."""

    table: Table
    columns: list[str]
    records: list[tuple[Any, ...]]


def convert(s: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]) -> Converted:
    """The conversion half of `insert_in_session`: Python work only, the session's connection
    is not used (so it can run while an earlier statement of the session is in the server)."""
    columns, records = _records(table, rows, s.get_bind().dialect) if rows else ([], [])
    return Converted(table, columns, records)


async def insert_converted(s: AsyncSession, rows: Converted) -> None:
    """The sending half of `insert_in_session`."""
    if not rows.records:
        return
    await s.flush()
    conn = await s.connection()
    table, columns, records = rows.table, rows.columns, rows.records
    if conn.dialect.name == "postgresql":
        await _copy(conn, table, columns, records)
        return
    quote = conn.dialect.identifier_preparer.quote
    head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in columns)}) VALUES "
    row_marks = f"({', '.join('?' for _ in columns)})"
    per_statement = max(1, SQLITE_MAX_PARAMETERS // len(columns))
    for start in range(0, len(records), per_statement):
        chunk = records[start : start + per_statement]
        flat = tuple(chain.from_iterable(chunk))
        await conn.exec_driver_sql(head + ", ".join([row_marks] * len(chunk)), flat)


async def _copy(
    conn: AsyncConnection, table: Table, columns: Sequence[str], records: list[tuple[Any, ...]]
) -> None:
    """PostgreSQL: a binary COPY of converted values, on the connection's own driver."""
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None  # an open connection always has its driver's
    await driver.copy_records_to_table(table.name, records=records, columns=columns)


async def reserve_ids(s: AsyncSession, table: Table, count: int) -> list[int]:
    """PostgreSQL: `count` new ids from the table's id sequence (for rows COPY will insert)."""
    stmt = text(
        "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"
    )
    result = await s.execute(stmt, {"table": table.name, "count": count})
    # Ascending, so the rows keep ids in the order they come (as a multi-row INSERT gave them).
    return sorted(int(ident) for ident in result.scalars())


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
            await _copy(conn, table, columns, records)
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
