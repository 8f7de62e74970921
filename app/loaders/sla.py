"""SLA reads: a ticket's timers (with their calendar's definition), policies and calendars by id."""

from __future__ import annotations

from sqlalchemy import Text, bindparam, cast, select

from app.db import SlaCalendar, SlaPolicy, SlaTimer
from app.loaders.base import table_of
from app.loaders.by_id import RowByIdLoader
from app.loaders.by_ticket import _ListByTicketIdLoader
from app.loaders.keys import KeysIn
from app.loaders.statements import LoaderStatement

_timer = table_of(SlaTimer)
_calendar = table_of(SlaCalendar)


class SlaTimersByTicketIdLoader(_ListByTicketIdLoader):
    """Timers carry their calendar's timezone and hours (null for 24/7): remainingSeconds is
    counted in that calendar."""

    statement = LoaderStatement(
        select(
            _timer,
            _calendar.c.timezone.label("calendar_timezone"),
            # As text: decoded only the first time this process sees the calendar.
            cast(_calendar.c.weekly_hours, Text).label("calendar_weekly_hours"),
            cast(_calendar.c.exceptions, Text).label("calendar_exceptions"),
            _calendar.c.created_at.label("calendar_created_at"),
        )
        .outerjoin(_calendar, _calendar.c.id == _timer.c.calendar_id)
        .where(
            _timer.c.workspace_id == bindparam("workspace_id"), KeysIn(_timer.c.ticket_id, "keys")
        )
        .order_by(_timer.c.id)
    )


class SlaPolicyByIdLoader(RowByIdLoader):
    table = table_of(SlaPolicy)


class SlaCalendarByIdLoader(RowByIdLoader):
    table = _calendar
