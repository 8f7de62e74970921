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

from app.db import Ticket, table_of
from app.db.engine import Database
from app.loaders.carried_timers import CARRIED, CarriedTimer, CarriedTimers, carried_timers
from app.loaders.cursors import decode_keyset, encode_keyset
from app.loaders.sla_calendars import know_calendars
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

_ticket = table_of(Ticket)

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
    # The rows' SLA timers by ticket id, when the page's statement carried them.
    sla_timers: dict[int, list[CarriedTimer]] | None = None

    def cursor(self, row: Any) -> str:
        field = self.ordering.field
        return encode_keyset(CURSOR_PREFIX[field], getattr(row, field), row.id)


# Statements by shape, built and compiled once each: a request binds values only. Clients use
# few shapes; the bound keeps one that tries every combination from growing the cache.
@lru_cache(maxsize=1024)
def _page_statement(
    shape: Shape,
    ordering: TicketOrdering,
    cursors: tuple[str, ...],
    backward: bool,
    sla_timers: bool = False,
) -> LoaderStatement:
    stmt = page_select(conditions(shape), ordering, cursors, backward)
    if sla_timers:
        stmt = stmt.add_columns(CarriedTimers(_ticket.c.id).label(CARRIED))
    return LoaderStatement(stmt, planned=planned_by_values(shape))


async def _carried(db: Database, workspace_id: int, rows: list[Any]) -> dict[int, Any]:
    read = {row.id: carried_timers(getattr(row, CARRIED)) for row in rows}
    await know_calendars(db, workspace_id, frozenset().union(*(r.calendars for r in read.values())))
    # Lists of their own: the timers are shared with other pages (see carried_timers).
    return {ticket_id: list(r.timers) for ticket_id, r in read.items()}


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
    sla_timers: bool = False,
) -> TicketPage:
    """One page. `first` reads forward from `after`; `last` reads backward from `before`.
    `sla_timers`: the page's statement carries the rows' timers (app.loaders.carried_timers;
    not for a searched page, whose timers load as usual)."""
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
    carried = None
    if shape.search:
        rows = await search_rows(db, shape, params, ordering, tuple(cursors), backward)
    else:
        statement = _page_statement(shape, ordering, tuple(cursors), backward, sla_timers)
        rows = await statement.rows(db, params)
    more = len(rows) > size
    rows = rows[:size]
    if sla_timers and not shape.search:
        carried = await _carried(db, workspace_id, rows)
    if backward:
        rows.reverse()
        return TicketPage(rows, before is not None, more, ordering, carried)
    return TicketPage(rows, more, after is not None, ordering, carried)
