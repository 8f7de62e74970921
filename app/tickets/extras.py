"""Extra fields on tickets (Qminder extra fields and external info), upserted by title."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import col

from app.db import ExtraField, Ticket
from app.domain.enums import EventType
from app.domain.principal import Principal
from app.domain.ticket_input import check_url, required_text
from app.tickets.command import ticket_command
from app.tickets.unit_of_work import ServiceEnv, UnitOfWork, snapshot


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


async def apply_set_extra(uow: UnitOfWork, ticket: Ticket, extra: ExtraValue) -> Ticket:
    """Setting a field to what it already holds is a no-op: no event."""
    before = snapshot(ticket)
    change = await put_extra(uow, ticket, extra)
    if change is not None:
        await uow.record(
            ticket, EventType.EXTRA_SET, before, changes={f"extra:{extra.title.strip()}": change}
        )
    return ticket


async def set_ticket_extra(
    env: ServiceEnv,
    principal: Principal,
    ticket_id: int,
    *,
    title: str,
    value: str | None = None,
    url: str | None = None,
    expected_version: int | None = None,
) -> Ticket:
    async with ticket_command(
        env,
        principal,
        ticket_id,
        kind=None,
        action="set extra fields of",
        expected_version=expected_version,
    ) as (uow, ticket):
        return await apply_set_extra(uow, ticket, ExtraValue(title, value, url))
