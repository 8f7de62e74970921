"""The ticket list behind Query.tickets: filters, keyset pagination both ways, total count.

Not a DataLoader (it is the root of a page, not a relation), but it reads the same way: rows,
one short session, always inside the caller's workspace.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, exists, false, func, or_, select
from sqlalchemy.sql import ColumnElement, Select

from app.db import Contact, Label, Ticket, TicketLabel
from app.db.engine import Database
from app.domain.enums import TicketKind
from app.loaders.base import records, table_of
from app.loaders.cursors import decode_keyset, encode_keyset

_ticket = table_of(Ticket)
_contact = table_of(Contact)
_label = table_of(Label)
_ticket_label = table_of(TicketLabel)

_CURSOR_PREFIX = {"created_at": "tc1", "updated_at": "tu1"}


@dataclass(frozen=True)
class TicketQuery:
    """Which tickets. Empty tuples mean "any"; list filters are ORed inside, ANDed together."""

    kinds: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    queue_statuses: tuple[str, ...] = ()
    helpdesk_statuses: tuple[str, ...] = ()
    line_ids: tuple[int, ...] = ()
    assignee_ids: tuple[int, ...] = ()
    team_ids: tuple[int, ...] = ()
    label_names: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    search: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    # Spam and trashed tickets are hidden unless asked for.
    include_removed: bool = False


@dataclass(frozen=True)
class TicketOrdering:
    field: str = "created_at"  # or "updated_at"
    descending: bool = True


@dataclass(frozen=True)
class TicketPage:
    rows: list[Row[Any]]
    has_next_page: bool
    has_previous_page: bool
    ordering: TicketOrdering

    def cursor(self, row: Any) -> str:
        field = self.ordering.field
        return encode_keyset(_CURSOR_PREFIX[field], getattr(row, field), row.id)


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(term: str) -> ColumnElement[bool]:
    pattern = _like(term.strip())
    t, c = _ticket, _contact
    full_name = func.coalesce(t.c.first_name, "") + " " + func.coalesce(t.c.last_name, "")
    columns = [t.c.first_name, t.c.last_name, full_name, t.c.title, t.c.subject, t.c.summary]
    columns += [t.c.public_id, t.c.email]
    matches = [col.ilike(pattern, escape="\\") for col in columns]
    contact_match = exists().where(
        c.c.id == t.c.contact_id,
        or_(*(col.ilike(pattern, escape="\\") for col in (c.c.name, c.c.email))),
    )
    return or_(*matches, contact_match)


def _conditions(workspace_id: int, q: TicketQuery) -> list[ColumnElement[bool]]:
    t = _ticket
    where: list[ColumnElement[bool]] = [t.c.workspace_id == workspace_id]
    if not q.include_removed:
        where += [t.c.spam == false(), t.c.trashed_at.is_(None)]
    if q.kinds:
        where.append(t.c.kind.in_(q.kinds))
    if q.states:
        where.append(t.c.state.in_(q.states))
    statuses = []
    if q.queue_statuses:
        statuses.append(and_(t.c.kind == TicketKind.QUEUE.value, t.c.status.in_(q.queue_statuses)))
    if q.helpdesk_statuses:
        statuses.append(
            and_(t.c.kind == TicketKind.HELPDESK.value, t.c.status.in_(q.helpdesk_statuses))
        )
    if statuses:
        where.append(or_(*statuses))
    for column, values in (
        (t.c.line_id, q.line_ids),
        (t.c.assignee_id, q.assignee_ids),
        (t.c.team_id, q.team_ids),
        (t.c.origin_system, q.origins),
    ):
        if values:
            where.append(column.in_(values))
    if q.label_names:
        tl, lb = _ticket_label, _label
        where.append(
            exists().where(
                tl.c.ticket_id == t.c.id, lb.c.id == tl.c.label_id, lb.c.name.in_(q.label_names)
            )
        )
    if q.search and q.search.strip():
        where.append(_search(q.search))
    if q.created_after is not None:
        where.append(t.c.created_at >= q.created_after)
    if q.created_before is not None:
        where.append(t.c.created_at < q.created_before)
    return where


def _beyond(order: TicketOrdering, cursor: str, field: str, forward: bool) -> ColumnElement[bool]:
    """Rows strictly after (forward) or before the cursor, in the list's own order."""
    value, row_id = decode_keyset(_CURSOR_PREFIX[order.field], cursor, field)
    key, ident = _ticket.c[order.field], _ticket.c.id
    later = forward != order.descending
    if later:
        return or_(key > value, and_(key == value, ident > row_id))
    return or_(key < value, and_(key == value, ident < row_id))


async def list_tickets(
    db: Database,
    workspace_id: int,
    query: TicketQuery,
    ordering: TicketOrdering,
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> TicketPage:
    """One page. `first` reads forward from `after`; `last` reads backward from `before`."""
    where = _conditions(workspace_id, query)
    if after is not None:
        where.append(_beyond(ordering, after, "after", forward=True))
    if before is not None:
        where.append(_beyond(ordering, before, "before", forward=False))
    backward = last is not None and first is None
    size = last if backward else first
    assert size is not None
    key, ident = _ticket.c[ordering.field], _ticket.c.id
    descending = ordering.descending != backward
    order_by = [key.desc(), ident.desc()] if descending else [key.asc(), ident.asc()]
    stmt: Select[Any] = select(_ticket).where(*where).order_by(*order_by).limit(size + 1)
    async with db.read_session() as session:
        rows = records(await session.execute(stmt))
    more = len(rows) > size
    rows = rows[:size]
    if backward:
        rows.reverse()
        return TicketPage(rows, before is not None, more, ordering)
    return TicketPage(rows, more, after is not None, ordering)


async def count_tickets(db: Database, workspace_id: int, query: TicketQuery) -> int:
    stmt = select(func.count()).select_from(_ticket).where(*_conditions(workspace_id, query))
    async with db.read_session() as session:
        return int((await session.execute(stmt)).scalar_one())
