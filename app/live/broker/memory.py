"""In-process broker: fan-out to asyncio queues. Other processes are caught by polling the log."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.live.broker.base import Wakeup

# A listener that falls this far behind loses wake-ups, which is harmless: it polls the log.
_QUEUE_SIZE = 1000


class MemoryBroker:
    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Wakeup]] = set()

    async def connect(self) -> None:
        return None

    async def disconnect(self) -> None:
        self._queues.clear()

    async def ping(self) -> bool:
        return True

    async def publish(self, wakeup: Wakeup) -> None:
        for queue in self._queues:
            if not queue.full():
                queue.put_nowait(wakeup)

    @asynccontextmanager
    async def listen(self) -> AsyncIterator[AsyncIterator[Wakeup]]:
        queue: asyncio.Queue[Wakeup] = asyncio.Queue(_QUEUE_SIZE)
        self._queues.add(queue)

        async def messages() -> AsyncIterator[Wakeup]:
            while True:
                yield await queue.get()

        try:
            yield messages()
        finally:
            self._queues.discard(queue)
