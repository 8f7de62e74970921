"""What Ticket.sla shows of a timer row read by the loaders: its calendar, time left now."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from app.db import SlaCalendar, SlaPolicy
from app.db.engine import Database
from app.loaders.sla_calendars import definitions
from app.sla import timers
from app.sla.calendar import Calendar
from app.sla.calendar_store import parsed_definition
from app.sla.policies import policies_in_order

# Calendars by (id, creation time): rows are never edited, so that names one definition, and
# it is cheaper to look up than the definition itself (a page reads ~100 timers).
_BY_ROW: dict[tuple[int, datetime], Calendar] = {}
_BY_ROW_LIMIT = 1024


def calendar_of_timer(row: Any) -> Calendar | None:
    """The calendar of a timer as the loaders read it (None: 24/7)."""
    if row.calendar_created_at is None:
        return None
    key = (row.calendar_id, row.calendar_created_at)
    found = _BY_ROW.get(key)
    if found is None:
        if len(_BY_ROW) >= _BY_ROW_LIMIT:
            _BY_ROW.clear()
        stored = definitions[key]  # read with the timers (app/loaders/sla_calendars.py)
        found = _BY_ROW[key] = parsed_definition(
            stored.timezone, json.loads(stored.weekly_hours), json.loads(stored.exceptions)
        )
    return found


def remaining_seconds(row: Any, now: datetime) -> int:
    return timers.remaining_seconds(row, calendar_of_timer(row), now)


async def list_calendars(db: Database, workspace_id: int) -> list[SlaCalendar]:
    async with db.read_session() as session:
        stmt = select(SlaCalendar).where(col(SlaCalendar.workspace_id) == workspace_id)
        return list((await session.execute(stmt.order_by(col(SlaCalendar.name)))).scalars())


async def list_policies(db: Database, workspace_id: int) -> list[SlaPolicy]:
    """In the order they are tried."""
    async with db.read_session() as session:
        return await policies_in_order(session, workspace_id)
