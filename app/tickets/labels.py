"""Labels on tickets (Qminder labels, Gorgias and Zaia tags). Labels are workspace rows, made
on first use. Adding a label a ticket has, or removing one it lacks, is a no-op: no event.
Adding and removing are declared once each with `@ticket_action` (lifecycle.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
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


async def _find_label_and_link(
    uow: UnitOfWork, ticket: Ticket, name: str
) -> tuple[Label | None, bool]:
    """The label and whether the ticket has it, in one statement."""
    label = memo(uow).get(("label", name))
    if label is not None:
        linked = memo(uow).get(("link", ticket.id, label.id)) or bool(
            await uow.session.get(TicketLabel, (ticket.id, label.id))
        )
        return label, linked
    stmt = (
        select(Label, col(TicketLabel.ticket_id))
        .outerjoin(
            TicketLabel,
            (col(TicketLabel.label_id) == Label.id) & (col(TicketLabel.ticket_id) == ticket.id),
        )
        .where(col(Label.workspace_id) == uow.workspace_id, col(Label.name) == name)
    )
    row = (await uow.session.execute(stmt)).one_or_none()
    if row is None:
        return None, False
    memo(uow)[("label", name)] = row[0]
    return row[0], row[1] is not None


async def _make_label(uow: UnitOfWork, name: str, color: str | None) -> Label:
    """A new label; on PostgreSQL a command running beside this one may make it first (ticket
    commands are not serial), so the insert takes theirs instead of failing."""
    if not uow.postgres:
        return await uow.insert(Label(workspace_id=uow.workspace_id, name=name, color=color))
    stmt = (
        pg_insert(Label)
        .values(workspace_id=uow.workspace_id, name=name, color=color)
        .on_conflict_do_update(index_elements=["workspace_id", "name"], set_={"name": name})
        .returning(Label)
    )
    return (await uow.session.execute(stmt)).scalar_one()


async def attach_label(
    uow: UnitOfWork, ticket: Ticket, name: str, color: str | None, *, new_ticket: bool = False
) -> bool:
    """Put a label on a ticket without an event. False when it was already there.
    `new_ticket`: the ticket was made in this transaction and has no labels yet."""
    name = required_text(name, "name")
    color = check_color(color)
    if new_ticket:
        label, linked = await find_label(uow, name), False
        linked = label is not None and bool(memo(uow).get(("link", ticket.id, label.id)))
    else:
        label, linked = await _find_label_and_link(uow, ticket, name)
    if label is None:
        label = await _make_label(uow, name, color)
        memo(uow)[("label", name)] = label
    elif linked:
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
