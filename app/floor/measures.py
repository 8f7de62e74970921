"""A period's waits and desk times per line, from the event log, in one SQL statement.

Each queue ticket's steps (created, moved, returned, called, served, no-show, cancelled) are
paired with the step before them by a window function (LAG over the ticket's events in seq
order), so a wait is "called after it (re)entered the line" and a service "served after it was
called"; recalls are not steps. Only tickets with a call, service or no-show in the period are
read (ix_ticket_event_floor finds them), and their line is the one they are in now.
Percentiles are nearest-rank: the smallest value with at least p% of the values at or below it.

The statements are built once and planned for each execution's values on PostgreSQL
(LoaderStatement planned=True): one generic plan for "since a moment" cannot know that the
period is a day of a year, and reads the whole log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, func, literal_column, select, type_coerce
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.types import NullType

from app.db import Ticket, TicketEvent, table_of
from app.db.engine import Database
from app.db.types import UTCDateTime
from app.domain.enums import EventType
from app.floor.sql_time import seconds_between
from app.loaders.keys import KeysIn
from app.loaders.statements import LoaderStatement

WAIT, SERVICE, OTHER_DESK_TIME = "wait", "service", "other"
# What puts a ticket (back) in a line to wait, and what ends a desk's time with it.
_ENTER = (EventType.CREATED, EventType.MOVED, EventType.RETURNED_TO_QUEUE)
_DONE_ELSEWISE = (EventType.NO_SHOW, EventType.RETURNED_TO_QUEUE, EventType.MOVED)
ACTIVITY = (EventType.CALLED, EventType.SERVED, EventType.NO_SHOW)
_STEPS = (*_ENTER, *ACTIVITY, EventType.CANCELLED)


@dataclass(frozen=True)
class Distribution:
    """One measure of one line over a period: how many, their mean, and percentiles (s)."""

    count: int
    mean: float
    mean_square: float
    p50: float
    p90: float

    @property
    def sd(self) -> float:
        return float(max(0.0, self.mean_square - self.mean * self.mean) ** 0.5)


def one_of(column: Any, values: Sequence[str]) -> Any:
    """`column IN ('A', 'B')` with the constants in the SQL text: an expanding IN would make
    the statement text depend on its values, and it is compiled once."""
    return column.in_([literal_column(f"'{value}'") for value in values])


def period_params(workspace_id: int, line_ids: Sequence[int], since: datetime) -> dict[str, Any]:
    """The parameters of every statement built on `steps()`."""
    return {"workspace_id": workspace_id, "line_ids": list(line_ids), "since": since}


def steps() -> Any:
    """Every step of the tickets active since :since, with the step before it; parameters
    :workspace_id, :since and :line_ids (a list)."""
    e, t = table_of(TicketEvent), table_of(Ticket)
    workspace_id: BindParameter[int] = bindparam("workspace_id")
    since = bindparam("since", type_=UTCDateTime())
    # The period's tickets first, from the index alone.
    active = (
        select(e.c.ticket_id)
        .where(
            e.c.workspace_id == workspace_id,
            one_of(e.c.type, ACTIVITY),
            e.c.at >= since,
        )
        .distinct()
        .subquery("floor_active")
    )
    # Each one's line by primary key (a subquery per ticket): never a join the planner may
    # answer by reading the lines' other tickets. Calls, services and no-shows are events of
    # queue tickets only.
    line_of = (
        select(t.c.line_id)
        .where(t.c.id == active.c.ticket_id, t.c.workspace_id == workspace_id)
        .scalar_subquery()
    )
    placed = select(active.c.ticket_id.label("id"), line_of.label("line_id")).subquery(
        "floor_placed"
    )
    tickets = (
        select(placed.c.id, placed.c.line_id)
        .where(KeysIn(placed.c.line_id, "line_ids"))
        .subquery("floor_tickets")
    )

    def before(column: Any) -> Any:
        return func.lag(column).over(partition_by=e.c.ticket_id, order_by=e.c.seq)

    return (
        select(
            tickets.c.line_id,
            e.c.type,
            e.c.at,
            before(e.c.type).label("prev_type"),
            before(e.c.at).label("prev_at"),
        )
        .join_from(e, tickets, e.c.ticket_id == tickets.c.id)
        .where(e.c.workspace_id == workspace_id, one_of(e.c.type, _STEPS))
        .subquery("floor_steps")
    )


def _measure_statement() -> Select[Any]:
    s = steps()
    metric = case(
        (and_(s.c.type == EventType.CALLED.value, one_of(s.c.prev_type, _ENTER)), WAIT),
        (and_(s.c.type == EventType.SERVED.value, s.c.prev_type == EventType.CALLED), SERVICE),
        (
            and_(one_of(s.c.type, _DONE_ELSEWISE), s.c.prev_type == EventType.CALLED.value),
            OTHER_DESK_TIME,
        ),
    ).label("metric")
    measured = (
        select(s.c.line_id, metric, seconds_between(s.c.at, s.c.prev_at).label("seconds"))
        .where(s.c.at >= bindparam("since", type_=UTCDateTime()))
        .subquery("floor_measured")
    )
    m = measured.c
    group = (m.line_id, m.metric)
    ranked = (
        select(
            m.line_id,
            m.metric,
            m.seconds,
            func.row_number().over(partition_by=group, order_by=m.seconds).label("rank"),
            func.count().over(partition_by=group).label("n"),
        )
        .where(m.metric.is_not(None))
        .subquery("floor_ranked")
    )
    r = ranked.c

    def number(value: Any, name: str) -> Any:
        # As the driver reads it (float, or Decimal from PostgreSQL's numeric): measures()
        # makes it a float. A Float type would want the column's wire type to read it.
        return type_coerce(value, NullType()).label(name)

    return select(
        r.line_id,
        r.metric,
        func.max(r.n).label("n"),
        number(func.avg(r.seconds), "mean"),
        number(func.avg(r.seconds * r.seconds), "mean_square"),
        # Nearest rank: ceil(n/2) and ceil(9n/10), in integer arithmetic.
        number(func.max(case((r.rank == (r.n + 1) // 2, r.seconds))), "p50"),
        number(func.max(case((r.rank == (9 * r.n + 9) // 10, r.seconds))), "p90"),
    ).group_by(r.line_id, r.metric)


MEASURES = LoaderStatement(_measure_statement(), planned=True)


async def measures(
    db: Database, workspace_id: int, line_ids: Sequence[int], since: datetime
) -> dict[tuple[int, str], Distribution]:
    """(line id, metric) -> the distribution of that measure since `since`."""
    if not line_ids:
        return {}
    rows = await MEASURES.rows(db, period_params(workspace_id, line_ids, since))
    return {
        (row.line_id, row.metric): Distribution(
            int(row.n),
            float(row.mean),
            float(row.mean_square),
            round(float(row.p50), 3),  # to the millisecond: SQLite's julianday carries ~40 µs
            round(float(row.p90), 3),
        )
        for row in rows
    }
