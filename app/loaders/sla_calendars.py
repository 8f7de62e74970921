"""The definitions of the business calendars SLA timers count in, read once per process.

Calendar rows are never edited, so (id, creation time) names one definition for good: timers
carry only that key, and a definition is read the first time a batch of timers names it. A
reader (app/sla/reads.py) finds it here for every timer it was read with.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, Text, bindparam, cast, select

from app.db import SlaCalendar, table_of
from app.db.engine import Database
from app.loaders.keys import KeysIn
from app.loaders.statements import LoaderStatement

CalendarKey = tuple[int, datetime]

_sla_calendar = table_of(SlaCalendar)
_workspace_id: BindParameter[int] = bindparam("workspace_id")

_CALENDARS = LoaderStatement(
    select(
        _sla_calendar.c.id,
        _sla_calendar.c.created_at,
        _sla_calendar.c.timezone,
        # As text: decoded once, when app/sla/reads.py parses the definition.
        cast(_sla_calendar.c.weekly_hours, Text).label("weekly_hours"),
        cast(_sla_calendar.c.exceptions, Text).label("exceptions"),
    ).where(_sla_calendar.c.workspace_id == _workspace_id, KeysIn(_sla_calendar.c.id, "keys"))
)

# Rows of _CALENDARS by (id, creation time). Never cleared: a workspace has a handful of
# calendars, and a definition a timer was read with must stay here for its reader.
definitions: dict[CalendarKey, Any] = {}


async def know_calendars(db: Database, workspace_id: int, keys: Iterable[CalendarKey]) -> None:
    """Read the definitions of the calendars `keys` names not seen yet (a statement only then)."""
    unseen = {
        calendar_id
        for calendar_id, created_at in keys
        if (calendar_id, created_at) not in definitions
    }
    if unseen:
        params = {"workspace_id": workspace_id, "keys": sorted(unseen)}
        for row in await _CALENDARS.rows(db, params):
            definitions[(row.id, row.created_at)] = row
