"""Waking snoozed helpdesk tickets whose time has come: SNOOZED -> OPEN, event WOKEN, no actor.
Run periodically (the server does, about once a minute); safe to run from several processes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import col

from app.db import Ticket
from app.db.types import utcnow
from app.domain.enums import EventType, HelpdeskStatus, TicketKind
from app.tickets.unit_of_work import ServiceEnv, UnitOfWork, snapshot, unit_of_work


def _due(now: datetime):
    return (
        Ticket.kind == TicketKind.HELPDESK,
        Ticket.status == HelpdeskStatus.SNOOZED,
        col(Ticket.snooze_until) <= now,
    )


async def apply_wake_due(uow: UnitOfWork, now: datetime) -> int:
    """Wake this workspace's due tickets (re-read under the lock: another process may have)."""
    stmt = (
        select(Ticket)
        .where(col(Ticket.workspace_id) == uow.workspace_id, *_due(now))
        .order_by(col(Ticket.snooze_until), col(Ticket.id))
        .with_for_update()
    )
    woken = 0
    for ticket in (await uow.session.execute(stmt)).scalars():
        before = snapshot(ticket)
        ticket.status = HelpdeskStatus.OPEN
        ticket.snooze_until = None
        await uow.record(ticket, EventType.WOKEN, before, actor_id=None)
        woken += 1
    return woken


async def wake_due_tickets(env: ServiceEnv, now: datetime | None = None) -> int:
    """Wake every due ticket of every workspace, one transaction per workspace."""
    now = now or utcnow()
    async with env.db.read_session() as session:
        stmt = select(col(Ticket.workspace_id)).where(*_due(now)).distinct()
        workspace_ids = list((await session.execute(stmt)).scalars())
    total = 0
    for workspace_id in sorted(workspace_ids):
        async with unit_of_work(env, workspace_id, None) as uow:
            total += await apply_wake_due(uow, now)
    return total
