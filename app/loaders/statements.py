"""A loader's statement, compiled once per dialect and run on the pooled driver connection.

A loader statement never changes between batches: only its bound parameters do. SQLAlchemy's
execution layer (execution context, adapted cursor, greenlet hops, `Row`s) cost about a third
of each loader statement's CPU, so `LoaderStatement` keeps the compiled SQL text and runs it on
the driver connection itself (asyncpg, aiosqlite), applying the same bind and result
processors SQLAlchemy would, so values are exactly what `connection.execute` returns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Select

from app.db.engine import Database, count_statement
from app.loaders.base import record_type, records

Processor = Callable[[Any], Any]


async def _asyncpg_rows(driver: Any, sql: str, args: list[Any]) -> Sequence[Any]:
    return await driver.fetch(sql, *args)


async def _aiosqlite_rows(driver: Any, sql: str, args: list[Any]) -> Sequence[Any]:
    async with driver.execute(sql, args) as cursor:
        return await cursor.fetchall()


_DRIVERS = {"asyncpg": _asyncpg_rows, "aiosqlite": _aiosqlite_rows}


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # One (name, value if not passed, bind processor) per placeholder, in order.
    binds: tuple[tuple[str, Any, Processor | None], ...]
    make: Callable[[Any], Any]
    results: tuple[tuple[int, Processor], ...]

    def args(self, params: dict[str, Any]) -> list[Any]:
        values = []
        for name, default, process in self.binds:
            value = params.get(name, default)
            values.append(value if process is None else process(value))
        return values

    def record(self, row: Any) -> Any:
        if not self.results:
            return self.make(row)
        values = list(row)
        for index, process in self.results:
            values[index] = process(values[index])
        return self.make(values)


def _compile(stmt: Select[*tuple[Any, ...]], dialect: Dialect) -> _Compiled | None:
    """None when the SQL text depends on the values (an expanding IN): SQLAlchemy runs those."""
    compiled = stmt.compile(dialect=dialect)
    if compiled.post_compile_params or compiled.literal_execute_params:
        return None
    binds = []
    for name in compiled.positiontup or ():
        bind = compiled.binds[name]
        impl = bind.type.dialect_impl(dialect)
        binds.append((name, None if bind.required else bind.value, impl.bind_processor(dialect)))
    results = []
    for index, column in enumerate(stmt.selected_columns):
        process = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if process is not None:
            results.append((index, process))
    make = record_type(tuple(stmt.selected_columns.keys()))._make
    return _Compiled(compiled.string, tuple(binds), make, tuple(results))


class LoaderStatement:
    """One loader query; every value it varies on is a bound parameter."""

    def __init__(self, stmt: Select[*tuple[Any, ...]], *, planned: bool = False) -> None:
        """`planned`: the best plan depends on the values bound (see
        Database.on_planned_read_driver); otherwise one generic plan serves every execution."""
        self.stmt = stmt
        self.planned = planned
        self._compiled: dict[str, _Compiled | None] = {}

    def compiled(self, dialect: Dialect) -> _Compiled | None:
        key = f"{dialect.name}+{dialect.driver}"
        if key not in self._compiled:
            fast = dialect.driver in _DRIVERS and dialect.paramstyle in ("numeric_dollar", "qmark")
            self._compiled[key] = _compile(self.stmt, dialect) if fast else None
        return self._compiled[key]

    async def rows(self, db: Database, params: dict[str, Any]) -> list[Any]:
        """The rows as records (see app.loaders.base.records)."""
        dialect = db.engine.dialect
        compiled = self.compiled(dialect)
        if compiled is None:
            async with db.read_connection() as connection:
                return records(await connection.execute(self.stmt, params))
        args = compiled.args(params)
        run = _DRIVERS[dialect.driver]
        count_statement()
        on_driver = db.on_planned_read_driver if self.planned else db.on_read_driver
        rows = await on_driver(lambda driver: run(driver, compiled.sql, args))
        return [compiled.record(row) for row in rows]
