"""A controllable clock for the write side, and readers for SLA timers and events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.db import SlaTimer, Ticket, TicketEvent
from app.live.service_env import ServiceEnv


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, instant: datetime) -> datetime:
        self.now = instant
        return instant


async def timers_of(env: ServiceEnv, ticket_id: int) -> dict[str, SlaTimer]:
    async with env.db.read_session() as session:
        stmt = select(SlaTimer).where(SlaTimer.ticket_id == ticket_id)
        return {t.metric: t for t in (await session.execute(stmt)).scalars()}


async def sla_events(env: ServiceEnv, ticket_id: int) -> list[tuple[str, str, int]]:
    """(type, metric, cycle) of the ticket's SLA events in log order."""
    async with env.db.read_session() as session:
        stmt = (
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket_id, TicketEvent.type.like("SLA_%"))  # type: ignore[attr-defined]
            .order_by(TicketEvent.seq)  # type: ignore[arg-type]
        )
        rows = (await session.execute(stmt)).scalars().all()
    return [(e.type, e.changes["sla"]["metric"], e.changes["sla"]["cycle"]) for e in rows]  # type: ignore[index]


async def due_of(env: ServiceEnv, ticket_id: int) -> datetime:
    async with env.db.read_session() as session:
        return (
            await session.execute(select(Ticket.sla_due_at).where(Ticket.id == ticket_id))
        ).scalar_one()
