"""Messages on tickets: helpdesk conversations, and SMS-like notes on queue tickets."""

from __future__ import annotations

from datetime import datetime

from app.db import Message, Ticket, User
from app.domain.enums import EventType, MessageDirection, TicketKind
from app.domain.errors import validation
from app.domain.principal import Principal
from app.domain.ticket_input import optional_text, required_text
from app.tickets.command import get_row, ticket_command
from app.tickets.unit_of_work import ServiceEnv, UnitOfWork, snapshot

QUEUE_CHANNEL = "sms"


def parse_direction(direction: MessageDirection | str) -> MessageDirection:
    try:
        return MessageDirection(direction)
    except ValueError:
        raise validation("A direction is INCOMING or OUTGOING.", "direction") from None


async def put_message(
    uow: UnitOfWork,
    ticket: Ticket,
    *,
    body: str,
    direction: MessageDirection | str = MessageDirection.INCOMING,
    channel: str | None = None,
    author_id: int | None = None,
    at: datetime | None = None,
) -> Message:
    """Add a message and bump the ticket's message times, without an event."""
    direction = parse_direction(direction)
    if author_id is not None:
        await get_row(uow, User, author_id, "authorId")
    at = at or uow.now
    default_channel = QUEUE_CHANNEL if ticket.kind == TicketKind.QUEUE else ticket.channel
    message = Message(
        workspace_id=uow.workspace_id,
        ticket_id=ticket.id,
        body=required_text(body, "body", max_length=100_000),
        direction=direction,
        channel=optional_text(channel, "channel", max_length=64) or default_channel,
        status="SENT" if direction == MessageDirection.OUTGOING else None,
        author_id=author_id,
        created_at=at,
    )
    uow.session.add(message)
    ticket.last_message_at = at
    if direction == MessageDirection.INCOMING:
        ticket.last_received_message_at = at
        ticket.unread = ticket.kind == TicketKind.HELPDESK
    return message


async def apply_add_message(
    uow: UnitOfWork,
    ticket: Ticket,
    *,
    body: str,
    direction: MessageDirection | str = MessageDirection.INCOMING,
    channel: str | None = None,
    author_id: int | None = None,
) -> Ticket:
    before = snapshot(ticket)
    await put_message(
        uow, ticket, body=body, direction=direction, channel=channel, author_id=author_id
    )
    await uow.record(ticket, EventType.MESSAGE_ADDED, before)
    return ticket


async def add_ticket_message(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    *,
    body: str,
    direction: MessageDirection | str = MessageDirection.OUTGOING,
    channel: str | None = None,
    author_id: int | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """An agent writing is the usual case: OUTGOING, authored by the caller unless named."""
    async with ticket_command(
        env,
        principal,
        ticket_id,
        kind=None,
        action="add a message to",
        expected_version=expected_version,
    ) as (uow, ticket):
        author = author_id
        if author is None and parse_direction(direction) == MessageDirection.OUTGOING:
            author = uow.actor_id
        return await apply_add_message(
            uow, ticket, body=body, direction=direction, channel=channel, author_id=author
        )
