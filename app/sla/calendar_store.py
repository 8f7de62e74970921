"""Calendars by id, parsed once per distinct content (rows are never edited in place)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import SlaCalendar
from app.sla.calendar import Calendar
from app.sla.calendar_input import from_json


@lru_cache(maxsize=256)
def _parsed(timezone: str, hours: str, special: str) -> Calendar:
    return from_json(timezone, json.loads(hours), json.loads(special))


def parsed_definition(timezone: str, hours: list[Any], special: list[Any]) -> Calendar:
    """The Calendar of a stored definition (parsed once per distinct content)."""
    return _parsed(timezone, json.dumps(hours, sort_keys=True), json.dumps(special, sort_keys=True))


def calendar_of(row: SlaCalendar) -> Calendar:
    return parsed_definition(row.timezone, row.weekly_hours, row.exceptions)


async def load_calendars(session: AsyncSession, ids: Iterable[int | None]) -> dict[int, Calendar]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    stmt = select(SlaCalendar).where(col(SlaCalendar.id).in_(wanted))
    rows = (await session.execute(stmt)).scalars()
    return {row.id: calendar_of(row) for row in rows if row.id is not None}
