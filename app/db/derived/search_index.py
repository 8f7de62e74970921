"""The search index's database objects that no SQLModel table describes.

On PostgreSQL, migration 0021's `ticket_search` table (one document per ticket, kept by
triggers) with a pg_trgm GIN index over the document (SQLAlchemy metadata can't say "GIN with
gin_trgm_ops" portably); on SQLite, migration 0017's FTS5 virtual tables and their shadow
tables, kept by triggers. Autogenerate would report them as removed, so the migration/model
comparison leaves them out by name.
"""

from __future__ import annotations

# PostgreSQL: the table of search documents and its indexes.
SEARCH_TABLE = "ticket_search"
TRIGRAM_INDEXES = frozenset({"ix_ticket_search_document"})
_PG_OBJECTS = TRIGRAM_INDEXES | {SEARCH_TABLE, "ix_ticket_search_order", "ticket_search_pkey"}
# SQLite: FTS5 tables; FTS5 adds shadow tables named <table>_data, _idx, _content, ...
FTS_TABLES = frozenset({"ticket_fts", "message_fts", "contact_fts"})


def is_search_object(name: str | None) -> bool:
    if name is None:
        return False
    if name in _PG_OBJECTS:
        return True
    stem, fts, _ = name.partition("_fts")
    return bool(fts) and stem + fts in FTS_TABLES
