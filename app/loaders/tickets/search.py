"""`TicketSearch` and the search documents: which tickets' text contains a term.

A ticket matches when the term is a substring (case-insensitive; accents count) of its own
fields (title, subject, summary, first, last and full name, public id, email), of one of its
message bodies, or of its contact's name or email.

- PostgreSQL: one document per ticket holds all of that text (`ticket_search`, migration 0021,
  kept by triggers, stored lowercased), next to the ticket's workspace and `created_at`. The
  index read is `document LIKE lower('%term%')` (LIKE's metacharacters escaped) over a pg_trgm
  GIN index; the per-row check while walking the list is `strpos(document, lower(term)) > 0`,
  the same test written so that no index is tempted. Both are what ILIKE did (it lowercases
  both sides), without lowercasing the document on every read.
- SQLite: FTS5 phrase queries (`MATCH '"term"'`) on trigram tables per source (migration
  0017): a substring match whose case folding covers non-ASCII letters too; no LIKE pattern,
  so no metacharacters at all.

The bound value is the plain term; `SearchTerm` turns it into each dialect's form. How a page
of a search is read (from the index or by walking): app.loaders.tickets.search_page.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Integer, String, bindparam, column, func, literal_column, select
from sqlalchemy import table as table_clause
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator

from app.db import Contact, Message, Ticket, table_of
from app.db.derived.search_index import SEARCH_TABLE
from app.db.types import UTCDateTime

_ticket, _message, _contact = table_of(Ticket), table_of(Message), table_of(Contact)

# PostgreSQL's search documents (no model: see app.db.derived.search_index).
search_documents = table_clause(
    SEARCH_TABLE,
    column("ticket_id", Integer()),
    column("workspace_id", Integer()),
    column("created_at", UTCDateTime()),
    column("document", String()),
    column("removed", Boolean()),  # spam or trashed (migration 0024)
)


def like_pattern(term: str) -> str:
    """`%term%` with LIKE's own characters (`\\`, `%`, `_`) matching themselves."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_phrase(term: str) -> str:
    """An FTS5 phrase: inside double quotes every character is literal (`"` is doubled)."""
    return '"' + term.replace('"', '""') + '"'


class SearchTerm(TypeDecorator[str]):
    """A search term, bound as a LIKE pattern (PostgreSQL) or an FTS5 phrase (SQLite)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return fts_phrase(value) if dialect.name == "sqlite" else like_pattern(value)


def document_matches(name: str) -> ColumnElement[bool]:
    """PostgreSQL: the search document contains the term bound to `name`, read by the GIN."""
    pattern = func.lower(bindparam(name, type_=SearchTerm()))
    return search_documents.c.document.like(pattern)


def document_contains(name: str) -> ColumnElement[bool]:
    """PostgreSQL: the same test as `document_matches`, checked on a row already read."""
    term = func.lower(bindparam(name, type_=String()))
    return func.strpos(search_documents.c.document, term) > 0


class TicketSearch(ColumnElement[bool]):
    """True where the ticket `ticket_id` matches the term bound to the parameter `name`."""

    __visit_name__ = "ticket_search"
    type = Boolean()
    _is_implicitly_boolean = True
    _traverse_internals = [
        ("ticket_id", InternalTraversal.dp_clauseelement),
        ("name", InternalTraversal.dp_string),
    ]

    def __init__(self, ticket_id: ColumnElement[Any], name: str) -> None:
        self.ticket_id = ticket_id
        self.name = name


@compiles(TicketSearch)
def _unsupported(element: TicketSearch, compiler: Any, **kw: Any) -> str:
    raise CompileError("ticket search is built for PostgreSQL and SQLite only")


@compiles(TicketSearch, "postgresql")
def _document_ilike(element: TicketSearch, compiler: Any, **kw: Any) -> str:
    d = search_documents
    ids = select(d.c.ticket_id).where(document_matches(element.name))
    return compiler.process(element.ticket_id.in_(ids), **kw)


def _fts_rowids(name: str, phrase: Any) -> Any:
    fts = table_clause(name, column("rowid"))
    return select(fts.c.rowid).where(literal_column(name).op("MATCH")(phrase))


def fts_ticket_ids(name: str) -> Any:
    """SQLite: the ids of the tickets (any workspace) whose text has the term `name`."""
    phrase = bindparam(name, type_=SearchTerm())
    by_contact = _ticket.alias("search_contact_ticket")
    return _fts_rowids("ticket_fts", phrase).union_all(
        select(_message.c.ticket_id).where(_message.c.id.in_(_fts_rowids("message_fts", phrase))),
        select(by_contact.c.id).where(
            by_contact.c.contact_id.in_(_fts_rowids("contact_fts", phrase))
        ),
    )


@compiles(TicketSearch, "sqlite")
def _fts5_match(element: TicketSearch, compiler: Any, **kw: Any) -> str:
    ids = fts_ticket_ids(element.name)
    return compiler.process(element.ticket_id.in_(ids), **kw)
