"""The write transaction: events get consecutive per-workspace sequence numbers, and a
refused command leaves nothing behind."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.db import Ticket, TicketEvent, Workspace
from app.domain.enums import EventType, HelpdeskStatus, TicketKind
from app.domain.errors import DomainError, ErrorCode
from app.live.service_env import ServiceEnv
from app.tickets.unit_of_work import snapshot, unit_of_work

pytestmark = pytest.mark.anyio


async def _count_events(db, workspace_id: int) -> int:
    async with db.read_session() as session:
        stmt = (
            select(func.count())
            .select_from(TicketEvent)
            .where(TicketEvent.workspace_id == workspace_id)
        )
        return (await session.execute(stmt)).scalar_one()


async def test_events_get_consecutive_sequence_numbers(db, workspace):
    ws = workspace.workspace.id
    async with unit_of_work(ServiceEnv(db), ws, workspace.admin.id) as uow:
        ticket = Ticket(
            workspace_id=ws, kind=TicketKind.HELPDESK, status=HelpdeskStatus.OPEN, state="OPEN"
        )
        await uow.record(ticket, EventType.CREATED, None)
        before = snapshot(ticket)
        ticket.status = HelpdeskStatus.CLOSED
        await uow.record(ticket, EventType.COMPLETED, before)
    assert uow.last_seq == 2
    async with db.read_session() as session:
        events = (
            (
                await session.execute(
                    select(TicketEvent)
                    .where(TicketEvent.workspace_id == ws)
                    .order_by(TicketEvent.seq)
                )
            )
            .scalars()
            .all()
        )
        seq = (
            await session.execute(select(Workspace.event_seq).where(Workspace.id == ws))
        ).scalar_one()
    assert [(e.seq, e.type, e.from_state, e.to_state) for e in events] == [
        (1, "CREATED", None, "OPEN"),
        (2, "COMPLETED", "OPEN", "RESOLVED"),
    ]
    assert events[1].changes == {"status": ["OPEN", "CLOSED"]}
    assert seq == 2


async def test_refused_command_writes_nothing(db, workspace):
    ws = workspace.workspace.id
    with pytest.raises(DomainError):
        async with unit_of_work(ServiceEnv(db), ws, None) as uow:
            ticket = Ticket(
                workspace_id=ws, kind=TicketKind.HELPDESK, status=HelpdeskStatus.OPEN, state="OPEN"
            )
            await uow.record(ticket, EventType.CREATED, None)
            raise DomainError(ErrorCode.VALIDATION, "no")
    assert await _count_events(db, ws) == 0
    async with db.read_session() as session:
        tickets = (
            await session.execute(
                select(func.count()).select_from(Ticket).where(Ticket.workspace_id == ws)
            )
        ).scalar_one()
    assert tickets == 0
