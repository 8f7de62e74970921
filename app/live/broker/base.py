"""The broker port: what the event feed needs from a wake-up channel (factory.py picks one)."""

from __future__ import annotations

from collections.abc import AsyncIterator
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
