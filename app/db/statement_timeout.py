"""Statement timeout (TICKETGW_STATEMENT_TIMEOUT) and stopping the statement of a cancelled task.

PostgreSQL: the server's own `statement_timeout`, sent with every new connection (no extra
round trip), and asyncpg's `command_timeout` a second later as the client-side guard for a
server that does not answer at all. A task cancelled while asyncpg waits (a client that went
away) makes asyncpg send a cancel request for the running statement by itself.

SQLite: a statement has no server to stop it. Each connection gets a `SqliteStatementWatch`:
started when a statement is sent to aiosqlite's thread, finished when it returns; if the
timeout passes first, or the task waiting for it is cancelled, it interrupts the connection
(`sqlite3_interrupt`, safe from another thread and a no-op when nothing runs), and the
statement fails with "interrupted". A timer on the event loop, not a progress handler: the
handler would need the GIL every few thousand VM steps, from the database thread.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Seconds asyncpg waits past the server's timeout before it gives up on the server itself.
CLIENT_GUARD_MARGIN = 1.0
_WATCH = "ticketgw_statement_watch"  # key in a pooled connection's `info`


def postgres_connect_args(timeout: float) -> dict[str, Any]:
    """asyncpg connect() arguments for a statement timeout of `timeout` seconds (0 = none)."""
    if timeout <= 0:
        return {}
    return {
        "server_settings": {"statement_timeout": str(max(1, round(timeout * 1000)))},
        "command_timeout": timeout + CLIENT_GUARD_MARGIN,
    }


class SqliteStatementWatch:
    """Interrupts one SQLite connection's running statement past the timeout, or on demand."""

    # Interrupt calls in flight: a task nobody holds may be collected before it runs.
    _pending: set[asyncio.Task[None]] = set()

    def __init__(self, driver_connection: Any, timeout: float) -> None:
        self._driver = driver_connection  # aiosqlite.Connection
        self.timeout = timeout
        self._timer: asyncio.TimerHandle | None = None

    def start(self) -> None:
        self.finish()
        if self.timeout > 0:
            self._timer = asyncio.get_running_loop().call_later(self.timeout, self.interrupt)

    def finish(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def interrupt(self) -> None:
        self.finish()
        task = asyncio.get_running_loop().create_task(self._driver.interrupt())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)


def sqlite_watch(pooled: Any) -> SqliteStatementWatch | None:
    """The watch of a pooled SQLite connection (SQLAlchemy's connection record keeps it)."""
    return pooled.info.get(_WATCH)  # type: ignore[no-any-return]


def watch_sqlite_statements(engine: Engine, timeout: float) -> None:
    """Give every connection of a SQLite engine a watch, run around each statement."""

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        record.info[_WATCH] = SqliteStatementWatch(dbapi_connection.driver_connection, timeout)

    def before(conn: Any, *_args: Any) -> None:
        watch = sqlite_watch(conn.connection)
        if watch is not None:
            watch.start()

    def after(conn: Any, *_args: Any) -> None:
        watch = sqlite_watch(conn.connection)
        if watch is not None:
            watch.finish()

    def on_error(context: Any) -> None:
        conn = context.connection
        watch = None if conn is None or conn.invalidated else sqlite_watch(conn.connection)
        if watch is None:
            return
        if isinstance(context.original_exception, Exception):
            watch.finish()  # the statement ended (with an error)
        else:
            watch.interrupt()  # cancelled while it runs: stop it now

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    event.listen(engine, "handle_error", on_error)
