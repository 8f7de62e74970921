"""Queue tickets waiting in a line: create, edit the visitor, move, cancel, reorder.

The desk side (call, recall, return, served, no-show) is in queue_desk.py. Each action is
declared once with `@ticket_action` (lifecycle.py): its command and mutation come from that.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypedDict, Unpack

from app.db import Line, Ticket
from app.domain.enums import EventType, QueuePosition, QueueStatus, TicketKind, TicketSource
from app.domain.errors import validation
from app.domain.principal import Principal
from app.domain.queue_order import key_between, key_last, respace
from app.domain.ticket_input import check_email, optional_text
from app.live.service_env import ServiceEnv
from app.tickets.command import close_interaction, command, get_row, insert_ticket, load_ticket
from app.tickets.extras import ExtraValue, put_extra
from app.tickets.labels import attach_label
from app.tickets.lifecycle import ACTING_USER_ARG, Arg, ticket_action
from app.tickets.queue_line import (
    key_at_end,
    next_number,
    queue_key_of,
    waiting_after,
    waiting_bounds,
)
from app.tickets.unit_of_work import UnitOfWork

QUEUE = TicketKind.QUEUE
NEW, CALLED = QueueStatus.NEW, QueueStatus.CALLED


def visitor_title(ticket: Ticket) -> str | None:
    name = " ".join(part for part in (ticket.first_name, ticket.last_name) if part)
    return name or ticket.public_id


class QueueTicketFields(TypedDict, total=False):
    """What a new queue ticket may say (all optional): its visitor, how they came (MANUAL if
    unsaid), its labels and its extra fields. The command and its apply step take the same."""

    first_name: str | None
    last_name: str | None
    phone_number: str | None
    email: str | None
    source: TicketSource
    language_code: str | None
    labels: Sequence[str]
    extra: Sequence[ExtraValue]


async def apply_create_queue_ticket(
    uow: UnitOfWork,
    *,
    line: Line,
    created_at: datetime | None = None,
    **fields: Unpack[QueueTicketFields],
) -> Ticket:
    """A NEW ticket, last in its line. `created_at` is for imports and the demo."""
    created = created_at or uow.now
    number = await next_number(uow, line.id, created)
    ticket = Ticket(
        workspace_id=uow.workspace_id,
        kind=QUEUE,
        status=QueueStatus.NEW,
        state="OPEN",
        created_at=created,
        updated_at=created,
        line_id=line.id,
        number=number,
        public_id=f"{line.prefix}-{number}",
        source=TicketSource(fields.get("source", TicketSource.MANUAL)),
        first_name=optional_text(fields.get("first_name"), "firstName"),
        last_name=optional_text(fields.get("last_name"), "lastName"),
        phone_number=optional_text(fields.get("phone_number"), "phoneNumber", max_length=64),
        email=check_email(fields.get("email")),
        language_code=optional_text(fields.get("language_code"), "languageCode", max_length=16),
        queue_key=created,
    )
    ticket.title = visitor_title(ticket)
    await insert_ticket(uow, ticket)
    changes: dict[str, object] = {}
    labels, extra = fields.get("labels", ()), fields.get("extra", ())
    names = [
        name for name in labels if await attach_label(uow, ticket, name, None, new_ticket=True)
    ]
    if names:
        changes["labels"] = [None, [name.strip() for name in names]]
    for field in extra:
        await put_extra(uow, ticket, field)
    if extra:
        changes["extra"] = [None, [field.title.strip() for field in extra]]
    await uow.record(ticket, EventType.CREATED, None, changes=changes or None)
    return ticket


# column -> (input field name, max length) of the visitor details update_ticket may change.
_VISITOR_FIELDS = {
    "first_name": ("firstName", 200),
    "last_name": ("lastName", 200),
    "phone_number": ("phoneNumber", 64),
    "language_code": ("languageCode", 16),
}


def _detail(name: str, what: str) -> Arg:
    return Arg(name, f'New {what}; null keeps it, "" clears it.', default=None, nullable=True)


@ticket_action(
    "update_ticket",
    from_statuses={NEW, CALLED},
    event=EventType.UPDATED,
    only_if_changed=True,
    description="Edit a waiting visitor.",
    input_description="Visitor details: a field left out stays, an empty string clears.",
    args=(
        _detail("first_name", "first name"),
        _detail("last_name", "last name"),
        _detail("phone_number", "phone number"),
        _detail("email", "email address"),
        _detail("language_code", "language code"),
    ),
)
async def apply_update_ticket(uow: UnitOfWork, ticket: Ticket, **fields: str | None) -> None:
    """Visitor details; a field left None stays as it is, an empty string clears it."""
    for name, value in fields.items():
        if value is None:
            continue
        if name == "email":
            ticket.email = check_email(value)
        else:
            field, max_length = _VISITOR_FIELDS[name]
            setattr(ticket, name, optional_text(value, field, max_length=max_length))
    ticket.title = visitor_title(ticket)


def back_in_line(ticket: Ticket, key: datetime) -> None:
    """NEW again, waiting at `key`, no longer called."""
    ticket.status = QueueStatus.NEW
    ticket.queue_key = key
    ticket.order_after = key
    ticket.called_at = None
    ticket.called_by_id = None
    ticket.desk = None


async def _line(uow: UnitOfWork, line_id: int, field: str) -> Line:
    return await get_row(uow, Line, line_id, field)


@ticket_action(
    "move_ticket",
    from_statuses={NEW, CALLED},
    to_status=NEW,
    event=EventType.MOVED,
    description="NEW or CALLED -> NEW, last in another line.",
    input_description="Send a NEW or CALLED ticket to another line, where it waits last.",
    args=(
        Arg(
            "line_id",
            "The line to move it to (`Line.id`).",
            ref="Line",
            load=_line,
            apply_as="line",
        ),
        ACTING_USER_ARG,
    ),
)
async def apply_move_ticket(uow: UnitOfWork, ticket: Ticket, *, line: Line) -> None:
    if line.id == ticket.line_id:
        raise validation("The ticket is already in this line.", "lineId")
    await close_interaction(uow, ticket)
    _, tail = await waiting_bounds(uow, line.id)
    ticket.line_id = line.id
    back_in_line(ticket, key_last(tail, uow.now))


@ticket_action(
    "cancel_ticket",
    from_statuses={NEW},
    to_status=QueueStatus.CANCELLED_BY_CLERK,
    event=EventType.CANCELLED,
    description="NEW -> CANCELLED_BY_CLERK.",
    input_description="Take a NEW ticket out of its line (CANCELLED_BY_CLERK).",
    args=(ACTING_USER_ARG,),
)
async def apply_cancel_ticket(uow: UnitOfWork, ticket: Ticket) -> None:
    ticket.closed_at = uow.now


async def _ticket_to_follow(uow: UnitOfWork, ticket_id: int, field: str) -> Ticket:
    return await load_ticket(uow, ticket_id, kind=QUEUE, action="reorder after", field=field)


@ticket_action(
    "reorder_ticket",
    from_statuses={NEW},
    to_status=NEW,
    event=EventType.REORDERED,
    description="Move a NEW ticket in its line.",
    input_description="Give either afterId (a waiting ticket of the line) or position.",
    id_description="The NEW ticket to move: its global ID (`Ticket.id`).",
    args=(
        Arg(
            "after_id",
            "Put it right behind this waiting ticket of the same line (`Ticket.id`).",
            ref="Ticket",
            default=None,
            nullable=True,
            load=_ticket_to_follow,
            apply_as="after",
        ),
        Arg(
            "position",
            "Or put it FIRST or LAST in its line.",
            type=QueuePosition,
            default=None,
            nullable=True,
        ),
    ),
)
async def apply_reorder_ticket(
    uow: UnitOfWork,
    ticket: Ticket,
    *,
    after: Ticket | None = None,
    position: QueuePosition | None = None,
) -> None:
    """Put a waiting ticket right after another waiting ticket of its line, or first / last."""
    if (after is None) == (position is None):
        raise validation("Give either a ticket to go after or a position.", "afterId")
    if after is not None:
        if after.id == ticket.id or after.line_id != ticket.line_id:
            raise validation("The ticket to go after must wait in the same line.", "afterId")
        if after.kind != QUEUE or after.status != QueueStatus.NEW:
            raise validation("The ticket to go after must be waiting.", "afterId")
        await _place_after(uow, ticket, after)
    elif position is not None:  # (exactly one of the two is given)
        ticket.queue_key = await key_at_end(uow, ticket, position)
    ticket.order_after = ticket.queue_key


async def _place_after(uow: UnitOfWork, ticket: Ticket, anchor: Ticket) -> None:
    rest = await waiting_after(uow, anchor, excluding=ticket.id)
    key = key_between(queue_key_of(anchor), queue_key_of(rest[0]) if rest else None)
    if key is not None:
        ticket.queue_key = key
        return
    # No room between the neighbours: push the tickets behind apart (their order is kept).
    keys = respace([queue_key_of(anchor), queue_key_of(anchor), *map(queue_key_of, rest)])
    ticket.queue_key = keys[1]
    for behind, new_key in zip(rest, keys[2:], strict=True):
        behind.queue_key = new_key


# --- commands ---


async def create_queue_ticket(
    env: ServiceEnv, principal: Principal, *, line_id: int, **fields: Unpack[QueueTicketFields]
) -> Ticket:
    # Not serial: the line's row, locked, orders the numbering of its tickets.
    async with command(env, principal, serial=False) as uow:
        line = await get_row(uow, Line, line_id, "lineId", lock=True)
        return await apply_create_queue_ticket(uow, line=line, **fields)


update_ticket = apply_update_ticket.command
move_ticket = apply_move_ticket.command
cancel_ticket = apply_cancel_ticket.command
reorder_ticket = apply_reorder_ticket.command
