"""The engine, read sessions and connections, write transactions, and the per-request SQL statement
counter."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import await_only, greenlet_spawn

from app.config import normalize_database_url
from app.db.readers import Readers
from app.db.statement_timeout import RunningStatements, postgres_server_settings, watch_statements
from app.outages import Translating, translated

T = TypeVar("T")


@dataclass
class StatementCounter:
    count: int = 0


# Set by whoever wants to know how many statements a unit of work ran (requests, tests, bench).
statement_counter: ContextVar[StatementCounter | None] = ContextVar(
    "statement_counter", default=None
)


# Kept connections for value-planned reads (see Database.on_planned_read_driver).
PLANNED_READERS = 4


async def _plan_each_execution(driver: Any) -> None:
    await driver.execute("SET plan_cache_mode = force_custom_plan")


def count_statement() -> None:
    """Count one statement; for those run on the driver connection, past SQLAlchemy's events."""
    counter = statement_counter.get()
    if counter is not None:
        counter.count += 1


def _count_statement(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
    if not statement.startswith("BEGIN"):
        count_statement()


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # We emit BEGIN ourselves (see _sqlite_on_begin); WAL lets readers run beside one writer.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA busy_timeout=30000",
        "PRAGMA foreign_keys=ON",
        "PRAGMA synchronous=NORMAL",
    ):
        cursor.execute(pragma)
    cursor.close()


def _drop_closed_on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    # A connection the server closed while it sat in the pool (a restart, an outage): asyncpg
    # knows without a round trip. SQLAlchemy then opens a new one for the caller, so the
    # first request after the database is back does not fail on a dead connection.
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("connection closed by the server")


