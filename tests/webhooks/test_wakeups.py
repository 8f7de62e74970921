"""Which broker wake-ups start a claim round: only those of a workspace with a deliverable
endpoint (a round is a query, and every commit of every workspace sends a wake-up)."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from app.domain.event_filter import EventFilter
from app.live.broker import Wakeup
from app.live.broker.memory import MemoryBroker
from app.webhooks import endpoints, worker
from app.webhooks.worker import WebhookWorker
from tests.webhooks.conftest import FAST, LOCAL

pytestmark = pytest.mark.anyio

# No poll during the test: every round after the first comes from a wake-up.
NO_POLL = dataclasses.replace(FAST, poll_interval=60.0)


async def _until(check, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.01)


async def test_only_wakeups_of_workspaces_with_endpoints_start_a_round(
    db, make_workspace, receiver, monkeypatch
) -> None:
    quiet, served = await make_workspace(), await make_workspace()
    await endpoints.create_endpoint(
        db, LOCAL, workspace_id=served.workspace.id, url=receiver.url(), event_filter=EventFilter()
    )
    rounds: list[int] = []

    async def counted(db, owner, **kwargs):
        # Claims nothing: a delivery's end would start a round of its own.
        if owner == running.owner:  # not another test's worker still stopping
            rounds.append(1)
        return []

    monkeypatch.setattr(worker, "claim_due", counted)
    broker = MemoryBroker()
    running = WebhookWorker(db, broker, NO_POLL)
    await running.start()
    try:
        await _until(lambda: len(rounds) == 1)  # the first round, which reads who has endpoints
        for seq in range(1, 21):
            await broker.publish(Wakeup(quiet.workspace.id, seq))
        await _until(lambda: all(q.empty() for q in broker._queues))  # all read by the worker
        await asyncio.sleep(0.2)  # a round they started would have run by now
        assert len(rounds) == 1
        await broker.publish(Wakeup(served.workspace.id, 1))
        await _until(lambda: len(rounds) == 2)
    finally:
        await running.stop()
