"""Labels on tickets (Qminder labels, Gorgias and Zaia tags). Labels are workspace rows, made
on first use. Adding a label a ticket has, or removing one it lacks, is a no-op: no event."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from app.db import Label, Ticket, TicketLabel
from app.domain.enums import EventType
from app.domain.principal import Principal
from app.domain.ticket_input import check_color, required_text
from app.tickets.command import memo, ticket_command
from app.tickets.unit_of_work import ServiceEnv, UnitOfWork, snapshot


async def find_label(uow: UnitOfWork, name: str) -> Label | None:
    label = memo(uow).get(("label", name))
    if label is None:
        stmt = select(Label).where(
            col(Label.workspace_id) == uow.workspace_id, col(Label.name) == name
        )
        label = (await uow.session.execute(stmt)).scalar_one_or_none()
        memo(uow)[("label", name)] = label
    return label


async def attach_label(
    uow: UnitOfWork, ticket: Ticket, name: str, color: str | None, *, new_ticket: bool = False
) -> bool:
    """Put a label on a ticket without an event. False when it was already there.
    `new_ticket`: the ticket was made in this transaction and has no labels yet."""
    name = required_text(name, "name")
    color = check_color(color)
    label = await find_label(uow, name)
    if label is None:
        label = Label(workspace_id=uow.workspace_id, name=name, color=color)
        uow.session.add(label)
        await uow.session.flush()
        memo(uow)[("label", name)] = label
    elif memo(uow).get(("link", ticket.id, label.id)) or (
        not new_ticket and await uow.session.get(TicketLabel, (ticket.id, label.id))
    ):
        return False
    memo(uow)[("link", ticket.id, label.id)] = True
    uow.session.add(
        TicketLabel(ticket_id=ticket.id, label_id=label.id, workspace_id=uow.workspace_id)
    )
    return True


async def apply_add_label(
    uow: UnitOfWork, ticket: Ticket, *, name: str, color: str | None = None
) -> Ticket:
    before = snapshot(ticket)
    if await attach_label(uow, ticket, name, color):
        await uow.record(
            ticket, EventType.LABEL_ADDED, before, changes={"label": [None, name.strip()]}
        )
    return ticket


async def apply_remove_label(uow: UnitOfWork, ticket: Ticket, *, name: str) -> Ticket:
    name = required_text(name, "name")
    label = await find_label(uow, name)
    link = None if label is None else await uow.session.get(TicketLabel, (ticket.id, label.id))
    if link is not None:
        before = snapshot(ticket)
        await uow.session.delete(link)
        memo(uow).pop(("link", ticket.id, link.label_id), None)
        await uow.record(ticket, EventType.LABEL_REMOVED, before, changes={"label": [name, None]})
    return ticket


async def add_ticket_label(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    *,
    name: str,
    color: str | None = None,
    expected_version: int | None = None,
) -> Ticket:
    async with ticket_command(
        env, principal, ticket_id, kind=None, action="label", expected_version=expected_version
    ) as (uow, ticket):
        return await apply_add_label(uow, ticket, name=name, color=color)


async def remove_ticket_label(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    *,
    name: str,
    expected_version: int | None = None,
) -> Ticket:
    async with ticket_command(
        env, principal, ticket_id, kind=None, action="label", expected_version=expected_version
    ) as (uow, ticket):
        return await apply_remove_label(uow, ticket, name=name)
