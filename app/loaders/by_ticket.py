"""Small lists hanging off a ticket, whole: labels, interactions, extra fields, SLA timers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import BindParameter, Row, Text, bindparam, cast, select

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
from app.loaders.keys import KeysIn
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


# The timer columns Ticket.sla shows or counts with: each column is decoded on every row, and
# a dashboard page reads ~100 timers.
_TIMER_COLUMNS = (
    "ticket_id", "policy_id", "calendar_id", "metric", "status", "cycle", "target_seconds",
    "started_at", "elapsed_us", "running_since", "due_at", "warn_at", "breached_at", "stopped_at",
)  # fmt: skip

# A calendar's definition as stored (its hours as JSON text), by (id, creation time).
CalendarKey = tuple[int, datetime]


class SlaTimersByTicketIdLoader(_ListByTicketIdLoader):
    """Timers carry their calendar's id and creation time (null for 24/7): remainingSeconds is
    counted in that calendar (app/sla/reads.py), whose definition is in `definitions`."""

    statement = LoaderStatement(
        select(
            *(_sla_timer.c[name] for name in _TIMER_COLUMNS),
            _sla_calendar.c.created_at.label("calendar_created_at"),
        )
        .outerjoin(_sla_calendar, _sla_calendar.c.id == _sla_timer.c.calendar_id)
        .where(_sla_timer.c.workspace_id == _workspace_id, KeysIn(_sla_timer.c.ticket_id, "keys"))
        .order_by(_sla_timer.c.id)
    )
    calendars = LoaderStatement(
        select(
            _sla_calendar.c.id,
            _sla_calendar.c.created_at,
            _sla_calendar.c.timezone,
            # As text: decoded only the first time this process sees the calendar.
            cast(_sla_calendar.c.weekly_hours, Text).label("weekly_hours"),
            cast(_sla_calendar.c.exceptions, Text).label("exceptions"),
        ).where(_sla_calendar.c.workspace_id == _workspace_id, KeysIn(_sla_calendar.c.id, "keys"))
    )
    # Process-wide: calendar rows are never edited, so (id, creation time) names one definition
    # for good. Read once per calendar, not with every timer (its hours were ~40% of the
    # timers' bytes). Never cleared: a workspace has a handful of calendars, and a row a
    # reader found here must stay here.
    definitions: ClassVar[dict[CalendarKey, Any]] = {}

    async def batch_load_fn(self, keys: list[int]) -> list[list[Row[Any]]]:
        params = {"workspace_id": self.workspace_id, "keys": keys}
        rows = await self.fetch(self.statement, params)
        known = self.definitions
        unseen = {
            row.calendar_id
            for row in rows
            if row.calendar_created_at is not None
            and (row.calendar_id, row.calendar_created_at) not in known
        }
        if unseen:
            params = {"workspace_id": self.workspace_id, "keys": sorted(unseen)}
            for calendar in await self.fetch(self.calendars, params):
                known[(calendar.id, calendar.created_at)] = calendar
        grouped = group_by(rows, "ticket_id")
        return [grouped.get(key, []) for key in keys]
