"""One board read per change, however many screens show the same lines.

Every board subscription of a workspace wakes up on the same event and reads the board at the
same log head: subscribers of the same lines at the same head share one read (a task, shielded
so that one subscriber going away does not cancel it for the others). Reads are forgotten a few
seconds after they finish, and at once when they fail, so a retry reads again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class SharedReads(Generic[T]):
    def __init__(self, *, keep: float = 5.0, max_entries: int = 1000) -> None:
        self.keep, self.max_entries = keep, max_entries
        self._reads: dict[Hashable, tuple[float, asyncio.Task[T]]] = {}

    def __len__(self) -> int:
        return len(self._reads)

    async def get(self, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
        loop = asyncio.get_running_loop()
        now = loop.time()
        self._forget_old(now)
        entry = self._reads.get(key)
        if entry is None:
            task = asyncio.ensure_future(read())
            task.add_done_callback(lambda done: self._settled(key, done))
            self._reads[key] = (now, task)
        else:
            task = entry[1]
        return await asyncio.shield(task)

    def _settled(self, key: Hashable, task: asyncio.Task[T]) -> None:
        failed = task.cancelled() or task.exception() is not None  # retrieves it, too
        if failed and self._reads.get(key, (0.0, None))[1] is task:
            del self._reads[key]

    def _forget_old(self, now: float) -> None:
        if len(self._reads) >= self.max_entries:
            self._reads = {k: e for k, e in self._reads.items() if not e[1].done()}
        old = [k for k, (at, task) in self._reads.items() if task.done() and now - at > self.keep]
        for key in old:
            del self._reads[key]
