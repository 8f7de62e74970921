"""A ticket created while the workspace's first SLA policy is being created (PostgreSQL: two
transactions at once) gets the policy's timers when it commits after the policy.

A queue ticket is not a serial command: it does not wait for the workspace's lock, and read
`Workspace.sla_active` (false, the policy not committed yet) before it took the event counter.
Its commit comes after the policy's, so by the log's order it was created under the policy, yet
it had no timers. The counter statement, which waits for the policy's commit, reads the flag
again.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

import app.tickets.unit_of_work as unit_of_work_module
from app.sla.setup import PolicyInput, create_policy
from app.tickets.queue import create_queue_ticket
from app.tickets.unit_of_work import UnitOfWork
from tests.services.lifecycle_helpers import make_ctx
from tests.sla.helpers import timers_of

pytestmark = pytest.mark.anyio

_WAITING_ON_A_LOCK = text(
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


@pytest.fixture
def postgres(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (SQLite runs one writer at a time)")


async def _until_one_waits_on_a_lock(ctx) -> None:  # type: ignore[no-untyped-def]
    for _ in range(500):
        async with ctx.env.db.read_session() as session:
            if (await session.execute(_WAITING_ON_A_LOCK)).scalar_one() >= 1:
                return
        await asyncio.sleep(0.01)
    raise AssertionError("the ticket's transaction never waited for the policy's")


async def test_a_ticket_created_during_the_first_policy_gets_its_timers(
    postgres, db, make_workspace, monkeypatch: pytest.MonkeyPatch
):
    ctx = await make_ctx(db, make_workspace)
    entered, release = asyncio.Event(), asyncio.Event()

    async def hold_the_policy(uow: UnitOfWork) -> None:
        # The policy's command records no event: keep its transaction open there, with the
        # workspace locked and sla_active set, until the ticket's transaction runs into it.
        if not uow.events and not release.is_set():
            entered.set()
            await release.wait()

    steps = [hold_the_policy, *unit_of_work_module.FINISH_STEPS]
    monkeypatch.setattr(unit_of_work_module, "FINISH_STEPS", steps)

    policy = asyncio.create_task(
        create_policy(ctx.env, ctx.admin, PolicyInput("Wait", max_wait_seconds=600))
    )
    await entered.wait()
    ticket = asyncio.create_task(
        create_queue_ticket(ctx.env, ctx.admin, line_id=ctx.line_a.id, first_name="Ada")
    )
    try:
        await _until_one_waits_on_a_lock(ctx)
    finally:
        release.set()
    await policy
    created = await ticket

    timers = await timers_of(ctx.env, created.id)  # type: ignore[arg-type]
    assert {metric: t.status for metric, t in timers.items()} == {"WAIT": "RUNNING"}
