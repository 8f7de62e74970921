"""Small lists hanging off a ticket, whole: labels, interactions, extra fields."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, select

from app.db import ExtraField, Interaction, Label, Ticket, TicketLabel
from app.loaders.base import WorkspaceLoader, group_by, table_of

_label = table_of(Label)
_ticket_label = table_of(TicketLabel)
_interaction = table_of(Interaction)
_extra = table_of(ExtraField)
_ticket = table_of(Ticket)


class LabelsByTicketIdLoader(WorkspaceLoader[int, "list[Row[Any]]"]):
    async def batch_load_fn(self, keys: list[int]) -> list[list[Row[Any]]]:
        stmt = (
            select(_ticket_label.c.ticket_id, *_label.c)
            .join(_label, _label.c.id == _ticket_label.c.label_id)
            .where(
                _ticket_label.c.workspace_id == self.workspace_id,
                _label.c.workspace_id == self.workspace_id,
                _ticket_label.c.ticket_id.in_(keys),
            )
            .order_by(_label.c.name, _label.c.id)
        )
        grouped = group_by(await self.fetch(stmt), "ticket_id")
        return [grouped.get(key, []) for key in keys]


class InteractionsByTicketIdLoader(WorkspaceLoader[int, "list[Row[Any]]"]):
    """Rows carry `ticket_created_at` too: the wait time is measured from it."""

    async def batch_load_fn(self, keys: list[int]) -> list[list[Row[Any]]]:
        t = _interaction
        stmt = (
            select(t, _ticket.c.created_at.label("ticket_created_at"))
            .join(_ticket, _ticket.c.id == t.c.ticket_id)
            .where(t.c.workspace_id == self.workspace_id, t.c.ticket_id.in_(keys))
            .order_by(t.c.start, t.c.id)
        )
        grouped = group_by(await self.fetch(stmt), "ticket_id")
        return [grouped.get(key, []) for key in keys]


class ExtraFieldsByTicketIdLoader(WorkspaceLoader[int, "list[Row[Any]]"]):
    async def batch_load_fn(self, keys: list[int]) -> list[list[Row[Any]]]:
        t = _extra
        stmt = (
            select(t)
            .where(t.c.workspace_id == self.workspace_id, t.c.ticket_id.in_(keys))
            .order_by(t.c.position, t.c.id)
        )
        grouped = group_by(await self.fetch(stmt), "ticket_id")
        return [grouped.get(key, []) for key in keys]
