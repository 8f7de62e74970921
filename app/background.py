"""Background loops that stop between steps, never in the middle of one.

Cancelling a task while it awaits the database leaves the driver's own thread (aiosqlite) or
socket (asyncpg) finishing a call for a loop that may be gone by then. The gateway's loops
(housekeeping, key checks, event polling and pumps) therefore wait on a stop signal between steps
and are only cancelled when a step outlives the grace period.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from typing import ClassVar

from app.domain.errors import Unavailable

STOP_GRACE = 5.0  # seconds a step may take to finish once stop is asked for


async def sleep_unless_stopped(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep up to `seconds`; True when `stop` was set (at once, or meanwhile)."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()


async def finish(tasks: Iterable[asyncio.Task[None]], grace: float = STOP_GRACE) -> None:
    """Wait for tasks already told to stop; cancel those still running after `grace`."""
    pending = [task for task in tasks if not task.done()]
    if pending:
        _done, late = await asyncio.wait(pending, timeout=grace)
        for task in late:
            task.cancel()
        for task in late:
            with contextlib.suppress(asyncio.CancelledError):
                await task


def log_failed_step(log: logging.Logger, what: str, error: Exception) -> None:
    """A step that failed and will be tried again: an outage in one line (it says all there is,
    and repeats every interval while it lasts), anything else with its traceback."""
    if isinstance(error, Unavailable):
        log.warning(
            "%s: %s (%s); trying again", what, error.code.value, type(error.__cause__).__name__
        )
    else:
        log.error("%s; trying again", what, exc_info=error)


class Periodic:
    """`run_once` every `interval` seconds in one background task, from start() to stop(): a run
    that fails is logged and the next one comes on time; stop() lets a run in progress finish.
    Subclasses name the task and the failure, and say whether the first run waits an interval."""

    task_name: ClassVar[str]
    failure: ClassVar[str]  # what the log says when a run fails
    wait_first: ClassVar[bool] = False

    def __init__(self, *, interval: float, log: logging.Logger) -> None:
        self.interval = interval
        self.log = log
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def run_once(self) -> object:
        raise NotImplementedError

    def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(self._loop(), name=self.task_name)

    async def stop(self) -> None:
        if self._task is not None:
            self._stop.set()
            await finish([self._task])
            self._task = None

    async def _loop(self) -> None:
        if self.wait_first and await sleep_unless_stopped(self._stop, self.interval):
            return
        while True:
            try:
                await self.run_once()
            except Exception as error:  # an outage must not end the loop for good
                log_failed_step(self.log, self.failure, error)
            if await sleep_unless_stopped(self._stop, self.interval):
                return
