"""Small lists hanging off a ticket, whole: labels, interactions, extra fields, SLA timers."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import BindParameter, Row, bindparam, select

from app.db import (
    ExtraField,
    Interaction,
    Label,
    SlaCalendar,
    SlaTimer,
    Ticket,
    TicketLabel,
    table_of,
)
from app.loaders.base import WorkspaceLoader, group_by
from app.loaders.carried_timers import TIMER_COLUMNS
from app.loaders.keys import KeysIn
from app.loaders.sla_calendars import know_calendars
from app.loaders.statements import LoaderStatement

_label = table_of(Label)
_ticket_label = table_of(TicketLabel)
_interaction = table_of(Interaction)
_extra = table_of(ExtraField)
_ticket = table_of(Ticket)
_sla_timer = table_of(SlaTimer)
_sla_calendar = table_of(SlaCalendar)
_workspace_id: BindParameter[int] = bindparam("workspace_id")


class _ListByTicketIdLoader(WorkspaceLoader[int, "list[Row[Any]]"]):
    """Rows carrying `ticket_id`, grouped per ticket; `statement` binds workspace_id and keys
    (built once: a fresh Select per batch cost a cache-key walk on every execution)."""

    statement: ClassVar[LoaderStatement]

    async def batch_load_fn(self, keys: list[int]) -> list[list[Row[Any]]]:
        params = {"workspace_id": self.workspace_id, "keys": keys}
        grouped = group_by(await self.fetch(self.statement, params), "ticket_id")
        return [grouped.get(key, []) for key in keys]


class LabelsByTicketIdLoader(_ListByTicketIdLoader):
    statement = LoaderStatement(
        select(_ticket_label.c.ticket_id, *_label.c)
        .join(_label, _label.c.id == _ticket_label.c.label_id)
        .where(
            _ticket_label.c.workspace_id == _workspace_id,
            _label.c.workspace_id == _workspace_id,
            KeysIn(_ticket_label.c.ticket_id, "keys"),
        )
        .order_by(_label.c.name, _label.c.id)
    )


class InteractionsByTicketIdLoader(_ListByTicketIdLoader):
    """Rows carry `ticket_created_at` too: the wait time is measured from it."""

    statement = LoaderStatement(
        select(_interaction, _ticket.c.created_at.label("ticket_created_at"))
        .join(_ticket, _ticket.c.id == _interaction.c.ticket_id)
        .where(
            _interaction.c.workspace_id == _workspace_id,
            KeysIn(_interaction.c.ticket_id, "keys"),
        )
        .order_by(_interaction.c.start, _interaction.c.id)
    )


class ExtraFieldsByTicketIdLoader(_ListByTicketIdLoader):
    statement = LoaderStatement(
        select(_extra)
        .where(_extra.c.workspace_id == _workspace_id, KeysIn(_extra.c.ticket_id, "keys"))
        .order_by(_extra.c.position, _extra.c.id)
    )


class SlaTimersByTicketIdLoader(_ListByTicketIdLoader):
    """Timers carry their calendar's id and creation time (null for 24/7): remainingSeconds is
    counted in that calendar (app/sla/reads.py), its definition read once (sla_calendars)."""

    statement = LoaderStatement(
        select(
            *(_sla_timer.c[name] for name in TIMER_COLUMNS),
            _sla_calendar.c.created_at.label("calendar_created_at"),
        )
        .outerjoin(_sla_calendar, _sla_calendar.c.id == _sla_timer.c.calendar_id)
        .where(_sla_timer.c.workspace_id == _workspace_id, KeysIn(_sla_timer.c.ticket_id, "keys"))
        .order_by(_sla_timer.c.id)
    )

    async def batch_load_fn(self, keys: list[int]) -> list[list[Row[Any]]]:
        rows = await self.fetch(self.statement, {"workspace_id": self.workspace_id, "keys": keys})
        calendars = {(r.calendar_id, r.calendar_created_at) for r in rows if r.calendar_id}
        await know_calendars(self.db, self.workspace_id, calendars)
        grouped = group_by(rows, "ticket_id")
        return [grouped.get(key, []) for key in keys]
