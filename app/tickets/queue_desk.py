"""Queue tickets at the desk: call, call next, recall, return to the line, served, no-show.

A call opens an interaction (who, which desk, when); served / no-show / return / move close it.
Calls are safe under concurrency: a call locks its ticket and the calling agent's row, so two
desks calling one ticket queue up and the second sees the first's call, and one agent's calls
run one at a time; call-next is serial (it locks the workspace) and skips locked tickets.
Each action but call-next is declared once with `@ticket_action` (lifecycle.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlmodel import col

from app.db import Line, Ticket
from app.domain.enums import EventType, QueuePosition, QueueStatus, TicketKind
from app.domain.errors import validation
from app.domain.principal import Principal
from app.domain.ticket_input import check_desk
from app.live.service_env import ServiceEnv
from app.tickets.command import close_interaction, command, get_row, open_interaction
from app.tickets.lifecycle import ACTING_USER_ARG, DESK, Arg, ticket_action
from app.tickets.queue import back_in_line
from app.tickets.queue_line import key_at_end
from app.tickets.unit_of_work import UnitOfWork

QUEUE = TicketKind.QUEUE
NEW, CALLED = QueueStatus.NEW, QueueStatus.CALLED
KEEP_PREVIOUS = (
    "Leave the caller's other CALLED tickets as they are (by default they are marked served)."
)


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
        .with_for_update(key_share=True)  # others may be changing them: wait, then see it
    )
    for previous in (await uow.session.execute(stmt)).scalars().all():
        await apply_mark_served(uow, previous, user_id=user_id)


@ticket_action(
    "call_ticket",
    lock_actor=True,
    from_statuses={NEW},
    to_status=CALLED,
    event=EventType.CALLED,
    description="NEW -> CALLED to a desk.",
    input_description="Call this NEW ticket to a desk (CALLED).",
    args=(
        Arg("desk", DESK, type=int, default=None, nullable=True),
        ACTING_USER_ARG,
        Arg("keep_previous", KEEP_PREVIOUS, type=bool, default=False),
    ),
    actor_as="user_id",
)
async def apply_call(
    uow: UnitOfWork,
    ticket: Ticket,
    *,
    user_id: int,
    desk: int | None = None,
    keep_previous: bool = False,
) -> None:
    check_desk(desk)
    if not keep_previous:
        await _serve_previous(uow, user_id, ticket)
    ticket.called_at = uow.now
    ticket.called_by_id = user_id
    ticket.desk = desk
    await open_interaction(uow, ticket, user_id=user_id, desk=desk)


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


@ticket_action(
    "recall_ticket",
    from_statuses={CALLED},
    to_status=CALLED,
    event=EventType.RECALLED,
    description="Notify a CALLED visitor again.",
    input_description="Call a CALLED visitor again (they are notified again).",
    args=(ACTING_USER_ARG,),
    actor_as="user_id",
    touch=False,
)
async def apply_recall(uow: UnitOfWork, ticket: Ticket, *, user_id: int) -> None:
    """Notify the visitor again: an event, the ticket row is unchanged."""


@ticket_action(
    "return_ticket_to_queue",
    from_statuses={CALLED},
    to_status=NEW,
    event=EventType.RETURNED_TO_QUEUE,
    description="CALLED -> NEW, first or last.",
    input_description="Send a CALLED ticket back to its line (NEW), first or last.",
    args=(
        Arg(
            "position",
            "Where it waits again: FIRST (the default, called next) or LAST.",
            type=QueuePosition,
            default=QueuePosition.FIRST,
        ),
        ACTING_USER_ARG,
    ),
)
async def apply_return_to_queue(
    uow: UnitOfWork, ticket: Ticket, *, position: QueuePosition = QueuePosition.FIRST
) -> None:
    await close_interaction(uow, ticket)
    back_in_line(ticket, await key_at_end(uow, ticket, position))


@ticket_action(
    "mark_ticket_served",
    from_statuses={CALLED},
    to_status=QueueStatus.SERVED,
    event=EventType.SERVED,
    description="CALLED -> SERVED.",
    input_description="End a CALLED ticket's visit: SERVED.",
    args=(ACTING_USER_ARG,),
    actor_as="user_id",
)
async def apply_mark_served(uow: UnitOfWork, ticket: Ticket, *, user_id: int) -> None:
    await close_interaction(uow, ticket)
    ticket.served_at = ticket.closed_at = uow.now


@ticket_action(
    "mark_ticket_no_show",
    verb="mark no-show",
    from_statuses={CALLED},
    to_status=QueueStatus.NOSHOW,
    event=EventType.NO_SHOW,
    description="CALLED -> NOSHOW.",
    input_description="End a CALLED ticket's visit: the visitor did not come (NOSHOW).",
    args=(ACTING_USER_ARG,),
    actor_as="user_id",
)
async def apply_mark_no_show(uow: UnitOfWork, ticket: Ticket, *, user_id: int) -> None:
    await close_interaction(uow, ticket)
    ticket.closed_at = uow.now


# --- commands ---


call_ticket = apply_call.command


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


recall_ticket = apply_recall.command
return_ticket_to_queue = apply_return_to_queue.command
mark_ticket_served = apply_mark_served.command
mark_ticket_no_show = apply_mark_no_show.command
