"""What a queue board shows: the called tickets with their desk, the waiting list with
positions and estimates, and per line the waiting count and a newcomer's estimated wait.

Visitors are named by `display_name` only: a board never carries a phone number, an email or a
last name (nothing else is even read from the table).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnClause

from app.db import Line, Ticket, table_of
from app.db.engine import Database
from app.domain.enums import QueueStatus, TicketKind
from app.domain.errors import DomainError, ErrorCode, validation
from app.domain.principal import Principal
from app.floor.estimates import estimate
from app.floor.names import display_name
from app.floor.service_rate import service_rates
from app.live.event_log import latest_seq_in

MAX_LINES = 50
CALLED_SHOWN = 12  # the latest calls, newest first
WAITING_SHOWN = 50  # per line, by position


@dataclass(frozen=True)
class BoardLine:
    id: int
    name: str
    waiting_count: int
    estimated_wait_seconds: int | None


@dataclass(frozen=True)
class BoardTicket:
    id: int
    public_id: str | None
    number: int | None
    display_name: str | None
    line_id: int
    desk: int | None
    called_at: datetime | None
    position: int | None
    estimated_call_at: datetime | None


@dataclass(frozen=True)
class Board:
    seq: int  # the event log position the board was read at (its cursor)
    lines: tuple[BoardLine, ...]
    called: tuple[BoardTicket, ...]
    waiting: tuple[BoardTicket, ...]

    def line(self, line_id: int) -> BoardLine:
        return next(line for line in self.lines if line.id == line_id)

    def signature(self) -> tuple[Any, ...]:
        """What the board shows, without its cursor and its estimates (which move with the
        clock): equal signatures mean nothing on the screen changed."""
        return (
            tuple((line.id, line.name, line.waiting_count) for line in self.lines),
            tuple((t.id, t.desk, t.called_at) for t in self.called),
            tuple((t.id, t.position, t.display_name) for t in self.waiting),
        )


def lines_for(principal: Principal, requested: Sequence[int] | None) -> tuple[int, ...] | None:
    """The lines a board may show: a DISPLAY key's own (all of them, or those asked for, which
    must be among them: FORBIDDEN otherwise); any other key, those asked for, or every line of
    the workspace (None)."""
    if requested is not None and len(set(requested)) > MAX_LINES:
        raise validation(f"A board shows at most {MAX_LINES} lines.", "lineIds")
    if principal.line_ids is None:
        return tuple(sorted(set(requested))) if requested is not None else None
    if requested is None:
        return principal.line_ids
    if not set(requested) <= set(principal.line_ids):
        raise DomainError(ErrorCode.FORBIDDEN, "This key may not show these lines.", "lineIds")
    return tuple(sorted(set(requested)))


async def _lines(
    session: AsyncSession, workspace_id: int, line_ids: Sequence[int] | None
) -> list[Any]:
    lines = table_of(Line)
    stmt = select(lines.c.id, lines.c.name).where(lines.c.workspace_id == workspace_id)
    if line_ids is not None:
        stmt = stmt.where(lines.c.id.in_(list(line_ids)))
    stmt = stmt.order_by(lines.c.id).limit(MAX_LINES)
    rows = list((await session.execute(stmt)).all())
    if line_ids is not None and len(rows) != len(set(line_ids)):
        raise DomainError(ErrorCode.NOT_FOUND, "Line not found.", "lineIds")
    return rows


_QUEUE: ColumnClause[str] = literal_column(f"'{TicketKind.QUEUE.value}'")
_NEW: ColumnClause[str] = literal_column(f"'{QueueStatus.NEW.value}'")
_CALLED: ColumnClause[str] = literal_column(f"'{QueueStatus.CALLED.value}'")
_SHOWN_COLUMNS = ("id", "public_id", "number", "first_name", "last_name", "line_id", "desk")


async def _tickets(
    session: AsyncSession, workspace_id: int, line_ids: list[int]
) -> tuple[Any, Any]:
    t = table_of(Ticket)
    columns = [t.c[name] for name in _SHOWN_COLUMNS]
    # Kind and status as constants in the SQL text: under one generic plan (app/db/engine.py)
    # a bound status could be any status, a third of the table, and PostgreSQL scanned it.
    mine = (t.c.workspace_id == workspace_id, t.c.kind == _QUEUE)
    called = (
        select(*columns, t.c.called_at)
        .where(*mine, t.c.line_id.in_(line_ids), t.c.status == _CALLED)
        .order_by(t.c.called_at.desc(), t.c.id.desc())
        .limit(CALLED_SHOWN)
    )
    place = func.row_number().over(partition_by=t.c.line_id, order_by=(t.c.queue_key, t.c.id))
    ranked = (
        select(*columns, t.c.queue_key, place.label("position"))
        .where(*mine, t.c.line_id.in_(line_ids), t.c.status == _NEW)
        .subquery("board_waiting")
    )
    waiting = (
        select(ranked)
        .where(ranked.c.position <= WAITING_SHOWN)
        .order_by(ranked.c.queue_key, ranked.c.id)
    )
    count = (
        select(t.c.line_id, func.count().label("n"))
        .where(*mine, t.c.line_id.in_(line_ids), t.c.status == _NEW)
        .group_by(t.c.line_id)
    )
    called_rows = (await session.execute(called)).all()
    waiting_rows = (await session.execute(waiting)).all()
    counts = {row.line_id: int(row.n) for row in (await session.execute(count)).all()}
    return (called_rows, waiting_rows), counts


async def read_board(
    db: Database, workspace_id: int, line_ids: Sequence[int] | None, *, now: datetime
) -> Board:
    """The board of these lines (None: every line of the workspace) as of now. What it shows
    and its cursor are read in one snapshot: a call committed meanwhile is on it as called,
    or not at all, never half (gone from the waiting list but not yet among the calls)."""
    async with db.snapshot_session() as session:
        seq = await latest_seq_in(session, workspace_id)
        lines = await _lines(session, workspace_id, line_ids)
        ids = [row.id for row in lines]
        (called_rows, waiting_rows), counts = await _tickets(session, workspace_id, ids)
    # The estimates apart: they move with the clock, and a board is not resent for them.
    rates = await service_rates(db, workspace_id, ids, now)

    def call_at(line_id: int, position: int) -> datetime | None:
        rate = rates.get(line_id)
        return estimate(rate, position).call_at if rate is not None else None

    board_lines = []
    for row in lines:
        waiting = counts.get(row.id, 0)
        rate = rates.get(row.id)
        newcomer = round(estimate(rate, waiting + 1).wait_seconds) if rate else None
        board_lines.append(BoardLine(row.id, row.name, waiting, newcomer))

    def ticket(row: Any, position: int | None) -> BoardTicket:
        return BoardTicket(
            id=row.id,
            public_id=row.public_id,
            number=row.number,
            display_name=display_name(row.first_name, row.last_name),
            line_id=row.line_id,
            desk=row.desk if position is None else None,
            called_at=getattr(row, "called_at", None),
            position=position,
            estimated_call_at=call_at(row.line_id, position) if position else None,
        )

    return Board(
        seq=seq,
        lines=tuple(board_lines),
        called=tuple(ticket(row, None) for row in called_rows),
        waiting=tuple(ticket(row, int(row.position)) for row in waiting_rows),
    )
