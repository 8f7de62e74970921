"""Helpdesk flags: spam, trash (state CANCELLED while set), restore, and read / unread.
Setting a flag already set, or restoring a ticket that is neither, is a no-op: no event.
Each is declared once with `@ticket_action` (lifecycle.py); flags start from any status."""

from __future__ import annotations

from app.db import Ticket
from app.domain.enums import EventType, TicketKind
from app.tickets.lifecycle import NO_EVENT, Outcome, ticket_action
from app.tickets.unit_of_work import UnitOfWork

HELPDESK = TicketKind.HELPDESK


@ticket_action(
    "mark_ticket_spam",
    kind=HELPDESK,
    event=EventType.MARKED_SPAM,
    description="State CANCELLED while set.",
    input_description=(
        "Mark a helpdesk ticket as spam: state CANCELLED while marked, hidden from lists."
    ),
)
async def apply_mark_spam(uow: UnitOfWork, ticket: Ticket) -> Outcome:
    if ticket.spam:
        return NO_EVENT
    ticket.spam = True
    return None


@ticket_action(
    "trash_ticket",
    kind=HELPDESK,
    event=EventType.TRASHED,
    description="State CANCELLED while set.",
    input_description=(
        "Move a helpdesk ticket to the trash: state CANCELLED while there, hidden from lists."
    ),
)
async def apply_trash(uow: UnitOfWork, ticket: Ticket) -> Outcome:
    if ticket.trashed_at is not None:
        return NO_EVENT
    ticket.trashed_at = uow.now
    return None


@ticket_action(
    "restore_ticket",
    kind=HELPDESK,
    event=EventType.RESTORED,
    description="Clear the spam and trash flags.",
    input_description=(
        "Clear a helpdesk ticket's spam and trash flags: its state follows its status again."
    ),
)
async def apply_restore(uow: UnitOfWork, ticket: Ticket) -> Outcome:
    if not ticket.spam and ticket.trashed_at is None:
        return NO_EVENT
    ticket.spam = False
    ticket.trashed_at = None
    return None


@ticket_action(
    "mark_ticket_read",
    kind=HELPDESK,
    event=EventType.MARKED_READ,
    description="unread -> false.",
    input_description="Mark a helpdesk ticket as read (`unread` false).",
)
async def apply_mark_read(uow: UnitOfWork, ticket: Ticket) -> None:
    """Always an event: the view time moves even when the ticket was already read."""
    ticket.unread = False
    ticket.last_viewed_at = uow.now


mark_ticket_spam = apply_mark_spam.command
trash_ticket = apply_trash.command
restore_ticket = apply_restore.command
mark_ticket_read = apply_mark_read.command
