"""Driver connections kept for the loaders' reads on PostgreSQL.

Taking a connection from SQLAlchemy's pool for each statement and giving it back costs a hop
into a new greenlet and the pool's checkout and checkin (events, reset): ~11% of a single
ticket's CPU, for five statements. Here each connection is taken from the engine's pool once,
with everything SQLAlchemy sets up on connect (type codecs, server settings), and detached
from it: a read pops one from a list and pushes it back. Up to `size` are kept; a read that
finds none free waits for one. A failed or cancelled call drops its connection (its state is
unknown, as SQLAlchemy does after a disconnect); the next read opens another. A read whose
connection the server closed runs once more on a new one.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.pool import Pool
from sqlalchemy.util import greenlet_spawn

T = TypeVar("T")


@dataclass
class _Kept:
    pooled: Any  # SQLAlchemy's pooled connection, detached from the pool
    driver: Any  # its driver connection (asyncpg's)
    closed_by_server: bool = False


class Readers:
    def __init__(
        self,
        pool: Pool,
        size: int,
        setup: Callable[[Any], Awaitable[None]] | None = None,
    ) -> None:
        """`setup(driver connection)` runs once on each connection this keeps (a session
        setting, say) before its first read."""
        self._pool, self.size, self._setup = pool, size, setup
        self._idle: list[_Kept] = []
        self._open = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def run(self, call: Callable[[Any], Awaitable[T]]) -> T:
        """`call(driver connection)` on a kept connection. `call` only reads: when the server
        has closed the connection (a restart, an idle timeout), it runs once more on a new
        one, and the idle ones, likely closed as well, are dropped."""
        kept = self._idle.pop() if self._idle else await self._take()
        try:
            return await self._call(kept, call)
        except Exception:
            if not kept.closed_by_server:
                raise
        await self.close()  # the idle ones were likely closed with it
        return await self._call(await self._take(), call)

    async def _call(self, kept: _Kept, call: Callable[[Any], Awaitable[T]]) -> T:
        try:
            result = await call(kept.driver)
        except BaseException:
            kept.closed_by_server = kept.driver.is_closed()  # before we close it
            await self._drop(kept)
            raise
        self._idle.append(kept)
        self._wake()
        return result

    async def _drop(self, kept: _Kept) -> None:
        self._open -= 1
        self._wake()
        await greenlet_spawn(kept.pooled.close)  # detached: closing closes it

    async def _take(self) -> _Kept:
        while not self._idle:
            if self._open < self.size:
                self._open += 1
                try:
                    kept: _Kept = await greenlet_spawn(self._detached)
                except BaseException:
                    self._open -= 1
                    self._wake()
                    raise
                if self._setup is not None:
                    try:
                        await self._setup(kept.driver)
                    except BaseException:
                        await self._drop(kept)
                        raise
                return kept
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._wake()  # woken and cancelled at once: pass the turn on
                raise
        return self._idle.pop()

    def _detached(self) -> _Kept:
        pooled = self._pool.connect()
        pooled.detach()  # the engine's pool no longer counts it: writes keep their connections
        dbapi = pooled.dbapi_connection  # (the fairy's own driver_connection is None once detached)
        if dbapi is None:  # only once closed, and it was opened just now
            raise RuntimeError("A pooled connection closed as it was detached")
        return _Kept(pooled, dbapi.driver_connection)

    def _wake(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def close(self) -> None:
        """Close the idle connections (at shutdown, when no read runs)."""
        while self._idle:
            await self._drop(self._idle.pop())
