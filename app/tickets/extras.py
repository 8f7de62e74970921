"""Extra fields on tickets (Qminder extra fields and external info), upserted by title.
Setting one through the API is declared once with `@ticket_action` (lifecycle.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import col

from app.db import ExtraField, Ticket
from app.domain.enums import EventType
from app.domain.ticket_input import check_url, required_text
from app.tickets.lifecycle import NO_EVENT, Arg, Outcome, ticket_action
from app.tickets.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ExtraValue:
    title: str
    value: str | None = None
    url: str | None = None


async def put_extra(uow: UnitOfWork, ticket: Ticket, extra: ExtraValue) -> list[str | None] | None:
    """Upsert without an event; returns [old value, new value], or None if nothing changed."""
    title = required_text(extra.title, "title", max_length=500)
    url = check_url(extra.url)
    stmt = select(ExtraField).where(
        col(ExtraField.ticket_id) == ticket.id, col(ExtraField.title) == title
    )
    row = (await uow.session.execute(stmt)).scalar_one_or_none()
    if row is None:
        count = (
            select(func.count())
            .select_from(ExtraField)
            .where(col(ExtraField.ticket_id) == ticket.id)
        )
        position = (await uow.session.execute(count)).scalar_one()
        uow.session.add(
            ExtraField(
                workspace_id=uow.workspace_id,
                ticket_id=ticket.id,
                position=position,
                title=title,
                value=extra.value,
                url=url,
            )
        )
        return [None, extra.value]
    if (row.value, row.url) == (extra.value, url):
        return None
    old = row.value
    row.value, row.url = extra.value, url
    return [old, extra.value]


@ticket_action(
    "set_ticket_extra",
    event=EventType.EXTRA_SET,
    description="Set (or replace) an extra field of a ticket, by title.",
    input_description="Set the extra field with this title (made if missing).",
    args=(
        Arg("title", "The field's name; the field with this title is replaced."),
        Arg("value", "Its value as text; null for none.", default=None, nullable=True),
        Arg("url", "A link to open for it; null for none.", default=None, nullable=True),
    ),
)
async def apply_set_extra_field(
    uow: UnitOfWork, ticket: Ticket, *, title: str, value: str | None = None, url: str | None = None
) -> Outcome:
    """Setting a field to what it already holds is a no-op: no event."""
    change = await put_extra(uow, ticket, ExtraValue(title, value, url))
    return NO_EVENT if change is None else {f"extra:{title.strip()}": change}


async def apply_set_extra(uow: UnitOfWork, ticket: Ticket, extra: ExtraValue) -> Ticket:
    return await apply_set_extra_field(
        uow, ticket, title=extra.title, value=extra.value, url=extra.url
    )


set_ticket_extra = apply_set_extra_field.command
