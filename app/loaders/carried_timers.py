"""SLA timers carried by the ticket page's own statement, so that `sla` on a page costs no
statement of its own.

The page's statement gets one more column when the page's selection asks for `sla`: each
ticket's timers as one JSON array of arrays (TIMER_COLUMNS, then the calendar's creation
time), aggregated by a correlated subquery. A carried timer reads like a row of
SlaTimersByTicketIdLoader; its timestamps travel as ISO 8601 text and are parsed when first
read (a dashboard shows one or two of each timer's seven).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

# The timer columns Ticket.sla shows or counts with (each one is decoded for every timer).
TIMER_COLUMNS = (
    "ticket_id", "policy_id", "calendar_id", "metric", "status", "cycle", "target_seconds",
    "started_at", "elapsed_us", "running_since", "due_at", "warn_at", "breached_at", "stopped_at",
)  # fmt: skip
_INSTANTS = frozenset(
    {"started_at", "running_since", "due_at", "warn_at", "breached_at", "stopped_at"}
)
CARRIED = "carried_sla_timers"  # the page row's attribute


class CarriedTimers(ColumnElement[str]):
    """The timers of the ticket whose id is `ticket_id` (an outer column), as JSON text; null
    or [] when it has none."""

    __visit_name__ = "carried_timers"
    type = Text()
    _traverse_internals = [("ticket_id", InternalTraversal.dp_clauseelement)]

    def __init__(self, ticket_id: ColumnElement[Any]) -> None:
        self.ticket_id = ticket_id


def _values(instant: str) -> str:
    columns = [
        (f"t.{name} {instant}" if name in _INSTANTS else f"t.{name}") for name in TIMER_COLUMNS
    ]
    return ", ".join([*columns, f"c.created_at {instant}"])


_FROM = "FROM sla_timer t LEFT JOIN sla_calendar c ON c.id = t.calendar_id WHERE t.ticket_id = "


@compiles(CarriedTimers, "postgresql")
def _json_agg(element: CarriedTimers, compiler: Any, **kw: Any) -> str:
    # Timestamps as JSON writes them: ISO 8601 with the session's offset (see _parsed).
    ticket_id = compiler.process(element.ticket_id, **kw)
    values = _values("")
    return f"(SELECT json_agg(json_build_array({values}) ORDER BY t.id)::text {_FROM}{ticket_id})"


@compiles(CarriedTimers, "sqlite")
def _json_group_array(element: CarriedTimers, compiler: Any, **kw: Any) -> str:
    # SQLite keeps these columns as naive UTC text: with the offset they parse as UTC. json():
    # the inner arrays come out of the subquery as text, and would be aggregated as strings.
    ticket_id = compiler.process(element.ticket_id, **kw)
    values = _values("|| '+00:00'")
    return (
        f"(SELECT json_group_array(json(v)) FROM (SELECT json_array({values}) AS v "
        f"{_FROM}{ticket_id} ORDER BY t.id))"
    )


def _parsed(text: str) -> datetime:
    """A carried timestamp. With a zero offset (a session in UTC, SQLite) fromisoformat gives
    UTC itself, ~6x faster than parsing a naive time and replacing its tzinfo."""
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo is UTC else parsed.astimezone(UTC)


class _Column:
    """One value of a carried timer, by position."""

    def __init__(self, index: int) -> None:
        self.index = index

    def __get__(self, timer: CarriedTimer, owner: type) -> Any:
        return timer.values[self.index]


class _Instant(_Column):
    """A timestamp: parsed on first read, and kept in place of its text."""

    def __get__(self, timer: CarriedTimer, owner: type) -> Any:
        value = timer.values[self.index]
        if value is None or type(value) is datetime:
            return value
        parsed = _parsed(value)
        timer.values[self.index] = parsed
        return parsed


class _CreationTime(_Column):
    """The calendar's creation time, the key of its definition: read for every timer, and the
    same few texts again and again, so each distinct text is parsed once."""

    parsed: dict[str, datetime] = {}

    def __get__(self, timer: CarriedTimer, owner: type) -> Any:
        value = timer.values[self.index]
        if value is None or type(value) is datetime:
            return value
        parsed = timer.values[self.index] = self.of_text(value)
        return parsed

    def of_text(self, text: str) -> datetime:
        parsed = self.parsed.get(text)
        if parsed is None:
            if len(self.parsed) >= 1024:
                self.parsed.clear()
            parsed = self.parsed[text] = _parsed(text)
        return parsed


class CarriedTimer:
    """A timer read from the page's column (as a SlaTimersByTicketIdLoader row reads)."""

    __slots__ = ("values",)

    def __init__(self, values: list[Any]) -> None:
        self.values = values


for _index, _name in enumerate(TIMER_COLUMNS):
    setattr(CarriedTimer, _name, (_Instant if _name in _INSTANTS else _Column)(_index))
_CREATION = _CreationTime(len(TIMER_COLUMNS))
CarriedTimer.calendar_created_at = _CREATION  # type: ignore[attr-defined]  # set like the columns above


def carried_timers(text: str | None) -> list[CarriedTimer]:
    """The timers of one page row's column."""
    return [CarriedTimer(values) for values in orjson.loads(text)] if text else []


_CALENDAR_ID = TIMER_COLUMNS.index("calendar_id")


def calendar_keys(groups: Iterable[list[CarriedTimer]]) -> set[tuple[int, datetime]]:
    """The (id, creation time) of the calendars the timers count in: from the distinct raw
    values, each creation time parsed once."""
    raw = {(t.values[_CALENDAR_ID], t.values[-1]) for group in groups for t in group}
    return {(calendar_id, _CREATION.of_text(text)) for calendar_id, text in raw if calendar_id}
