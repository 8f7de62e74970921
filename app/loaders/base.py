"""The base of every loader: bound to one workspace, one short read session per batch.

Loaders return plain records (named tuples: attribute access by column name), not ORM objects
and not SQLAlchemy `Row`s: building ORM instances was the main cost of a 50-ticket page in the
spike, and a `Row` answers every missing attribute (GraphQL asks each value for `__await__`)
through a Python-level key lookup and exception, ~900 times per dashboard page.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import Row

from app.db.engine import Database

if TYPE_CHECKING:
    from app.loaders.statements import LoaderStatement

K = TypeVar("K")
V = TypeVar("V")


NOT_LOADED: Any = object()


class WorkspaceLoader(DataLoader[K, V], Generic[K, V]):
    """A DataLoader that only ever sees rows of `workspace_id`."""

    def __init__(self, db: Database, workspace_id: int, *, shared: bool = False) -> None:
        super().__init__()
        self.db = db
        self.workspace_id = workspace_id
        # Shared by several consumers (subscriptions of one event): each waits behind a shield.
        self.shared = shared

    def load(self, key: K) -> asyncio.Future[V]:
        """The cached or new future for `key`. A waiter that is cancelled (a client that
        disconnects mid-resolve) cancels the future it awaits; a cancelled future is never
        handed out again, and waiters on a shared loader cannot cancel each other's value."""
        future = super().load(key)
        if future.cancelled():
            self.clear(key)
            future = super().load(key)
        if self.shared and not future.done():
            shielded = asyncio.shield(future)
            shielded.add_done_callback(_retrieve)  # as in fetch(): a waiter may give it up
            return shielded
        return future

    def prime_values(self, values: Mapping[K, V]) -> None:
        """`prime` for many keys at once (a page's carried SLA timers), with values, not
        errors: the event loop and the cache looked up once, not once a key."""
        create_future = self.loop.create_future
        cache, cache_key = self._cache, self.get_cache_key
        for key, value in values.items():
            found = cache_key(key)
            if found not in cache:
                future = create_future()
                future.set_result(value)
                cache[found] = future

    def loaded(self, key: K) -> Any:
        """The value for `key` if this loader holds it already, else NOT_LOADED; asks for
        nothing. (aiodataloader keeps each key's future in `_cache`; ours are keyed by the key
        itself.) Compiled completion reads ~500 values a dashboard page this way."""
        future = self._cache.get(key)
        if future is None:
            return NOT_LOADED
        try:
            return future.result()
        except (Exception, asyncio.CancelledError):  # pending, cancelled or failed
            return NOT_LOADED

    async def fetch(self, statement: LoaderStatement, params: dict[str, Any]) -> list[Any]:
        # Its own connection: two loaders dispatching in the same tick never share one.
        try:
            return await statement.rows(self.db, params)
        except Exception:
            # The batch's futures get this error, some after their waiter gave them up (in an
            # outage, GraphQL drops an event's other fields once one failed): the error is
            # theirs to drop, not asyncio's "exception was never retrieved" to log.
            pending = [f for f in self._cache.values() if not f.done()]
            asyncio.get_running_loop().call_soon(_retrieve_all, pending)
            raise


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


def _retrieve_all(futures: list[asyncio.Future[Any]]) -> None:
    for future in futures:
        if future.done():
            _retrieve(future)


def load_ready(loader: DataLoader[Any, Any], key: Any) -> Any:
    """The value at once when the loader already holds it, else its pending future.

    GraphQL runs every awaitable field as a coroutine in a task; most users on a page (message
    authors, interaction users) were loaded a moment before as assignees, so this skips ~500
    tasks per dashboard page."""
    future = loader.load(key)
    return future.result() if future.done() else future


def group_by(rows: Sequence[Row[Any]], attr: str) -> dict[Any, list[Row[Any]]]:
    grouped: dict[Any, list[Row[Any]]] = {}
    for row in rows:
        grouped.setdefault(getattr(row, attr), []).append(row)
    return grouped
