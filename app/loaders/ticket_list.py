"""The ticket list behind Query.tickets: filters, keyset pagination both ways.

Not a DataLoader (it is the root of a page, not a relation), but it reads the same way: every
value a bound parameter, one statement per shape of filter compiled once and run on the driver
connection, always inside the caller's workspace. totalCount: app.loaders.ticket_count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Row, and_, bindparam, exists, false, or_, select
from sqlalchemy.sql import ColumnElement

from app.db import Label, SlaTimer, Ticket, TicketLabel
from app.db.engine import Database
from app.domain.enums import TicketKind
from app.domain.search import search_term
from app.loaders.base import table_of
from app.loaders.by_id import TICKET_ROW_COLUMNS
from app.loaders.cursors import decode_keyset, encode_keyset
from app.loaders.keys import KeysIn
from app.loaders.statements import LoaderStatement
from app.loaders.ticket_search import TicketSearch

_ticket = table_of(Ticket)
_label = table_of(Label)
_ticket_label = table_of(TicketLabel)
_sla_timer = table_of(SlaTimer)

_CURSOR_PREFIX = {"created_at": "tc1", "updated_at": "tu1", "sla_due_at": "ts1"}


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
    # Tickets with at least one SLA timer in one of these statuses.
    sla_statuses: tuple[str, ...] = ()
    search: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    # Spam and trashed tickets are hidden unless asked for.
    include_removed: bool = False


@dataclass(frozen=True)
class TicketOrdering:
    field: str = "created_at"  # or "updated_at", "sla_due_at"
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


# TicketQuery's list filters: the column each one matches (labels and statuses are apart).
_LISTS = {
    "kinds": _ticket.c.kind,
    "states": _ticket.c.state,
    "line_ids": _ticket.c.line_id,
    "assignee_ids": _ticket.c.assignee_id,
    "team_ids": _ticket.c.team_id,
    "origins": _ticket.c.origin_system,
}
_LIST_FIELDS = (*_LISTS, "queue_statuses", "helpdesk_statuses", "label_names", "sla_statuses")


@dataclass(frozen=True)
class Shape:
    """What a list statement's text depends on: which filters are set, not their values."""

    lists: tuple[str, ...]  # names of the TicketQuery list fields that are not empty
    search: bool
    created_after: bool
    created_before: bool
    include_removed: bool


def bind_query(workspace_id: int, q: TicketQuery) -> tuple[Shape, dict[str, Any]]:
    """The shape of `q`'s statement, and the values it binds by parameter name."""
    params: dict[str, Any] = {"workspace_id": workspace_id}
    params.update({f: list(getattr(q, f)) for f in _LIST_FIELDS if getattr(q, f)})
    term = search_term(q.search)  # DomainError when out of bounds
    if term is not None:
        params["search"] = term
    if q.created_after is not None:
        params["created_after"] = q.created_after
    if q.created_before is not None:
        params["created_before"] = q.created_before
    shape = Shape(
        lists=tuple(f for f in _LIST_FIELDS if f in params),
        search="search" in params,
        created_after="created_after" in params,
        created_before="created_before" in params,
        include_removed=q.include_removed,
    )
    return shape, params


_LABEL_IDS = LoaderStatement(
    select(_label.c.id).where(
        _label.c.workspace_id == bindparam("workspace_id"), KeysIn(_label.c.name, "label_names")
    )
)


async def bind_filter(
    db: Database, workspace_id: int, q: TicketQuery
) -> tuple[Shape, dict[str, Any]] | None:
    """bind_query, with labels named by the filter bound by id; None when none of them exists
    (nothing can match). By id, the planner sees which labels and how many tickets each has:
    by name (through a join), every label looked as common as the average one, and a label on
    a few tickets was looked for by walking all of them."""
    shape, params = bind_query(workspace_id, q)
    if "label_names" in params:
        found = await _LABEL_IDS.rows(db, params)
        if not found:
            return None
        params["label_ids"] = [row[0] for row in found]
    return shape, params


def status_condition(
    shape: Shape, kind: ColumnElement[str], status: ColumnElement[str]
) -> ColumnElement[bool] | None:
    """queueStatuses and helpdeskStatuses: each kind's own statuses, ORed (None if neither)."""
    statuses = []
    if "queue_statuses" in shape.lists:
        statuses.append(and_(kind == TicketKind.QUEUE.value, KeysIn(status, "queue_statuses")))
    if "helpdesk_statuses" in shape.lists:
        helpdesk = KeysIn(status, "helpdesk_statuses")
        statuses.append(and_(kind == TicketKind.HELPDESK.value, helpdesk))
    return or_(*statuses) if statuses else None


