"""Queue tickets at the desk: call, call next, recall, served, no-show.

A call opens an interaction (who, which desk, when); served / no-show / return / move close it.
Calls are safe under concurrency because every command first locks its workspace row
(unit_of_work): two desks calling next queue up, and the second sees the first's call.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlmodel import col

from app.db import Line, Ticket
from app.domain.enums import EventType, QueueStatus, TicketKind
from app.domain.errors import validation
from app.domain.principal import Principal
from app.domain.states import check_queue_action
from app.domain.ticket_input import check_desk
from app.tickets.command import (
    close_interaction,
    command,
    get_row,
    open_interaction,
    ticket_command,
)
from app.tickets.unit_of_work import ServiceEnv, UnitOfWork, snapshot

QUEUE = TicketKind.QUEUE


async def _serve_previous(uow: UnitOfWork, user_id: int, keep: Ticket) -> None:
    """The caller's tickets still CALLED are done once they call someone else."""
    stmt = (
        select(Ticket)
        .where(
            col(Ticket.workspace_id) == uow.workspace_id,
            col(Ticket.kind) == QUEUE,
            col(Ticket.status) == QueueStatus.CALLED,
            col(Ticket.called_by_id) == user_id,
            col(Ticket.id) != keep.id,
        )
        .order_by(col(Ticket.id))
    )
    for previous in (await uow.session.execute(stmt)).scalars().all():
        await apply_mark_served(uow, previous, user_id=user_id)


async def apply_call(
    uow: UnitOfWork,
    ticket: Ticket,
    *,
    user_id: int,
    desk: int | None = None,
    keep_previous: bool = False,
) -> Ticket:
    check_queue_action("call", ticket.status)
    check_desk(desk)
    if not keep_previous:
        await _serve_previous(uow, user_id, ticket)
    before = snapshot(ticket)
    ticket.status = QueueStatus.CALLED
    ticket.called_at = uow.now
    ticket.called_by_id = user_id
    ticket.desk = desk
    await open_interaction(uow, ticket, user_id=user_id, desk=desk)
    await uow.record(ticket, EventType.CALLED, before, actor_id=user_id)
    return ticket


async def next_waiting(uow: UnitOfWork, line_ids: Sequence[int]) -> Ticket | None:
    """The first NEW ticket across the lines, by (queue_key, id)."""
    stmt = (
        select(Ticket)
        .where(
            col(Ticket.workspace_id) == uow.workspace_id,
            col(Ticket.line_id).in_(line_ids),
            col(Ticket.status) == QueueStatus.NEW,
        )
        .order_by(col(Ticket.queue_key), col(Ticket.id))
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return (await uow.session.execute(stmt)).scalar_one_or_none()


async def apply_call_next(
    uow: UnitOfWork,
    *,
    lines: Sequence[Line],
    user_id: int,
    desk: int | None = None,
    keep_previous: bool = False,
) -> Ticket | None:
    """Call the next waiting ticket; None (and no change at all) when nobody waits."""
    check_desk(desk)
    ticket = await next_waiting(uow, [line.id for line in lines])
    if ticket is None:
        return None
    return await apply_call(uow, ticket, user_id=user_id, desk=desk, keep_previous=keep_previous)


async def apply_recall(uow: UnitOfWork, ticket: Ticket, *, user_id: int) -> Ticket:
    """Notify the visitor again: an event, the ticket row is unchanged."""
    check_queue_action("recall", ticket.status)
    await uow.record(ticket, EventType.RECALLED, snapshot(ticket), actor_id=user_id, touch=False)
    return ticket


async def apply_mark_served(uow: UnitOfWork, ticket: Ticket, *, user_id: int) -> Ticket:
    check_queue_action("mark served", ticket.status)
    before = snapshot(ticket)
    await close_interaction(uow, ticket)
    ticket.status = QueueStatus.SERVED
    ticket.served_at = ticket.closed_at = uow.now
    await uow.record(ticket, EventType.SERVED, before, actor_id=user_id)
    return ticket


async def apply_mark_no_show(uow: UnitOfWork, ticket: Ticket, *, user_id: int) -> Ticket:
    check_queue_action("mark no-show", ticket.status)
    before = snapshot(ticket)
    await close_interaction(uow, ticket)
    ticket.status = QueueStatus.NOSHOW
    ticket.closed_at = uow.now
    await uow.record(ticket, EventType.NO_SHOW, before, actor_id=user_id)
    return ticket


# --- commands ---


async def call_ticket(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    *,
    desk: int | None = None,
    user_id: int | None = None,
    keep_previous: bool = False,
    expected_version: int | None = None,
) -> Ticket:
    async with ticket_command(
        env,
        principal,
        ticket_id,
        kind=QUEUE,
        action="call",
        user_id=user_id,
        expected_version=expected_version,
    ) as (uow, ticket):
        return await apply_call(
            uow,
            ticket,
            user_id=uow.actor,
            desk=desk,
            keep_previous=keep_previous,
        )


async def call_next_ticket(
    env: ServiceEnv,
    principal: Principal,
    *,
    line_ids: Sequence[int],
    desk: int | None = None,
    user_id: int | None = None,
    keep_previous: bool = False,
) -> Ticket | None:
    if not line_ids:
        raise validation("Name at least one line.", "lineIds")
    async with command(env, principal, user_id) as uow:
        lines = [
            await get_row(uow, Line, line_id, "lineIds") for line_id in dict.fromkeys(line_ids)
        ]
        return await apply_call_next(
            uow,
            lines=lines,
            user_id=uow.actor,
            desk=desk,
            keep_previous=keep_previous,
        )


async def recall_ticket(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    *,
    user_id: int | None = None,
    expected_version: int | None = None,
) -> Ticket:
    async with ticket_command(
        env,
        principal,
        ticket_id,
        kind=QUEUE,
        action="recall",
        user_id=user_id,
        expected_version=expected_version,
    ) as (uow, ticket):
        return await apply_recall(uow, ticket, user_id=uow.actor)


async def mark_ticket_served(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    *,
    user_id: int | None = None,
    expected_version: int | None = None,
) -> Ticket:
    async with ticket_command(
        env,
        principal,
        ticket_id,
        kind=QUEUE,
        action="mark served",
        user_id=user_id,
        expected_version=expected_version,
    ) as (uow, ticket):
        return await apply_mark_served(uow, ticket, user_id=uow.actor)


async def mark_ticket_no_show(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    *,
    user_id: int | None = None,
    expected_version: int | None = None,
) -> Ticket:
    async with ticket_command(
        env,
        principal,
        ticket_id,
        kind=QUEUE,
        action="mark no-show",
        user_id=user_id,
        expected_version=expected_version,
    ) as (uow, ticket):
        return await apply_mark_no_show(uow, ticket, user_id=uow.actor)
