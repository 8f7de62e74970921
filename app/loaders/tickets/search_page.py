"""A page of a searched ticket list, read so that its cost doesn't grow with the table.

A trigram index finds the tickets with a term without reading the table, but unordered: the
newest 20 can only be picked once every match has been read, so a term that a fixed share of
tickets contain (a surname, a product) costs more the bigger the table. Walking the list in its
order and checking each ticket stops after a page, but a rare term would walk every ticket.
So a page is read in up to three steps, each stopping as soon as it knows the page:

1. Look: check the list's next WINDOW tickets in its order (PostgreSQL, creation order only:
   `ticket_search`'s btree, a ticket's whole text one row read; SQLite: the tickets against
   the FTS5 matches). A page filled there is the page: a common term ends here, a few hundred
   rows read at any size.
2. Gather: at most GATHER_LIMIT + 1 matching ticket ids of the workspace, from the trigram
   index (unordered). When there are no more than GATHER_LIMIT, that is every match: the page
   is read from those ids (by primary key, sorted). A rare term ends here.
3. Walk: more than GATHER_LIMIT match, so at least one ticket in (workspace size /
   GATHER_LIMIT) does: walk the list in its order, checking each ticket's text, and stop
   after a page (SQLite: each ticket checked against the FTS5 matches).

Each step gives exactly the page the one-statement search gave (same matches, same order).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import String, bindparam, func, select

from app.db import Ticket, table_of
from app.db.engine import Database
from app.loaders.keys import KeysIn
from app.loaders.statements import LoaderStatement
from app.loaders.tickets.filter import (
    NotIndexed,
    Shape,
    TicketOrdering,
    beyond,
    conditions,
    page_select,
)
from app.loaders.tickets.search import (
    document_contains,
    document_matches,
    fts_ticket_ids,
    search_documents,
)

GATHER_LIMIT = 1_000
WINDOW = 2_000

_ticket = table_of(Ticket)


@lru_cache(maxsize=2)
def gather_statement(dialect: str) -> LoaderStatement:
    """Up to `gather_limit` ids of the workspace's tickets whose text has the term."""
    if dialect == "postgresql":
        d = search_documents
        where = [d.c.workspace_id == bindparam("workspace_id"), document_matches("search")]
        # MATERIALIZED: planned without the LIMIT, so through the trigram index. With the LIMIT
        # in view the planner may take a sequential scan that stops at the limit: cheap for a
        # term as common as it guessed, a walk of every document for one it overestimated.
        matches = select(d.c.ticket_id).where(*where).cte("matches").prefix_with("MATERIALIZED")
        stmt = select(matches.c.ticket_id)
    else:
        t = _ticket  # from the FTS5 matches, not by walking the workspace (see conditions)
        workspace = NotIndexed(t.c.workspace_id) == bindparam("workspace_id")
        where = [workspace, t.c.id.in_(fts_ticket_ids("search"))]
        stmt = select(t.c.id).where(*where)
    return LoaderStatement(stmt.limit(bindparam("gather_limit")), planned=True)


@lru_cache(maxsize=1024)
def gathered_page_statement(
    shape: Shape, ordering: TicketOrdering, cursors: tuple[str, ...], backward: bool
) -> LoaderStatement:
    """The page among the gathered ids (bound as `search_ids`)."""
    where = conditions(shape, search=KeysIn(_ticket.c.id, "search_ids"), by_ids=True)
    return LoaderStatement(page_select(where, ordering, cursors, backward), planned=True)


@lru_cache(maxsize=1024)
def walked_page_statement(
    dialect: str, shape: Shape, ordering: TicketOrdering, cursors: tuple[str, ...], backward: bool
) -> LoaderStatement:
    """The page read in the list's order, each ticket's text checked as it is met."""
    if dialect != "postgresql":  # SQLite: each ticket checked against the FTS5 matches
        return LoaderStatement(page_select(conditions(shape), ordering, cursors, backward),
                               planned=True)  # fmt: skip
    d, t = search_documents, _ticket
    where = conditions(shape, search=document_contains("search"))
    where += [d.c.ticket_id == t.c.id, d.c.workspace_id == bindparam("workspace_id")]
    # In creation order the documents' own btree gives the order (the same values as the
    # ticket's); by update time the ticket's index does, and each document is read by key.
    own = ordering.field == "created_at"
    key, ident = (d.c.created_at, d.c.ticket_id) if own else (None, None)
    stmt = page_select(
        where, ordering, cursors, backward, key, ident, from_=d.join(t, d.c.ticket_id == t.c.id)
    )
    return LoaderStatement(stmt, planned=True)


@lru_cache(maxsize=1024)
def look_statement(
    dialect: str, shape: Shape, ordering: TicketOrdering, cursors: tuple[str, ...], backward: bool
) -> LoaderStatement:
    """The page among the list's next `window` tickets (PostgreSQL: in creation order, their
    search documents; SQLite: either order, the tickets checked against the FTS5 matches)."""
    t = _ticket
    descending = ordering.descending != backward
    if dialect == "postgresql":
        d = search_documents
        key, ident = d.c.created_at, d.c.ticket_id
        columns: tuple[Any, ...] = (d.c.ticket_id, d.c.created_at, d.c.document)
        workspace = d.c.workspace_id
    else:
        inner = t.alias("search_window_ticket")
        key, ident = inner.c[ordering.field], inner.c.id
        columns, workspace = (inner.c.id, key), inner.c.workspace_id
    window = (
        select(*columns)
        .where(
            workspace == bindparam("workspace_id"),
            *[beyond(ordering, c, c == "after", key, ident) for c in cursors],
        )
        .order_by(*([key.desc(), ident.desc()] if descending else [key.asc(), ident.asc()]))
        .limit(bindparam("window"))
        .subquery("search_window")
    )
    if dialect == "postgresql":
        term = func.lower(bindparam("search", type_=String()))
        where = conditions(shape, search=func.strpos(window.c.document, term) > 0)
        joined = window.join(t, window.c.ticket_id == t.c.id)
        window_key, window_id = window.c.created_at, window.c.ticket_id
    else:
        where = conditions(shape)
        joined = window.join(t, window.c.id == t.c.id)
        window_key, window_id = window.c[ordering.field], window.c.id
    stmt = page_select(where, ordering, (), backward, window_key, window_id, from_=joined)
    return LoaderStatement(stmt, planned=True)


async def search_rows(
    db: Database,
    shape: Shape,
    params: dict[str, Any],
    ordering: TicketOrdering,
    cursors: tuple[str, ...],
    backward: bool,
) -> list[Any]:
    """The page's rows (`params` binds the filter, cursors and `size`)."""
    dialect = db.engine.dialect.name
    if dialect != "postgresql" or ordering.field == "created_at":
        look = look_statement(dialect, shape, ordering, cursors, backward)
        rows = await look.rows(db, {**params, "window": WINDOW})
        if len(rows) == params["size"]:
            return rows
    gathered = await gather_statement(dialect).rows(
        db, {**params, "gather_limit": GATHER_LIMIT + 1}
    )
    if len(gathered) <= GATHER_LIMIT:
        if not gathered:
            return []
        ids = [row[0] for row in gathered]
        statement = gathered_page_statement(shape, ordering, cursors, backward)
        return await statement.rows(db, {**params, "search_ids": ids})
    statement = walked_page_statement(dialect, shape, ordering, cursors, backward)
    return await statement.rows(db, params)
