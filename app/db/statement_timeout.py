"""Statement timeout (TICKETGW_STATEMENT_TIMEOUT) and stopping the statement of a cancelled task.

PostgreSQL stops a statement by itself: its `statement_timeout` is sent with every new
connection (no extra round trip). When the task waiting for a statement is cancelled (a client
that went away), asyncpg sends the server a cancel request.

`RunningStatements` covers the rest. It knows which statements of one Database run now, on which
driver connection, since when; a watchdog looks at them a few times a second. SQLite has no
server to stop a statement: one past the timeout is interrupted (`sqlite3_interrupt`, safe from
another thread and a no-op once the statement is done; it then fails with "interrupted"), and so
is one whose waiting task is cancelled, at once. On PostgreSQL the watchdog is the client-side
guard for a server that does not answer at all: a second past the timeout the connection is
closed under the statement, which then fails as a lost connection.

A watchdog, not a timer per statement: a cancelled timer stays in the event loop's heap until
it would have fired, thousands of them a second under load, all for the garbage collector to
walk (the gateway tunes it to run rarely).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Seconds past the server's timeout before the guard gives up on a PostgreSQL server.
CLIENT_GUARD_MARGIN = 1.0
# How often the watchdog looks, at most, and as a share of the timeout.
_MAX_INTERVAL = 0.25
_INTERVAL_SHARE = 0.25


def postgres_server_settings(timeout: float) -> dict[str, str]:
    """The asyncpg `server_settings` for a statement timeout of `timeout` seconds (0 = none)."""
    return {"statement_timeout": str(max(1, round(timeout * 1000)))} if timeout > 0 else {}


class RunningStatements:
    """The statements running now on one Database's connections, and how to stop each."""

    # Interrupt calls in flight: a task nobody holds may be collected before it runs.
    _pending: set[asyncio.Task[Any]] = set()

    def __init__(self, *, sqlite: bool, timeout: float) -> None:
        self.sqlite = sqlite
        self.limit = timeout if sqlite else timeout + CLIENT_GUARD_MARGIN
        self.enabled = sqlite or timeout > 0  # SQLite: a cancelled statement is stopped too
        self._running: dict[int, tuple[float, Any]] = {}  # id(driver) -> (deadline, driver)
        self._watchdog: asyncio.Task[None] | None = None

    def started(self, driver: Any) -> None:
        if self.limit <= 0:
            return
        self._running[id(driver)] = (time.monotonic() + self.limit, driver)
        if self._watchdog is None:
            self._watchdog = asyncio.get_running_loop().create_task(self._watch())

    def finished(self, driver: Any) -> None:
        self._running.pop(id(driver), None)

    def cancelled(self, driver: Any) -> None:
        """The task waiting for the statement was cancelled: stop the statement now."""
        self.finished(driver)
        if self.sqlite:
            self._stop(driver)

    def _stop(self, driver: Any) -> None:
        # aiosqlite's interrupt() calls sqlite3_interrupt directly; asyncpg's terminate()
        # closes the socket, failing the statement waiting on it.
        stop: Callable[[], Any] = driver.interrupt if self.sqlite else driver.terminate
        result = stop()
        if asyncio.iscoroutine(result):
            task = asyncio.get_running_loop().create_task(result)
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def _watch(self) -> None:
        interval = min(_MAX_INTERVAL, self.limit * _INTERVAL_SHARE)
        while True:
            await asyncio.sleep(interval)
            now = time.monotonic()
            overdue = [d for key, (deadline, d) in self._running.items() if deadline < now]
            for driver in overdue:
                self.finished(driver)
                self._stop(driver)

    async def close(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
            self._watchdog = None


def watch_statements(engine: Engine, running: RunningStatements) -> None:
    """Every statement SQLAlchemy runs on `engine`, seen by `running` (the loaders' own
    statements are, by Database.on_read_driver)."""
    if not running.enabled:
        return

    def before(conn: Any, *_args: Any) -> None:
        running.started(conn.connection.driver_connection)

    def after(conn: Any, *_args: Any) -> None:
        running.finished(conn.connection.driver_connection)

    def on_error(context: Any) -> None:
        conn = context.connection
        if conn is None or conn.invalidated:
            return
        driver = conn.connection.driver_connection
        if isinstance(context.original_exception, Exception):
            running.finished(driver)  # it ended, with an error
        else:
            running.cancelled(driver)  # its task was cancelled while it ran

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    event.listen(engine, "handle_error", on_error)
