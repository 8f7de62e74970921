"""SLA timers carried by the ticket page's own statement, so that `sla` on a page costs no
statement of its own.

The page's statement gets one more column when the page's selection asks for `sla`: each
ticket's timers as one JSON array of arrays (TIMER_COLUMNS, then the calendar's creation
time). PostgreSQL keeps each timer's array in `sla_timer.carried` (a trigger writes it with
the row: app.db.derived.sla_carried) and the page's subquery only joins them; SQLite builds them
in a correlated subquery. A carried timer reads like a row of SlaTimersByTicketIdLoader; its
timestamps travel as ISO 8601 text.

The text is the whole state of a ticket's timers, so the timers read from a text are kept
for the next page that carries the same text (a dashboard shows the same timers again and
again): no JSON parsed, no objects built, no timestamp parsed, and plain attributes to read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson
from sqlalchemy import Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from app.db.derived.sla_carried import COLUMN as STORED
from app.db.derived.sla_carried import TABLE as TIMERS

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


_FROM = f"FROM {TIMERS} t LEFT JOIN sla_calendar c ON c.id = t.calendar_id WHERE t.ticket_id = "


@compiles(CarriedTimers, "postgresql")
def _stored_arrays(element: CarriedTimers, compiler: Any, **kw: Any) -> str:
    # The arrays as the trigger stored them (ISO 8601 in UTC, see _parsed), in a JSON array.
    ticket_id = compiler.process(element.ticket_id, **kw)
    return (
        f"(SELECT '[' || string_agg(t.{STORED}, ',' ORDER BY t.id) || ']' "
        f"FROM {TIMERS} t WHERE t.ticket_id = {ticket_id})"
    )


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


# Calendar creation times by their text: the same few texts again and again.
_CREATED: dict[str, datetime] = {}


def _creation_time(text: str | None) -> datetime | None:
    if text is None:
        return None
    parsed = _CREATED.get(text)
    if parsed is None:
        if len(_CREATED) >= 1024:
            _CREATED.clear()
        parsed = _CREATED[text] = _parsed(text)
    return parsed


_READERS = [(name, _parsed if name in _INSTANTS else None) for name in TIMER_COLUMNS]


class CarriedTimer:
    """A timer read from the page's column (as a SlaTimersByTicketIdLoader row reads): its
    values as plain attributes, timestamps parsed. Built once per text (carried_timers keeps
    it), then read by every page that carries the same text."""

    __slots__ = (*TIMER_COLUMNS, "calendar_created_at")
    # The two the page reads itself; the others are read as any loader row's (untyped).
    calendar_id: int | None
    calendar_created_at: datetime | None  # None: a 24/7 timer

    def __init__(self, values: list[Any]) -> None:
        for (name, parse), value in zip(_READERS, values, strict=False):
            setattr(self, name, value if parse is None or value is None else parse(value))
        self.calendar_created_at = _creation_time(values[len(TIMER_COLUMNS)])


class CarriedText(NamedTuple):
    """What one page row's column holds: its ticket's timers, and the (id, creation time) of
    the calendars they count in."""

    timers: tuple[CarriedTimer, ...]
    calendars: frozenset[tuple[int, datetime]]


_NONE = CarriedText((), frozenset())
# Texts read so far, and their timers. The timers are never written once built: sharing them
# between pages is sharing what a text says. Bounded (a few thousand tickets' timers, ~1 KB each).
_READ: dict[str, CarriedText] = {}
_READ_LIMIT = 4096


def carried_timers(text: str | None) -> CarriedText:
    """The timers of one page row's column."""
    if not text:
        return _NONE
    found = _READ.get(text)
    if found is None:
        if len(_READ) >= _READ_LIMIT:
            _READ.clear()
        timers = tuple(CarriedTimer(values) for values in orjson.loads(text))
        calendars = frozenset(
            (t.calendar_id, t.calendar_created_at)
            for t in timers
            if t.calendar_id is not None and t.calendar_created_at is not None
        )
        found = _READ[text] = CarriedText(timers, calendars)
    return found
