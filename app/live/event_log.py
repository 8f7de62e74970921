"""Reading the event log: the one query behind history, catch-up reads and subscriptions."""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import col

from app.db import Ticket, TicketEvent, Workspace
from app.db.engine import Database
from app.domain.errors import DomainError, ErrorCode
from app.domain.event_filter import EventFilter


def events_query(
    workspace_id: int, after_seq: int, event_filter: EventFilter
) -> Select[TicketEvent]:
    stmt = select(TicketEvent).where(
        col(TicketEvent.workspace_id) == workspace_id, col(TicketEvent.seq) > after_seq
    )
    f = event_filter
    if f.ticket_ids:
        stmt = stmt.where(col(TicketEvent.ticket_id).in_(f.ticket_ids))
    if f.states:
        stmt = stmt.where(col(TicketEvent.to_state).in_([s.value for s in f.states]))
    if f.types:
        stmt = stmt.where(col(TicketEvent.type).in_(f.types))
    if f.status_changes_only:
        stmt = stmt.where(
            or_(
                col(TicketEvent.from_state).is_(None),
                col(TicketEvent.from_state) != col(TicketEvent.to_state),
                col(TicketEvent.from_status) != col(TicketEvent.to_status),
            )
        )
    if f.needs_ticket:
        conditions: list[ColumnElement[bool]] = [col(Ticket.id) == col(TicketEvent.ticket_id)]
        if f.kinds:
            conditions.append(col(Ticket.kind).in_([k.value for k in f.kinds]))
        if f.line_ids:
            conditions.append(col(Ticket.line_id).in_(f.line_ids))
        if f.team_ids:
            conditions.append(col(Ticket.team_id).in_(f.team_ids))
        if f.assignee_ids:
            conditions.append(col(Ticket.assignee_id).in_(f.assignee_ids))
        stmt = stmt.join(Ticket, and_(*conditions))
    return stmt.order_by(col(TicketEvent.seq))


async def check_cursor(session: AsyncSession, workspace_id: int, after_seq: int) -> int:
    """Refuse a cursor older than retention; returns the workspace's latest seq."""
    row = (
        await session.execute(
            select(col(Workspace.event_seq), col(Workspace.events_pruned_through)).where(
                col(Workspace.id) == workspace_id
            )
        )
    ).one()
    if after_seq < row.events_pruned_through:
        raise DomainError(
            ErrorCode.CURSOR_EXPIRED,
            "The cursor is older than the event log's retention; re-read the current state.",
            "after",
        )
    return int(row.event_seq)


async def read_events(
    db: Database,
    workspace_id: int,
    *,
    after_seq: int,
    event_filter: EventFilter = EventFilter(),
    limit: int = 100,
) -> list[TicketEvent]:
    """Events after `after_seq`, in sequence (= commit) order, at most `limit`."""
    async with db.read_session() as session:
        await check_cursor(session, workspace_id, after_seq)
        stmt = events_query(workspace_id, after_seq, event_filter).limit(limit)
        return list((await session.execute(stmt)).scalars())


async def latest_seq(db: Database, workspace_id: int) -> int:
    async with db.read_session() as session:
        return await latest_seq_in(session, workspace_id)


async def latest_seq_in(session: AsyncSession, workspace_id: int) -> int:
    """The workspace's log head as `session` sees it (in a snapshot: as of that moment)."""
    stmt = select(func.coalesce(col(Workspace.event_seq), 0)).where(
        col(Workspace.id) == workspace_id
    )
    return int((await session.execute(stmt)).scalar_one())