# Filters whose matches may be many or none, depending on the values: one plan for every
# value can't serve both (walk the creation index until 50 match, or read the few matches by
# their own index), so these statements are planned for each execution's values.
_SELECTIVE = frozenset(
    {"line_ids", "assignee_ids", "team_ids", "label_names", "origins", "sla_statuses"}
)


def planned_by_values(shape: Shape) -> bool:
    dates = shape.created_after or shape.created_before
    return shape.search or dates or not _SELECTIVE.isdisjoint(shape.lists)


def conditions(shape: Shape) -> list[ColumnElement[bool]]:
    t = _ticket
    where: list[ColumnElement[bool]] = [t.c.workspace_id == bindparam("workspace_id")]
    if not shape.include_removed:
        where += [t.c.spam == false(), t.c.trashed_at.is_(None)]
    where += [KeysIn(_LISTS[name], name) for name in shape.lists if name in _LISTS]
    statuses = status_condition(shape, t.c.kind, t.c.status)
    if statuses is not None:
        where.append(statuses)
    if "label_names" in shape.lists:  # by the labels' ids (see bind_filter)
        tl = _ticket_label
        where.append(exists().where(tl.c.ticket_id == t.c.id, KeysIn(tl.c.label_id, "label_ids")))
    if "sla_statuses" in shape.lists:  # ix_sla_timer_ws_status, or per ticket by its key
        st = _sla_timer
        where.append(
            exists().where(
                st.c.workspace_id == bindparam("workspace_id"),
                st.c.ticket_id == t.c.id,
                KeysIn(st.c.status, "sla_statuses"),
            )
        )
    if shape.search:
        where.append(TicketSearch(t.c.id, "search"))
    if shape.created_after:
        where.append(t.c.created_at >= bindparam("created_after", type_=t.c.created_at.type))
    if shape.created_before:
        where.append(t.c.created_at < bindparam("created_before", type_=t.c.created_at.type))
    return where


def _beyond(order: TicketOrdering, cursor: str, forward: bool) -> ColumnElement[bool]:
    """Rows strictly after (forward) or before the cursor `cursor` ("after" or "before", bound
    as `<cursor>_key` and `<cursor>_id`), in the list's own order."""
    key, ident = _ticket.c[order.field], _ticket.c.id
    value = bindparam(f"{cursor}_key", type_=key.type)
    row_id = bindparam(f"{cursor}_id", type_=ident.type)
    later = forward != order.descending
    if later:
        return or_(key > value, and_(key == value, ident > row_id))
    return or_(key < value, and_(key == value, ident < row_id))


# Statements by shape, built and compiled once each: a request binds values only. Clients use
# few shapes; the bound keeps one that tries every combination from growing the cache.
@lru_cache(maxsize=1024)
def _page_statement(
    shape: Shape, ordering: TicketOrdering, cursors: tuple[str, ...], backward: bool
) -> LoaderStatement:
    where = conditions(shape)
    where += [_beyond(ordering, cursor, forward=cursor == "after") for cursor in cursors]
    key, ident = _ticket.c[ordering.field], _ticket.c.id
    descending = ordering.descending != backward
    order_by = [key.desc(), ident.desc()] if descending else [key.asc(), ident.asc()]
    stmt = select(*TICKET_ROW_COLUMNS).where(*where).order_by(*order_by).limit(bindparam("size"))
    return LoaderStatement(stmt, planned=planned_by_values(shape))


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
    backward = last is not None and first is None
    keys: dict[str, Any] = {}
    cursors = []
    for name, cursor in (("after", after), ("before", before)):
        if cursor is not None:
            value, row_id = decode_keyset(_CURSOR_PREFIX[ordering.field], cursor, name)
            keys.update({f"{name}_key": value, f"{name}_id": row_id})
            cursors.append(name)
    bound = await bind_filter(db, workspace_id, query)
    if bound is None:  # labels that don't exist: nothing matches
        if backward:
            return TicketPage([], before is not None, False, ordering)
        return TicketPage([], False, after is not None, ordering)
    shape, params = bound
    params.update(keys)
    size = last if backward else first
    assert size is not None
    params["size"] = size + 1  # one more: is there a next page?
    statement = _page_statement(shape, ordering, tuple(cursors), backward)
    rows = await statement.rows(db, params)
    more = len(rows) > size
    rows = rows[:size]
    if backward:
        rows.reverse()
        return TicketPage(rows, before is not None, more, ordering)
    return TicketPage(rows, more, after is not None, ordering)
