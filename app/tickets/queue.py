"""Queue tickets waiting in a line: create, edit the visitor, move, cancel, reorder.

The desk side (call, recall, return, served, no-show) is in queue_desk.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from app.db import Line, Ticket
from app.domain.enums import EventType, QueuePosition, QueueStatus, TicketKind, TicketSource
from app.domain.errors import validation
from app.domain.principal import Principal
from app.domain.queue_order import key_between, key_first, key_last, respace
from app.domain.states import check_queue_action
from app.domain.ticket_input import check_email, optional_text
from app.tickets.command import (
    close_interaction,
    command,
    get_row,
    load_ticket,
    mark_new,
    ticket_command,
)
from app.tickets.extras import ExtraValue, put_extra
from app.tickets.labels import attach_label
from app.tickets.queue_line import (
    line_of,
    next_number,
    queue_key_of,
    waiting_after,
    waiting_bounds,
)
from app.tickets.unit_of_work import ServiceEnv, UnitOfWork, snapshot

QUEUE = TicketKind.QUEUE


def visitor_title(ticket: Ticket) -> str | None:
    name = " ".join(part for part in (ticket.first_name, ticket.last_name) if part)
    return name or ticket.public_id


async def apply_create_queue_ticket(
    uow: UnitOfWork,
    *,
    line: Line,
    first_name: str | None = None,
    last_name: str | None = None,
    phone_number: str | None = None,
    email: str | None = None,
    source: TicketSource = TicketSource.MANUAL,
    language_code: str | None = None,
    labels: Sequence[str] = (),
    extra: Sequence[ExtraValue] = (),
    created_at: datetime | None = None,
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
        source=TicketSource(source),
        first_name=optional_text(first_name, "firstName"),
        last_name=optional_text(last_name, "lastName"),
        phone_number=optional_text(phone_number, "phoneNumber", max_length=64),
        email=check_email(email),
        language_code=optional_text(language_code, "languageCode", max_length=16),
        queue_key=created,
    )
    ticket.title = visitor_title(ticket)
    uow.session.add(ticket)
    await uow.session.flush()
    mark_new(uow, ticket)
    changes: dict[str, object] = {}
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


async def apply_update_ticket(uow: UnitOfWork, ticket: Ticket, **fields: str | None) -> Ticket:
    """Visitor details; a field left None stays as it is, an empty string clears it."""
    check_queue_action("update", ticket.status)
    before = snapshot(ticket)
    for name, value in fields.items():
        if value is None:
            continue
        if name == "email":
            ticket.email = check_email(value)
        else:
            field, max_length = _VISITOR_FIELDS[name]
            setattr(ticket, name, optional_text(value, field, max_length=max_length))
    ticket.title = visitor_title(ticket)
    if snapshot(ticket) != before:
        await uow.record(ticket, EventType.UPDATED, before)
    return ticket


def _back_in_line(ticket: Ticket, key: datetime) -> None:
    ticket.status = QueueStatus.NEW
    ticket.queue_key = key
    ticket.order_after = key
    ticket.called_at = None
    ticket.called_by_id = None
    ticket.desk = None


async def apply_move_ticket(uow: UnitOfWork, ticket: Ticket, *, line: Line) -> Ticket:
    check_queue_action("move", ticket.status)
    if line.id == ticket.line_id:
        raise validation("The ticket is already in this line.", "lineId")
    before = snapshot(ticket)
    await close_interaction(uow, ticket)
    _, tail = await waiting_bounds(uow, line.id)
    ticket.line_id = line.id
    _back_in_line(ticket, key_last(tail, uow.now))
    await uow.record(ticket, EventType.MOVED, before)
    return ticket


async def apply_return_to_queue(
    uow: UnitOfWork, ticket: Ticket, *, position: QueuePosition = QueuePosition.FIRST
) -> Ticket:
    check_queue_action("return to queue", ticket.status)
    before = snapshot(ticket)
    await close_interaction(uow, ticket)
    head, tail = await waiting_bounds(uow, line_of(ticket), excluding=ticket.id)
    first = QueuePosition(position) == QueuePosition.FIRST
    _back_in_line(ticket, key_first(head, uow.now) if first else key_last(tail, uow.now))
    await uow.record(ticket, EventType.RETURNED_TO_QUEUE, before)
    return ticket


async def apply_cancel_ticket(uow: UnitOfWork, ticket: Ticket) -> Ticket:
    check_queue_action("cancel", ticket.status)
    before = snapshot(ticket)
    ticket.status = QueueStatus.CANCELLED_BY_CLERK
    ticket.closed_at = uow.now
    await uow.record(ticket, EventType.CANCELLED, before)
    return ticket


async def apply_reorder_ticket(
    uow: UnitOfWork,
    ticket: Ticket,
    *,
    after: Ticket | None = None,
    position: QueuePosition | None = None,
) -> Ticket:
    """Put a waiting ticket right after another waiting ticket of its line, or first / last."""
    check_queue_action("reorder", ticket.status)
    if (after is None) == (position is None):
        raise validation("Give either a ticket to go after or a position.", "afterId")
    before = snapshot(ticket)
    if after is not None:
        if after.id == ticket.id or after.line_id != ticket.line_id:
            raise validation("The ticket to go after must wait in the same line.", "afterId")
        if after.kind != QUEUE or after.status != QueueStatus.NEW:
            raise validation("The ticket to go after must be waiting.", "afterId")
        await _place_after(uow, ticket, after)
    elif position is not None:  # (exactly one of the two is given)
        head, tail = await waiting_bounds(uow, line_of(ticket), excluding=ticket.id)
        first = QueuePosition(position) == QueuePosition.FIRST
        ticket.queue_key = key_first(head, uow.now) if first else key_last(tail, uow.now)
    ticket.order_after = ticket.queue_key
    await uow.record(ticket, EventType.REORDERED, before)
    return ticket


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
    env: ServiceEnv,
    principal: Principal,
    *,
    line_id: int,
    first_name: str | None = None,
    last_name: str | None = None,
    phone_number: str | None = None,
    email: str | None = None,
    source: TicketSource = TicketSource.MANUAL,
    language_code: str | None = None,
    labels: Sequence[str] = (),
    extra: Sequence[ExtraValue] = (),
) -> Ticket:
    async with command(env, principal) as uow:
        line = await get_row(uow, Line, line_id, "lineId")
        return await apply_create_queue_ticket(
            uow,
            line=line,
            first_name=first_name,
            last_name=last_name,
            phone_number=phone_number,
            email=email,
            source=source,
            language_code=language_code,
            labels=labels,
            extra=extra,
        )


async def update_ticket(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    phone_number: str | None = None,
    email: str | None = None,
    language_code: str | None = None,
    expected_version: int | None = None,
) -> Ticket:
    async with ticket_command(
        env, principal, ticket_id, kind=QUEUE, action="update", expected_version=expected_version
    ) as (uow, ticket):
        return await apply_update_ticket(
            uow,
            ticket,
            first_name=first_name,
            last_name=last_name,
            phone_number=phone_number,
            email=email,
            language_code=language_code,
        )


async def move_ticket(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    *,
    line_id: int,
    user_id: int | None = None,
    expected_version: int | None = None,
) -> Ticket:
    async with ticket_command(
        env,
        principal,
        ticket_id,
        kind=QUEUE,
        action="move",
        user_id=user_id,
        expected_version=expected_version,
    ) as (uow, ticket):
        line = await get_row(uow, Line, line_id, "lineId")
        return await apply_move_ticket(uow, ticket, line=line)


async def return_ticket_to_queue(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    *,
    position: QueuePosition = QueuePosition.FIRST,
    user_id: int | None = None,
    expected_version: int | None = None,
) -> Ticket:
    async with ticket_command(
        env,
        principal,
        ticket_id,
        kind=QUEUE,
        action="return to queue",
        user_id=user_id,
        expected_version=expected_version,
    ) as (uow, ticket):
        return await apply_return_to_queue(uow, ticket, position=position)


async def cancel_ticket(
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
        action="cancel",
        user_id=user_id,
        expected_version=expected_version,
    ) as (uow, ticket):
        return await apply_cancel_ticket(uow, ticket)


async def reorder_ticket(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    *,
    after_id: int | None = None,
    position: QueuePosition | None = None,
    expected_version: int | None = None,
) -> Ticket:
    async with command(env, principal) as uow:
        ticket = await load_ticket(
            uow, ticket_id, kind=QUEUE, action="reorder", expected_version=expected_version
        )
        after = None
        if after_id is not None:
            after = await load_ticket(
                uow, after_id, kind=QUEUE, action="reorder after", field="afterId"
            )
        return await apply_reorder_ticket(uow, ticket, after=after, position=position)
