"""The due-timer scan: records SLA_WARNING and SLA_BREACHED events when their time comes.

Exactly once per timer and cycle, however many gateway processes scan: the events are written
in a unit of work, under the workspace lock, together with the timer's `warning_sent` /
`breach_sent` flags, and each scan re-reads the due timers after taking the lock. A second
process that found the same timers due waits for the first one's commit and then finds none.
After a restart, what came due meanwhile is still due (`next_at` is stored) and is recorded
at the first scan.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlmodel import col

from app.background import Periodic
from app.db import SlaTimer, Ticket
from app.db.types import utcnow
from app.sla import timers
from app.sla.maintain import record_announcement
from app.tickets.unit_of_work import ServiceEnv, unit_of_work

log = logging.getLogger(__name__)

BATCH = 500  # timers per transaction: a burst coming due at once is written in a few steps


async def _due_workspaces(env: ServiceEnv, now: datetime, workspace_id: int | None) -> list[int]:
    stmt = select(col(SlaTimer.workspace_id)).where(col(SlaTimer.next_at) <= now).distinct()
    if workspace_id is not None:
        stmt = stmt.where(col(SlaTimer.workspace_id) == workspace_id)
    async with env.db.read_session() as session:
        return list((await session.execute(stmt)).scalars())


async def announce_workspace(env: ServiceEnv, workspace_id: int, now: datetime) -> tuple[int, int]:
    """One batch of one workspace's due timers: (timers read, events recorded)."""
    async with unit_of_work(env, workspace_id, None) as uow:
        uow.now = now
        stmt = (
            select(SlaTimer)
            .where(col(SlaTimer.workspace_id) == workspace_id, col(SlaTimer.next_at) <= now)
            .order_by(col(SlaTimer.next_at), col(SlaTimer.id))
            .limit(BATCH)
        )
        due = list((await uow.session.execute(stmt)).scalars())
        if not due:
            return 0, 0
        ids = sorted({t.ticket_id for t in due})
        tickets = {
            t.id: t
            for t in (
                await uow.session.execute(select(Ticket).where(col(Ticket.id).in_(ids)))
            ).scalars()
        }
        recorded = 0
        for timer in due:
            for said in timers.due(timer, now):
                await record_announcement(uow, tickets[timer.ticket_id], said)
                recorded += 1
        return len(due), recorded


async def announce_due(
    env: ServiceEnv, now: datetime | None = None, *, workspace_id: int | None = None
) -> int:
    """Record every warning and breach due by `now` (default: the clock), of one workspace or
    all; returns how many."""
    now = now or utcnow()
    total = 0
    for ws_id in await _due_workspaces(env, now, workspace_id):
        while True:
            read, recorded = await announce_workspace(env, ws_id, now)
            total += recorded
            if read < BATCH:
                break
    return total


class SlaScan(Periodic):
    """The background task: a scan every `interval` seconds (none when it is 0)."""

    task_name = "ticketgw-sla-scan"
    failure = "SLA scan failed"

    def __init__(self, env: ServiceEnv, *, interval: float = 0.5) -> None:
        super().__init__(interval=interval, log=log)
        self.env = env

    async def run_once(self) -> None:
        await announce_due(self.env)

    def start(self) -> None:
        if self.interval > 0:
            super().start()
