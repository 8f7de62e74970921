"""A database that refuses every statement, as if its server were gone, for tests that run on
the suite's own database (SQLite or PostgreSQL) instead of stopping a cluster of their own.

The failure is the driver's own kind (ConnectionRefusedError, what asyncpg raises when nothing
listens) raised where the driver would raise it: in the loaders' driver calls and in every
statement SQLAlchemy runs. What the gateway makes of it goes through the same boundary as a
real outage (app/outages.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event

from app.db.engine import Database
from app.loaders import statements


def refused() -> ConnectionRefusedError:
    return ConnectionRefusedError(111, "Connect call failed")


class RefusingDatabase:
    """`failures` statements fail (all of them with the default), then the database is back.
    Set `failures` to 0 to bring it back at once."""

    def __init__(
        self, monkeypatch: pytest.MonkeyPatch, db: Database | None = None, failures: float = 0
    ) -> None:
        self.failures = failures
        self.refused = 0
        for name, run in list(statements._DRIVERS.items()):
            monkeypatch.setitem(statements._DRIVERS, name, self._wrap(run))
        # Statements through SQLAlchemy (sessions, transactions) of `db`, until remove().
        self._engine = db.engine.sync_engine if db is not None else None
        if self._engine is not None:
            event.listen(self._engine, "before_cursor_execute", self._before_cursor_execute)

    def down(self) -> None:
        self.failures = float("inf")

    def up(self) -> None:
        self.failures = 0

    def _refuse(self) -> None:
        if self.refused < self.failures:
            self.refused += 1
            raise refused()

    def _wrap(self, run: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def refusing(driver: Any, sql: str, args: list[Any]) -> Any:
            self._refuse()
            return await run(driver, sql, args)

        return refusing

    def _before_cursor_execute(self, *_args: Any) -> None:
        self._refuse()

    def remove(self) -> None:
        if self._engine is not None:
            event.remove(self._engine, "before_cursor_execute", self._before_cursor_execute)


@pytest.fixture
def refusing_db(monkeypatch: pytest.MonkeyPatch, app: Any) -> Iterator[RefusingDatabase]:
    """The `app` fixture's database, up until the test calls down()."""
    refusing = RefusingDatabase(monkeypatch, app.state.env.db)
    try:
        yield refusing
    finally:
        refusing.remove()
