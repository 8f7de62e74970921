"""Queries about one waiting line: the next number of the day, its head and tail keys."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlmodel import col

from app.db import Ticket, Workspace
from app.domain.enums import QueuePosition, QueueStatus
from app.domain.queue_order import key_first, key_last
from app.tickets.command import memo
from app.tickets.unit_of_work import UnitOfWork


def line_of(ticket: Ticket) -> int:
    """A queue ticket's line: every queue ticket waits in one (the column is shared with
    helpdesk tickets, which have none)."""
    if ticket.line_id is None:
        raise ValueError(f"Queue ticket {ticket.id} has no line")
    return ticket.line_id


def queue_key_of(ticket: Ticket) -> datetime:
    """A waiting ticket's place in its line (set whenever a ticket starts waiting)."""
    if ticket.queue_key is None:
        raise ValueError(f"Waiting ticket {ticket.id} has no queue key")
    return ticket.queue_key


async def workspace_zone(uow: UnitOfWork) -> ZoneInfo:
    zone = memo(uow).get("zone")
    if zone is None:
        workspace = await uow.session.get(Workspace, uow.workspace_id)
        if workspace is not None and uow.sla_active is None:
            uow.sla_active = workspace.sla_active  # for the finish steps (app.sla): no reread
        try:
            zone = ZoneInfo(workspace.timezone if workspace else "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        memo(uow)["zone"] = zone
    return zone


async def next_number(uow: UnitOfWork, line_id: int, created_at: datetime) -> int:
    """1, 2, 3... per line, starting again each day in the workspace's time zone."""
    zone = await workspace_zone(uow)
    day = created_at.astimezone(zone).date()
    known = memo(uow).get(("number", line_id, day))
    if known is not None:
        memo(uow)[("number", line_id, day)] = known + 1
        return known + 1
    start = datetime.combine(day, time(), zone)
    end = datetime.combine(day + timedelta(days=1), time(), zone)
    stmt = select(func.max(Ticket.number)).where(
        col(Ticket.workspace_id) == uow.workspace_id,
        col(Ticket.line_id) == line_id,
        col(Ticket.created_at) >= start,
        col(Ticket.created_at) < end,
    )
    number = ((await uow.session.execute(stmt)).scalar_one() or 0) + 1
    memo(uow)[("number", line_id, day)] = number
    return number


async def waiting_bounds(
    uow: UnitOfWork, line_id: int, *, excluding: int | None = None
) -> tuple[datetime | None, datetime | None]:
    """The first and last queue keys of the NEW tickets of a line."""
    stmt = select(func.min(Ticket.queue_key), func.max(Ticket.queue_key)).where(
        col(Ticket.workspace_id) == uow.workspace_id,
        col(Ticket.line_id) == line_id,
        col(Ticket.status) == QueueStatus.NEW,
    )
    if excluding is not None:
        stmt = stmt.where(col(Ticket.id) != excluding)
    head, tail = (await uow.session.execute(stmt)).one()
    return head, tail


async def key_at_end(uow: UnitOfWork, ticket: Ticket, position: QueuePosition) -> datetime:
    """The queue key that puts a ticket FIRST or LAST among the others waiting in its line."""
    head, tail = await waiting_bounds(uow, line_of(ticket), excluding=ticket.id)
    if QueuePosition(position) == QueuePosition.FIRST:
        return key_first(head, uow.now)
    return key_last(tail, uow.now)


async def waiting_after(uow: UnitOfWork, anchor: Ticket, *, excluding: int) -> list[Ticket]:
    """The NEW tickets of the anchor's line that come after it, in line order."""
    stmt = (
        select(Ticket)
        .where(
            col(Ticket.workspace_id) == uow.workspace_id,
            col(Ticket.line_id) == anchor.line_id,
            col(Ticket.status) == QueueStatus.NEW,
            col(Ticket.id) != excluding,
            (col(Ticket.queue_key) > anchor.queue_key)
            | ((Ticket.queue_key == anchor.queue_key) & (Ticket.id > anchor.id)),
        )
        .order_by(col(Ticket.queue_key), col(Ticket.id))
    )
    return list((await uow.session.execute(stmt)).scalars())
