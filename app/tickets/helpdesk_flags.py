"""Helpdesk flags: spam, trash (state CANCELLED while set), restore, and read / unread.
Setting a flag already set, or restoring a ticket that is neither, is a no-op: no event."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.db import Ticket
from app.domain.enums import EventType, TicketKind
from app.domain.principal import Principal
from app.tickets.command import ticket_command
from app.tickets.unit_of_work import ServiceEnv, UnitOfWork, snapshot

HELPDESK = TicketKind.HELPDESK


async def apply_mark_spam(uow: UnitOfWork, ticket: Ticket) -> Ticket:
    if not ticket.spam:
        before = snapshot(ticket)
        ticket.spam = True
        await uow.record(ticket, EventType.MARKED_SPAM, before)
    return ticket


async def apply_trash(uow: UnitOfWork, ticket: Ticket) -> Ticket:
    if ticket.trashed_at is None:
        before = snapshot(ticket)
        ticket.trashed_at = uow.now
        await uow.record(ticket, EventType.TRASHED, before)
    return ticket


async def apply_restore(uow: UnitOfWork, ticket: Ticket) -> Ticket:
    if ticket.spam or ticket.trashed_at is not None:
        before = snapshot(ticket)
        ticket.spam = False
        ticket.trashed_at = None
        await uow.record(ticket, EventType.RESTORED, before)
    return ticket


async def apply_mark_read(uow: UnitOfWork, ticket: Ticket) -> Ticket:
    """Always an event: the view time moves even when the ticket was already read."""
    before = snapshot(ticket)
    ticket.unread = False
    ticket.last_viewed_at = uow.now
    await uow.record(ticket, EventType.MARKED_READ, before)
    return ticket


async def _flag_command(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    apply: Callable[[UnitOfWork, Ticket], Awaitable[Ticket]],
    action: str,
    expected_version: int | None,
) -> Ticket:
    async with ticket_command(
        env, principal, ticket_id, kind=HELPDESK, action=action, expected_version=expected_version
    ) as (uow, ticket):
        return await apply(uow, ticket)


async def mark_ticket_spam(
    env: ServiceEnv, principal: Principal, ticket_id: int, *, expected_version: int | None = None
) -> Ticket:
    return await _flag_command(
        env, principal, ticket_id, apply_mark_spam, "mark spam", expected_version
    )


async def trash_ticket(
    env: ServiceEnv, principal: Principal, ticket_id: int, *, expected_version: int | None = None
) -> Ticket:
    return await _flag_command(env, principal, ticket_id, apply_trash, "trash", expected_version)


async def restore_ticket(
    env: ServiceEnv, principal: Principal, ticket_id: int, *, expected_version: int | None = None
) -> Ticket:
    return await _flag_command(
        env, principal, ticket_id, apply_restore, "restore", expected_version
    )


async def mark_ticket_read(
    env: ServiceEnv, principal: Principal, ticket_id: int, *, expected_version: int | None = None
) -> Ticket:
    return await _flag_command(
        env, principal, ticket_id, apply_mark_read, "mark read", expected_version
    )