def _sqlite_on_begin(conn: Any) -> None:
    # Writers take the write lock up front, so two writers queue instead of deadlocking on upgrade.
    immediate = conn.get_execution_options().get("ticketgw_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """Owns the engine. Reads and writes use separate session factories.

    The boundary to the database: whatever fails in a read or a write because the database is
    down or too slow leaves it as the domain's Unavailable (app/outages.py). Statements stop
    after `statement_timeout` seconds (0 = never; app/db/statement_timeout.py).
    """

    def __init__(
        self, url: str, *, echo: bool = False, pool_size: int = 16, statement_timeout: float = 0.0
    ) -> None:
        self.url = normalize_database_url(url)
        kwargs: dict[str, Any] = {"echo": echo}
        if not self.is_sqlite:
            # No overflow: under load, overflow connections were opened (TLS attempt, new
            # backend, statements prepared again) and closed on almost every request.
            kwargs.update(pool_size=pool_size, max_overflow=0, pool_pre_ping=False)
            # Every statement is prepared once per connection (asyncpg's cache). By default
            # PostgreSQL still plans it again at each execution (a custom plan for the values):
            # for the loaders' short lookups by key, planning cost 3-5x the execution, ~0.1 ms
            # a statement, 2.4x the server CPU of the same reads with one generic plan each.
            server_settings = {
                "plan_cache_mode": "force_generic_plan",
                **postgres_server_settings(statement_timeout),
            }
            kwargs["connect_args"] = {"server_settings": server_settings}
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        sync_engine = self.engine.sync_engine
        event.listen(sync_engine, "before_cursor_execute", _count_statement)
        if self.engine.dialect.driver == "asyncpg":
            event.listen(sync_engine, "checkout", _drop_closed_on_checkout)
        if self.is_sqlite:
            event.listen(sync_engine, "connect", _sqlite_on_connect)
            event.listen(sync_engine, "begin", _sqlite_on_begin)
        self._statements = RunningStatements(sqlite=self.is_sqlite, timeout=statement_timeout)
        watch_statements(sync_engine, self._statements)
        # PostgreSQL reads run in autocommit: no BEGIN and ROLLBACK round trips around each
        # loader's one statement. Under READ COMMITTED every statement takes its own snapshot
        # anyway, so no read loses consistency it had. (SQLite keeps its read transactions.)
        self._reads = (
            self.engine
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self._read = async_sessionmaker(self._reads, expire_on_commit=False, autoflush=False)
        # A read of several statements that must agree with each other (a board: its called
        # and waiting lists) runs in one snapshot: on PostgreSQL a REPEATABLE READ, READ ONLY
        # transaction; SQLite's read transaction already is one (WAL, from its first read).
        snapshots = (
            self.engine
            if self.is_sqlite
            else self.engine.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        )
        self._snapshot = async_sessionmaker(snapshots, expire_on_commit=False, autoflush=False)
        # PostgreSQL: the loaders' statements run on connections kept apart (app/db/readers.py).
        asyncpg = self.engine.dialect.driver == "asyncpg"
        pool = self.engine.sync_engine.pool
        self._readers = Readers(pool, pool_size) if asyncpg else None
        # ...and statements whose best plan depends on the values (a ticket list filtered by a
        # rare origin, a label, a search) on a few planned for each execution: one generic
        # plan for them walked a million tickets to find none.
        self._planned_readers = (
            Readers(pool, PLANNED_READERS, setup=_plan_each_execution) if asyncpg else None
        )
        self._write = async_sessionmaker(
            self.engine.execution_options(ticketgw_write=True), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def dialect(self) -> str:
        return "sqlite" if self.is_sqlite else "postgresql"

    def read_session(self) -> Translating[AsyncSession]:
        """A short session for reads (`async with`); loaders open one per batch."""
        return Translating(self._read())

    def snapshot_session(self) -> Translating[AsyncSession]:
        """A read session whose statements all see the database as of one moment (`async
        with`): for reads of several statements that must not straddle a commit."""
        return Translating(self._snapshot())

    def read_connection(self) -> Translating[AsyncConnection]:
        """A connection for one Core read, without an ORM session (loaders: one per batch)."""
        return Translating(self._reads.connect())

    async def on_read_driver(self, call: Callable[[Any], Awaitable[T]]) -> T:
        """`call(driver connection)` on a read connection: on PostgreSQL one kept for reads
        (app/db/readers.py), elsewhere one from the engine's pool, taken and returned in one
        hop into SQLAlchemy's greenlet. A failed or cancelled call drops the connection: its
        state is unknown, as SQLAlchemy does after a disconnect."""
        if self._statements.enabled:
            call = self._watched(call)
        with translated():
            if self._readers is not None:
                return await self._readers.run(call)
            return await greenlet_spawn(self._on_read_driver, call)

    def _watched(self, call: Callable[[Any], Awaitable[T]]) -> Callable[[Any], Awaitable[T]]:
        """`call`, seen by the statement timeout (app/db/statement_timeout.py)."""
        statements = self._statements

        async def watched(driver: Any) -> T:
            statements.started(driver)
            try:
                return await call(driver)
            except BaseException as error:
                if not isinstance(error, Exception):
                    statements.cancelled(driver)  # cancelled while it runs: stop it now
                raise
            finally:
                statements.finished(driver)

        return watched

    async def on_planned_read_driver(self, call: Callable[[Any], Awaitable[T]]) -> T:
        """As on_read_driver, on a connection where PostgreSQL plans every execution for its
        values (plan_cache_mode = force_custom_plan): for the few statements whose best plan
        depends on them. ~0.3 ms of planning each, against seconds for a wrong plan."""
        if self._planned_readers is None:
            return await self.on_read_driver(call)
        if self._statements.enabled:
            call = self._watched(call)
        with translated():
            return await self._planned_readers.run(call)

    def _on_read_driver(self, call: Callable[[Any], Awaitable[T]]) -> T:
        # Straight from the pool: no Connection object, whose checkout and return set and
        # reset the read isolation level (AUTOCOMMIT) through events, ~75% of this hop's CPU.
        # The driver runs each statement in autocommit by itself (no BEGIN is sent).
        pooled = self.engine.sync_engine.pool.connect()
        try:
            return await_only(call(pooled.driver_connection))
        except BaseException:
            pooled.invalidate()
            raise
        finally:
            pooled.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A write transaction: commits on success, rolls back on any exception."""
        with translated():
            async with self._write() as session, session.begin():
                yield session

    async def dispose(self) -> None:
        await self._statements.close()
        for readers in (self._readers, self._planned_readers):
            if readers is not None:
                await readers.close()
        await self.engine.dispose()
