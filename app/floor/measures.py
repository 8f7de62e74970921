"""A period's waits and desk times per line, from the event log, in one SQL statement.

Each queue ticket's steps (created, moved, returned, called, served, no-show, cancelled) are
paired with the step before them by a window function (LAG over the ticket's events in seq
order), so a wait is "called after it (re)entered the line" and a service "served after it was
called"; recalls are not steps. Only tickets with a call, service or no-show in the period are
read (ix_ticket_event_floor finds them), and their line is the one they are in now.
Percentiles are nearest-rank: the smallest value with at least p% of the values at or below it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.sql import Select

from app.db import Ticket, TicketEvent
from app.db.engine import Database
from app.domain.enums import EventType, TicketKind
from app.floor.sql_time import seconds_between
from app.loaders.base import table_of

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


def steps(workspace_id: int, line_ids: Sequence[int], since: datetime) -> Any:
    """Every step of the tickets active since `since`, with the step before it."""
    e, t = table_of(TicketEvent), table_of(Ticket)
    # The period's tickets first (from the index alone), then each one's row by primary key:
    # the lines' other tickets (most of them, at a million) are never read.
    active = (
        select(e.c.ticket_id)
        .where(
            e.c.workspace_id == workspace_id,
            e.c.type.in_([a.value for a in ACTIVITY]),
            e.c.at >= since,
        )
        .distinct()
        .subquery("floor_active")
    )
    tickets = (
        select(t.c.id, t.c.line_id)
        .join_from(active, t, t.c.id == active.c.ticket_id)
        .where(
            t.c.workspace_id == workspace_id,
            t.c.kind == TicketKind.QUEUE.value,
            t.c.line_id.in_(list(line_ids)),
        )
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
        .where(e.c.workspace_id == workspace_id, e.c.type.in_([s.value for s in _STEPS]))
        .subquery("floor_steps")
    )


def measure_statement(workspace_id: int, line_ids: Sequence[int], since: datetime) -> Select[Any]:
    s = steps(workspace_id, line_ids, since)
    metric = case(
        (and_(s.c.type == EventType.CALLED.value, s.c.prev_type.in_(_ENTER)), WAIT),
        (and_(s.c.type == EventType.SERVED.value, s.c.prev_type == EventType.CALLED), SERVICE),
        (
            and_(s.c.type.in_(_DONE_ELSEWISE), s.c.prev_type == EventType.CALLED.value),
            OTHER_DESK_TIME,
        ),
    ).label("metric")
    measured = (
        select(s.c.line_id, metric, seconds_between(s.c.at, s.c.prev_at).label("seconds"))
        .where(s.c.at >= since)
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
    return select(
        r.line_id,
        r.metric,
        func.max(r.n).label("n"),
        func.avg(r.seconds).label("mean"),
        func.avg(r.seconds * r.seconds).label("mean_square"),
        # Nearest rank: ceil(n/2) and ceil(9n/10), in integer arithmetic.
        func.max(case((r.rank == (r.n + 1) // 2, r.seconds))).label("p50"),
        func.max(case((r.rank == (9 * r.n + 9) // 10, r.seconds))).label("p90"),
    ).group_by(r.line_id, r.metric)


async def measures(
    db: Database, workspace_id: int, line_ids: Sequence[int], since: datetime
) -> dict[tuple[int, str], Distribution]:
    """(line id, metric) -> the distribution of that measure since `since`."""
    if not line_ids:
        return {}
    stmt = measure_statement(workspace_id, line_ids, since)
    async with db.read_session() as session:
        rows = (await session.execute(stmt)).all()
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
