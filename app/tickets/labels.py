"""Labels on tickets (Qminder labels, Gorgias and Zaia tags). Labels are workspace rows, made
on first use. Adding a label a ticket has, or removing one it lacks, is a no-op: no event.
Adding and removing are declared once each with `@ticket_action` (lifecycle.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from app.db import Label, Ticket, TicketLabel
from app.domain.enums import EventType
from app.domain.ticket_input import check_color, required_text
from app.tickets.command import memo
from app.tickets.lifecycle import NO_EVENT, Arg, Outcome, ticket_action
from app.tickets.unit_of_work import UnitOfWork


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


@ticket_action(
    "add_ticket_label",
    event=EventType.LABEL_ADDED,
    description="Put a label on a ticket (made on first use); adding one it has is no error.",
    input_description="The label is made on first use (with this color).",
    args=(
        Arg(
            "name",
            "The label's name; a label of this name is made if the workspace has none.",
        ),
        Arg("color", "#RGB or #RRGGBB.", default=None, nullable=True),
    ),
)
async def apply_add_label(
    uow: UnitOfWork, ticket: Ticket, *, name: str, color: str | None = None
) -> Outcome:
    if not await attach_label(uow, ticket, name, color):
        return NO_EVENT
    return {"label": [None, name.strip()]}


@ticket_action(
    "remove_ticket_label",
    event=EventType.LABEL_REMOVED,
    description="Take a label off a ticket.",
    input_description="Take a label off a ticket; a label it does not carry is no error.",
    args=(Arg("name", "The label's name."),),
)
async def apply_remove_label(uow: UnitOfWork, ticket: Ticket, *, name: str) -> Outcome:
    name = required_text(name, "name")
    label = await find_label(uow, name)
    link = None if label is None else await uow.session.get(TicketLabel, (ticket.id, label.id))
    if link is None:
        return NO_EVENT
    await uow.session.delete(link)
    memo(uow).pop(("link", ticket.id, link.label_id), None)
    return {"label": [name, None]}


add_ticket_label = apply_add_label.command
remove_ticket_label = apply_remove_label.command
