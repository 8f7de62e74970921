"""Which tickets a list reads: TicketQuery, its statement's shape and bound values, conditions.

Shared by the ticket list (app.loaders.tickets.page), its search pages
(app.loaders.tickets.search_page) and totalCount (app.loaders.tickets.count). Every value is a bound
parameter; a statement's text depends only on the `Shape` of the filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, exists, false, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from app.db import Label, SlaTimer, Ticket, TicketLabel, table_of
from app.db.engine import Database
from app.domain.enums import TicketKind
from app.domain.search import search_term
from app.loaders.by_id import TICKET_ROW_COLUMNS
from app.loaders.keys import KeysIn
from app.loaders.statements import LoaderStatement
from app.loaders.tickets.search import TicketSearch

_ticket = table_of(Ticket)
_label = table_of(Label)
_ticket_label = table_of(TicketLabel)
_sla_timer = table_of(SlaTimer)

CURSOR_PREFIX = {"created_at": "tc1", "updated_at": "tu1", "sla_due_at": "ts1"}


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


def conditions(
    shape: Shape, search: ColumnElement[bool] | None = None, *, by_ids: bool = False
) -> list[ColumnElement[bool]]:
    """The filter's conditions on `ticket`; `search` stands in for the search condition.
    `by_ids`: the rows are read by id (`search` names them), so no index on the workspace
    may lead: SQLite would otherwise walk the workspace's tickets testing each id."""
    t = _ticket
    workspace = NotIndexed(t.c.workspace_id) if by_ids else t.c.workspace_id
    where: list[ColumnElement[bool]] = [workspace == bindparam("workspace_id")]
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
        where.append(TicketSearch(t.c.id, "search") if search is None else search)
    if shape.created_after:
        where.append(t.c.created_at >= bindparam("created_after", type_=t.c.created_at.type))
    if shape.created_before:
        where.append(t.c.created_at < bindparam("created_before", type_=t.c.created_at.type))
    return where


class NotIndexed(ColumnElement[Any]):
    """A column that no index may serve: `+column` on SQLite (its documented way to rule an
    index out), the column itself elsewhere (PostgreSQL plans by the values)."""

    __visit_name__ = "not_indexed"
    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: ColumnElement[Any]) -> None:
        self.column = column
        self.type = column.type


@compiles(NotIndexed)
def _column_itself(element: NotIndexed, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@compiles(NotIndexed, "sqlite")
def _unary_plus(element: NotIndexed, compiler: Any, **kw: Any) -> str:
    return "+" + compiler.process(element.column, **kw)


def beyond(
    order: TicketOrdering,
    cursor: str,
    forward: bool,
    key: ColumnElement[Any] | None = None,
    ident: ColumnElement[Any] | None = None,
) -> ColumnElement[bool]:
    """Rows strictly after (forward) or before the cursor `cursor` ("after" or "before", bound
    as `<cursor>_key` and `<cursor>_id`), in the list's own order; by the ticket's own key and
    id columns unless others holding the same values are given."""
    key = _ticket.c[order.field] if key is None else key
    ident = _ticket.c.id if ident is None else ident
    value = bindparam(f"{cursor}_key", type_=key.type)
    row_id = bindparam(f"{cursor}_id", type_=ident.type)
    later = forward != order.descending
    if later:
        return or_(key > value, and_(key == value, ident > row_id))
    return or_(key < value, and_(key == value, ident < row_id))


def page_select(
    where: list[ColumnElement[bool]],
    ordering: TicketOrdering,
    cursors: tuple[str, ...],
    backward: bool,
    key: ColumnElement[Any] | None = None,
    ident: ColumnElement[Any] | None = None,
    from_: Any = None,
) -> Any:
    """A page's SELECT: the ticket row columns where `where` holds, beyond the cursors, in the
    list's order (reversed when reading backward), `size` rows."""
    key = _ticket.c[ordering.field] if key is None else key
    ident = _ticket.c.id if ident is None else ident
    where = where + [beyond(ordering, c, c == "after", key, ident) for c in cursors]
    descending = ordering.descending != backward
    order_by = [key.desc(), ident.desc()] if descending else [key.asc(), ident.asc()]
    stmt = select(*TICKET_ROW_COLUMNS)
    if from_ is not None:
        stmt = stmt.select_from(from_)
    return stmt.where(*where).order_by(*order_by).limit(bindparam("size"))
