"""Messages on tickets: helpdesk conversations, and SMS-like notes on queue tickets.
Adding one through the API is declared once with `@ticket_action` (lifecycle.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict, Unpack

from pydantic_core import PydanticUndefined
from sqlalchemy import insert

from app.db import Message, Ticket, User, table_of
from app.domain.enums import EventType, MessageDirection, TicketKind
from app.domain.errors import validation
from app.domain.ticket_input import optional_text, required_text
from app.tickets.command import get_row
from app.tickets.lifecycle import Arg, ticket_action
from app.tickets.unit_of_work import UnitOfWork

QUEUE_CHANNEL = "sms"

# A message goes in as a Core INSERT of every column with the value a `Message(...)` would give
# it (JSON columns too: None is stored as JSON null, as the ORM stores it). No ORM object: one
# cost some 0.5 ms of a mutation's ~5 (SQLModel's construction, then the flush), and nothing
# reads it back in the transaction.
_MESSAGE_DEFAULTS: dict[str, Any] = {
    name: info.default
    for name, info in Message.model_fields.items()
    if name != "id" and info.default is not PydanticUndefined and info.default_factory is None
}
_INSERT_MESSAGE = insert(table_of(Message))


def parse_direction(direction: MessageDirection | str) -> MessageDirection:
    try:
        return MessageDirection(direction)
    except ValueError:
        raise validation("A direction is INCOMING or OUTGOING.", "direction") from None


class MessageFields(TypedDict, total=False):
    """How a message may be described beyond its body: direction (INCOMING if unsaid), channel
    (the ticket's own if unsaid) and author. put_message and the action take the same."""

    direction: MessageDirection | str
    channel: str | None
    author_id: int | None


async def put_message(
    uow: UnitOfWork,
    ticket: Ticket,
    *,
    body: str,
    at: datetime | None = None,
    **fields: Unpack[MessageFields],
) -> None:
    """Add a message (inserted now) and bump the ticket's message times, without an event."""
    direction = parse_direction(fields.get("direction", MessageDirection.INCOMING))
    channel, author_id = fields.get("channel"), fields.get("author_id")
    if author_id is not None and author_id != uow.actor_id:  # the actor is checked already
        await get_row(uow, User, author_id, "authorId")
    at = at or uow.now
    default_channel = QUEUE_CHANNEL if ticket.kind == TicketKind.QUEUE else ticket.channel
    values = {
        **_MESSAGE_DEFAULTS,
        "workspace_id": uow.workspace_id,
        "ticket_id": ticket.id,
        "body": required_text(body, "body", max_length=100_000),
        "direction": direction.value,
        "channel": optional_text(channel, "channel", max_length=64) or default_channel,
        "status": "SENT" if direction == MessageDirection.OUTGOING else None,
        "author_id": author_id,
        "created_at": at,
    }
    await uow.session.execute(_INSERT_MESSAGE, values)
    ticket.last_message_at = at
    if direction == MessageDirection.INCOMING:
        ticket.last_received_message_at = at
        ticket.unread = ticket.kind == TicketKind.HELPDESK


@ticket_action(
    "add_ticket_message",
    event=EventType.MESSAGE_ADDED,
    description="Add a message; an INCOMING one on a helpdesk ticket makes it unread.",
    input_description="Add a message to a ticket's conversation.",
    args=(
        Arg("body", "The text of the message; not empty."),
        Arg(
            "direction",
            "Who wrote it: OUTGOING (staff, the default) or INCOMING (the customer).",
            type=MessageDirection,
            default=MessageDirection.OUTGOING,
        ),
        Arg(
            "channel",
            'How it is sent ("email", "sms", "chat"); null for the ticket\'s own channel.',
            default=None,
            nullable=True,
        ),
        Arg(
            "user_id",
            "The author; an OUTGOING message defaults to the key's user.",
            ref="User",
            default=None,
            nullable=True,
            apply_as="author_id",
        ),
    ),
)
async def apply_add_message(
    uow: UnitOfWork, ticket: Ticket, *, body: str, **fields: Unpack[MessageFields]
) -> None:
    """An OUTGOING message is the acting user's unless it names its author."""
    direction = parse_direction(fields.get("direction", MessageDirection.INCOMING))
    if fields.get("author_id") is None and direction == MessageDirection.OUTGOING:
        fields["author_id"] = uow.actor_id
    await put_message(uow, ticket, body=body, **fields)


add_ticket_message = apply_add_message.command
