"""Line statistics for a period (Line.stats): counts, waits, service times, desks, in SQL.

Four statements for any number of lines: the step counts and the distributions of waits and
service times (app/floor/measures.py), the tickets waiting now, and the desks that called.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, case, distinct, func, literal_column, select

from app.db import Interaction, Ticket, table_of
from app.db.engine import Database
from app.db.types import UTCDateTime
from app.domain.enums import EventType, QueueStatus, TicketKind
from app.floor.measures import SERVICE, WAIT, Distribution, measures, period_params, steps
from app.loaders.keys import KeysIn
from app.loaders.statements import LoaderStatement

# How far back a period may start: the statements read every call of the period.
MAX_PERIOD = timedelta(days=31)


@dataclass(frozen=True)
class LineStats:
    line_id: int
    waiting: int
    called: int
    served: int
    no_shows: int
    median_wait_seconds: float | None
    p90_wait_seconds: float | None
    median_service_seconds: float | None
    no_show_rate: float | None
    active_desks: int


def start_of_local_day(now: datetime, timezone: str) -> datetime:
    """Midnight of `now`'s day in the workspace's time zone: the default period."""
    local = now.astimezone(ZoneInfo(timezone))
    return datetime.combine(local.date(), time(), tzinfo=local.tzinfo)


def _step_count_statement() -> Any:
    s = steps()

    def count(type_: EventType) -> Any:
        return func.sum(case((s.c.type == type_.value, 1), else_=0))

    stmt = (
        select(
            s.c.line_id,
            count(EventType.CALLED).label("called"),
            count(EventType.SERVED).label("served"),
            count(EventType.NO_SHOW).label("no_shows"),
        )
        .where(s.c.at >= bindparam("since", type_=UTCDateTime()))
        .group_by(s.c.line_id)
    )
    return stmt


# Planned for their values, as app/floor/measures.py explains.
STEP_COUNTS = LoaderStatement(_step_count_statement(), planned=True)


async def step_counts(
    db: Database, workspace_id: int, line_ids: Sequence[int], since: datetime
) -> dict[int, tuple[int, int, int]]:
    """line id -> (calls, services, no-shows) since `since`."""
    rows = await STEP_COUNTS.rows(db, period_params(workspace_id, line_ids, since))
    return {row.line_id: (int(row.called), int(row.served), int(row.no_shows)) for row in rows}


async def waiting_counts(
    db: Database, workspace_id: int, line_ids: Sequence[int]
) -> dict[int, int]:
    """line id -> NEW tickets in it now (ix_ticket_queue)."""
    t = table_of(Ticket)
    stmt = (
        select(t.c.line_id, func.count().label("n"))
        .where(
            t.c.workspace_id == workspace_id,
            t.c.line_id.in_(list(line_ids)),
            # Constants in the text, not parameters: see app/floor/board.py.
            t.c.status == literal_column(f"'{QueueStatus.NEW.value}'"),
            t.c.kind == literal_column(f"'{TicketKind.QUEUE.value}'"),
        )
        .group_by(t.c.line_id)
    )
    async with db.read_session() as session:
        return {row.line_id: int(row.n) for row in (await session.execute(stmt)).all()}


def _active_desk_statement() -> Any:
    i = table_of(Interaction)
    stmt = (
        select(
            i.c.line_id,
            (
                func.count(distinct(i.c.desk))
                + func.count(distinct(case((i.c.desk.is_(None), i.c.user_id))))
            ).label("desks"),
        )
        .where(
            i.c.workspace_id == bindparam("workspace_id"),
            KeysIn(i.c.line_id, "line_ids"),
            i.c.start >= bindparam("since", type_=UTCDateTime()),
        )
        .group_by(i.c.line_id)
    )
    return stmt


ACTIVE_DESKS = LoaderStatement(_active_desk_statement(), planned=True)


async def active_desks(
    db: Database, workspace_id: int, line_ids: Sequence[int], since: datetime
) -> dict[int, int]:
    """line id -> desks that called one of its tickets since `since` (a call with no desk
    counts its clerk as one desk)."""
    rows = await ACTIVE_DESKS.rows(db, period_params(workspace_id, line_ids, since))
    return {row.line_id: int(row.desks) for row in rows}


async def line_stats(
    db: Database, workspace_id: int, line_ids: Sequence[int], since: datetime
) -> dict[int, LineStats]:
    counts = await step_counts(db, workspace_id, line_ids, since)
    distributions = await measures(db, workspace_id, line_ids, since)
    waiting = await waiting_counts(db, workspace_id, line_ids)
    desks = await active_desks(db, workspace_id, line_ids, since)
    result = {}
    for line_id in line_ids:
        called, served, no_shows = counts.get(line_id, (0, 0, 0))
        wait: Distribution | None = distributions.get((line_id, WAIT))
        service: Distribution | None = distributions.get((line_id, SERVICE))
        finished = served + no_shows
        result[line_id] = LineStats(
            line_id=line_id,
            waiting=waiting.get(line_id, 0),
            called=called,
            served=served,
            no_shows=no_shows,
            median_wait_seconds=wait.p50 if wait else None,
            p90_wait_seconds=wait.p90 if wait else None,
            median_service_seconds=service.p50 if service else None,
            no_show_rate=no_shows / finished if finished else None,
            active_desks=desks.get(line_id, 0),
        )
    return result
