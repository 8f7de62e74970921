"""totalCount of Query.tickets: exact where it is cheap, a lower bound where it is not.

- A filter of kinds, states, statuses and origins only (with or without removed tickets), the
  dashboard's kind, is summed from `ticket_count`, the per-workspace counters the database
  keeps in step with every write (migration 0017): exact, a few rows read at any size.
- Any other filter (search, labels, assignees, lines, teams, dates) counts the matching rows
  up to EXACT_COUNT_LIMIT and stops there: exact up to it; above it the count is the limit
  and `exact` is False ("more than"), so a count never reads more than that many rows.
  On PostgreSQL a search with no other filter counts its documents alone (`ticket_search`
  carries the workspace and the removed flag, migration 0024): no ticket is read for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import bindparam, false, func, literal, select
from sqlalchemy.sql import ColumnElement

from app.db import Ticket, TicketCount, table_of
from app.db.engine import Database
from app.loaders.keys import KeysIn
from app.loaders.statements import LoaderStatement
from app.loaders.tickets.filter import (
    Shape,
    TicketQuery,
    bind_filter,
    conditions,
    status_condition,
)
from app.loaders.tickets.search import document_matches, search_documents

EXACT_COUNT_LIMIT = 1_000

_counts = table_of(TicketCount)
_ticket = table_of(Ticket)
# Filters whose columns the counters are kept by; any other makes the count read tickets.
_COUNTED = {"kinds": _counts.c.kind, "states": _counts.c.state, "origins": _counts.c.origin_system}
_COUNTED_LISTS = {*_COUNTED, "queue_statuses", "helpdesk_statuses"}


@dataclass(frozen=True)
class TicketTotal:
    count: int
    exact: bool  # False: at least `count` tickets match (the limit was reached)


def _served_by_counters(shape: Shape) -> bool:
    return set(shape.lists) <= _COUNTED_LISTS and not (
        shape.search or shape.created_after or shape.created_before
    )


def _counter_sum(shape: Shape) -> LoaderStatement:
    c = _counts.c
    where: list[ColumnElement[bool]] = [c.workspace_id == bindparam("workspace_id")]
    if not shape.include_removed:
        where.append(c.removed == false())
    where += [KeysIn(_COUNTED[name], name) for name in shape.lists if name in _COUNTED]
    statuses = status_condition(shape, c.kind, c.status)
    if statuses is not None:
        where.append(statuses)
    total = func.coalesce(func.sum(c.tickets), 0)
    return LoaderStatement(select(total).where(*where))


def _bounded_count(shape: Shape) -> LoaderStatement:
    # In the list's default order, as a page is read: the planner then walks the creation
    # index and stops at the limit, as for a page; unordered, it may pick a sequential scan
    # that expects matches early and finds them only at the table's end (recent tickets).
    # A search is the exception: its matches come from the search index, unordered, read by
    # id, and the count stops after the limit of them; in order, a common term would walk the
    # index until the limit is met far down (100,000 tickets for 1,001 Smiths at a million).
    t = _ticket
    matching = select(literal(1)).select_from(t).where(*conditions(shape, by_ids=shape.search))
    if not shape.search:
        matching = matching.order_by(t.c.created_at.desc(), t.c.id.desc())
    capped = matching.limit(bindparam("count_limit")).subquery()
    return LoaderStatement(select(func.count()).select_from(capped), planned=True)


def _search_only(shape: Shape) -> bool:
    return shape.search and not (shape.lists or shape.created_after or shape.created_before)


def _bounded_document_count(shape: Shape) -> LoaderStatement:
    # PostgreSQL, a search alone: its documents say all the filter asks, so the matches are
    # counted from the search index without reading a ticket (a quarter of the count at 1M).
    # MATERIALIZED plans the matches as if all were wanted, so through the trigram index;
    # planned under the LIMIT, a common term looked cheap to find by reading documents in
    # turn (17,000 read for 1,001 matches at 150,000), and a rarer one costs the whole table.
    # The CTE is still read lazily: the count stops at the limit.
    d = search_documents
    where = [d.c.workspace_id == bindparam("workspace_id"), document_matches("search")]
    if not shape.include_removed:
        where.append(d.c.removed == false())
    matches = select(literal(1).label("one")).where(*where).cte("matches")
    matches = matches.prefix_with("MATERIALIZED")
    capped = select(matches.c.one).limit(bindparam("count_limit")).subquery()
    return LoaderStatement(select(func.count()).select_from(capped), planned=True)


@lru_cache(maxsize=1024)
def count_statement(shape: Shape, dialect: str) -> LoaderStatement:
    if _served_by_counters(shape):
        return _counter_sum(shape)
    if dialect == "postgresql" and _search_only(shape):
        return _bounded_document_count(shape)
    return _bounded_count(shape)


async def count_tickets(db: Database, workspace_id: int, query: TicketQuery) -> TicketTotal:
    bound = await bind_filter(db, workspace_id, query)
    if bound is None:
        return TicketTotal(0, exact=True)
    shape, params = bound
    if _served_by_counters(shape):
        rows = await count_statement(shape, db.dialect).rows(db, params)
        return TicketTotal(int(rows[0][0]), exact=True)
    params["count_limit"] = EXACT_COUNT_LIMIT + 1  # one more: is it over the limit?
    rows = await count_statement(shape, db.dialect).rows(db, params)
    count = int(rows[0][0])
    return TicketTotal(min(count, EXACT_COUNT_LIMIT), exact=count <= EXACT_COUNT_LIMIT)
