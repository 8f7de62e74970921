"""The one place that knows which driver errors mean "a dependency is down or too slow".

asyncpg, SQLAlchemy, sqlite3 (aiosqlite) and redis each say it their own way: a refused or
reset socket, a connection the server closed, a SQLSTATE of the connection or shutdown classes,
a cancelled statement, an exhausted pool. `unavailable_from` maps every such error to the
domain's `Unavailable` (SERVICE_UNAVAILABLE, or TIMEOUT for a statement that ran too long);
`translated()` and `Translating` re-raise them so at the boundary: app.db.engine.Database wraps
every read and write in them. Above it nothing catches a driver exception by type.

A driver's module is looked at only when it is loaded (`sys.modules`): one that was never
imported cannot have raised anything.
"""

from __future__ import annotations

import sys
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Generic, TypeVar

from app.domain.errors import Unavailable, service_unavailable, statement_timeout

T = TypeVar("T")

# SQLSTATE classes and codes (asyncpg's errors and SQLAlchemy's adapted ones carry `sqlstate`).
_UNAVAILABLE_CLASSES = ("08", "53")  # connection exception, insufficient resources
_UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03"})  # admin/crash shutdown, starting
_CANCELLED_STATE = "57014"  # query_canceled: statement_timeout, or a cancel request
# sqlite3.OperationalError texts that are about the file or a lock, not about the statement.
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open", "disk i/o error", "disk is full")
_SQLITE_INTERRUPTED = "interrupted"  # stopped by app/db/statement_timeout.py


def unavailable_from(error: BaseException) -> Unavailable | None:
    """The Unavailable that `error` (or an error it was raised from) means, else None."""
    seen = 0
    current: BaseException | None = error
    while current is not None and seen < 8:
        found = current if isinstance(current, Unavailable) else _classify(current)
        if found is not None:
            return found
        # SQLAlchemy keeps the driver's error in `orig` (and raises from it); adapters chain.
        current = getattr(current, "orig", None) or current.__cause__
        seen += 1
    return None


class _Translated:
    """`with translated():` re-raises a dependency failure in the block as Unavailable (from the
    original). A class, not a generator: it wraps every read, ~0.3 us instead of ~1.5."""

    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if isinstance(error, Exception) and not isinstance(error, Unavailable):
            unavailable = unavailable_from(error)
            if unavailable is not None:
                raise unavailable from error


_TRANSLATED = _Translated()


def translated() -> _Translated:
    return _TRANSLATED


class Translating(Generic[T]):
    """An async context manager (a session, a connection) whose failures, in the block or in
    its own enter and exit, leave as Unavailable when they are one."""

    __slots__ = ("_inner",)

    def __init__(self, inner: AbstractAsyncContextManager[T]) -> None:
        self._inner = inner

    async def __aenter__(self) -> T:
        with _TRANSLATED:
            return await self._inner.__aenter__()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool | None:
        with _TRANSLATED:
            suppressed = await self._inner.__aexit__(kind, error, traceback)
        if not suppressed:
            _TRANSLATED.__exit__(kind, error, traceback)  # the block's own error
        return suppressed


def _classify(error: BaseException) -> Unavailable | None:
    if isinstance(error, OSError):  # refused, reset, unreachable, timed out connecting
        return service_unavailable()
    sqlstate = getattr(error, "sqlstate", None)
    if isinstance(sqlstate, str):
        if sqlstate == _CANCELLED_STATE:
            return statement_timeout()
        if sqlstate[:2] in _UNAVAILABLE_CLASSES or sqlstate in _UNAVAILABLE_STATES:
            return service_unavailable()
    if _lost_connection(error):
        return service_unavailable()
    if _is_sqlite_operational(error):
        text = str(error).lower()
        if text.startswith(_SQLITE_INTERRUPTED):
            return statement_timeout()
        if any(part in text for part in _SQLITE_UNAVAILABLE):
            return service_unavailable()
    return None


def _lost_connection(error: BaseException) -> bool:
    """A connection that died under us (asyncpg, SQLAlchemy's disconnect detection, redis)."""
    if getattr(error, "connection_invalidated", False):  # SQLAlchemy saw a disconnect
        return True
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
    if sqlalchemy_exc is not None and isinstance(error, sqlalchemy_exc.TimeoutError):
        return True  # no pooled connection came free in time: overloaded
    asyncpg = sys.modules.get("asyncpg")
    if asyncpg is not None:
        if isinstance(error, asyncpg.ConnectionDoesNotExistError):
            return True
        if isinstance(error, asyncpg.InterfaceError) and "closed" in str(error):
            return True  # "connection is closed": used after the server ended it
        if isinstance(error, asyncpg.InternalClientError):
            # The protocol is stuck: seen when a statement starts just as the server's
            # "terminating connection" arrives, before asyncpg has seen the socket close.
            return True
    redis_exc = sys.modules.get("redis.exceptions")
    return redis_exc is not None and isinstance(
        error, (redis_exc.ConnectionError, redis_exc.TimeoutError)
    )


def _is_sqlite_operational(error: BaseException) -> bool:
    sqlite3 = sys.modules.get("sqlite3")
    return sqlite3 is not None and isinstance(error, sqlite3.OperationalError)
