"""`TicketSearch`: the tickets whose text contains a term, read from the search indexes.

A ticket matches when the term is a substring (case-insensitive; accents count) of its own
fields (title, subject, summary, first, last and full name, public id, email), of one of its
message bodies, or of its contact's name or email. Each source has its own index (migration
0017), so the condition is "ticket.id is among the ids each index gives": read from the
indexes, where an OR of per-row checks would read every ticket. Its cost grows with the
number of matching tickets, not with the table: a rare term is a few index pages at any size.

- PostgreSQL: `ILIKE '%term%'` (LIKE's metacharacters escaped) over pg_trgm GIN indexes on
  `ticket_search_text(...)`, `message.body` and `contact_search_text(...)`.
- SQLite: an FTS5 phrase query (`MATCH '"term"'`) on trigram tables: a substring match whose
  case folding covers non-ASCII letters too; no LIKE pattern, so no metacharacters at all.

The bound value is the plain term; `SearchTerm` turns it into each dialect's form.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    String,
    any_,
    bindparam,
    column,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator

from app.db import Contact, Message, Ticket, table_of

_ticket, _message, _contact = table_of(Ticket), table_of(Message), table_of(Contact)


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
def _trigram_ilike(element: TicketSearch, compiler: Any, **kw: Any) -> str:
    pattern = bindparam(element.name, type_=SearchTerm())
    own = _ticket.alias("search_ticket")
    text = func.ticket_search_text(
        own.c.title, own.c.subject, own.c.summary, own.c.first_name, own.c.last_name,
        own.c.public_id, own.c.email,
    )  # fmt: skip
    by_contact = _ticket.alias("search_contact_ticket")
    contact_text = func.contact_search_text(_contact.c.name, _contact.c.email)
    contacts = select(_contact.c.id).where(contact_text.ilike(pattern))
    ids = (
        select(own.c.id)
        .where(text.ilike(pattern))
        .union(
            select(_message.c.ticket_id).where(_message.c.body.ilike(pattern)),
            select(by_contact.c.id).where(
                by_contact.c.contact_id == any_(func.array(contacts.scalar_subquery()))
            ),
        )
    )
    # `= ANY(ARRAY(...))` (here and for contacts): the ids are gathered once, then read by
    # their index. With `IN (...)` or a join the planner, expecting many matches, may hash
    # them against a scan of every ticket (2.5 s at a million tickets for "smith").
    matches = func.array(ids.scalar_subquery())
    return compiler.process(element.ticket_id == any_(matches), **kw)


def _fts_rowids(name: str, phrase: Any) -> Any:
    fts = table(name, column("rowid"))
    return select(fts.c.rowid).where(literal_column(name).op("MATCH")(phrase))


@compiles(TicketSearch, "sqlite")
def _fts5_match(element: TicketSearch, compiler: Any, **kw: Any) -> str:
    phrase = bindparam(element.name, type_=SearchTerm())
    by_contact = _ticket.alias("search_contact_ticket")
    ids = _fts_rowids("ticket_fts", phrase).union_all(
        select(_message.c.ticket_id).where(_message.c.id.in_(_fts_rowids("message_fts", phrase))),
        select(by_contact.c.id).where(
            by_contact.c.contact_id.in_(_fts_rowids("contact_fts", phrase))
        ),
    )
    return compiler.process(element.ticket_id.in_(ids), **kw)
