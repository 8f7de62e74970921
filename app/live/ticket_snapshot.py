"""The tickets a subscriber's filter matches right now: the snapshot of
ticketStatusChanged(initial: true). Read page by page so no session is held while it is sent."""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import select
from sqlmodel import col

from app.db import Ticket
from app.db.engine import Database
from app.domain.event_filter import EventFilter


async def current_tickets(
    db: Database, workspace_id: int, event_filter: EventFilter, *, page_size: int = 500
) -> AsyncIterator[Ticket]:
    """Tickets of the workspace matching the filter's ticket conditions (kinds, tickets, lines,
    teams, assignees; `states` = the state now), in id order. Event types do not apply."""
    f = event_filter
    stmt = select(Ticket).where(col(Ticket.workspace_id) == workspace_id)
    if f.kinds:
        stmt = stmt.where(col(Ticket.kind).in_([k.value for k in f.kinds]))
    if f.ticket_ids:
        stmt = stmt.where(col(Ticket.id).in_(f.ticket_ids))
    if f.line_ids:
        stmt = stmt.where(col(Ticket.line_id).in_(f.line_ids))
    if f.team_ids:
        stmt = stmt.where(col(Ticket.team_id).in_(f.team_ids))
    if f.assignee_ids:
        stmt = stmt.where(col(Ticket.assignee_id).in_(f.assignee_ids))
    if f.states:
        stmt = stmt.where(col(Ticket.state).in_([s.value for s in f.states]))
    last_id = 0
    while True:
        page_stmt = stmt.where(col(Ticket.id) > last_id).order_by(col(Ticket.id)).limit(page_size)
        async with db.read_session() as session:
            page = list((await session.execute(page_stmt)).scalars())
        for ticket in page:
            yield ticket
        if len(page) < page_size:
            return
        last_id = page[-1].id
