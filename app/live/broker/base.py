"""The broker port: what the event feed needs from a wake-up channel (factory.py picks one)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Wakeup:
    """Events up to `seq` were committed in workspace `workspace_id`."""

    workspace_id: int
    seq: int


class Broker(Protocol):
    async def connect(self) -> None: ...

    async def disconnect(self) -> None: ...

    async def ping(self) -> bool:
        """True when the broker answers now (readiness): never raises."""

    async def publish(self, wakeup: Wakeup) -> None:
        """Best effort: a lost wake-up only delays delivery until the next poll of the log."""

    def listen(self) -> AbstractAsyncContextManager[AsyncIterator[Wakeup]]:
        """All wake-ups of every workspace, from now on, while the context is open."""


async def follow_wakeups(
    broker: Broker,
    on_wakeup: Callable[[Wakeup], None],
    *,
    retry_after: float,
    log: logging.Logger,
    failure: str,
) -> None:
    """`on_wakeup` for every wake-up, until cancelled. A listener that fails (the broker is down)
    is logged as `failure` and opened again after `retry_after` seconds: meanwhile the caller's
    poll of the event log stands in for it."""
    while True:
        try:
            async with broker.listen() as wakeups:
                async for wakeup in wakeups:
                    on_wakeup(wakeup)
        except Exception:
            log.exception(failure)
        await asyncio.sleep(retry_after)
