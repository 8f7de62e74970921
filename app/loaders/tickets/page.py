"""The ticket list behind Query.tickets: filters, keyset pagination both ways.

Not a DataLoader (it is the root of a page, not a relation), but it reads the same way: every
value a bound parameter, one statement per shape of filter compiled once and run on the driver
connection, always inside the caller's workspace. What a filter means: app.loaders.tickets.filter;
a searched page: app.loaders.tickets.search_page; totalCount: app.loaders.tickets.count.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Row

from app.db.engine import Database
from app.loaders.cursors import decode_keyset, encode_keyset
from app.loaders.statements import LoaderStatement
from app.loaders.tickets.filter import (
    CURSOR_PREFIX,
    Shape,
    TicketOrdering,
    TicketQuery,
    bind_filter,
    bind_query,
    conditions,
    page_select,
    planned_by_values,
    status_condition,
)
from app.loaders.tickets.search_page import search_rows

__all__ = [
    "Shape",
    "TicketOrdering",
    "TicketPage",
    "TicketQuery",
    "bind_filter",
    "bind_query",
    "conditions",
    "list_tickets",
    "status_condition",
]


@dataclass(frozen=True)
class TicketPage:
    rows: list[Row[Any]]
    has_next_page: bool
    has_previous_page: bool
    ordering: TicketOrdering

    def cursor(self, row: Any) -> str:
        field = self.ordering.field
        return encode_keyset(CURSOR_PREFIX[field], getattr(row, field), row.id)


# Statements by shape, built and compiled once each: a request binds values only. Clients use
# few shapes; the bound keeps one that tries every combination from growing the cache.
@lru_cache(maxsize=1024)
def _page_statement(
    shape: Shape, ordering: TicketOrdering, cursors: tuple[str, ...], backward: bool
) -> LoaderStatement:
    stmt = page_select(conditions(shape), ordering, cursors, backward)
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
            value, row_id = decode_keyset(CURSOR_PREFIX[ordering.field], cursor, name)
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
    if shape.search:
        rows = await search_rows(db, shape, params, ordering, tuple(cursors), backward)
    else:
        rows = await _page_statement(shape, ordering, tuple(cursors), backward).rows(db, params)
    more = len(rows) > size
    rows = rows[:size]
    if backward:
        rows.reverse()
        return TicketPage(rows, before is not None, more, ordering)
    return TicketPage(rows, more, after is not None, ordering)
