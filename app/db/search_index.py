"""The search index's database objects that no SQLModel table describes.

Migration 0017 creates them: on PostgreSQL, pg_trgm GIN indexes over expressions (SQLAlchemy
metadata can't say "GIN over this function with gin_trgm_ops" portably); on SQLite, FTS5
virtual tables and their shadow tables, kept by triggers. Autogenerate would report them as
removed, so the migration/model comparison leaves them out by name.
"""

from __future__ import annotations

from typing import Any

# PostgreSQL: trigram indexes (expression and operator-class indexes).
TRIGRAM_INDEXES = frozenset({"ix_ticket_search", "ix_message_body_search", "ix_contact_search"})
# SQLite: FTS5 tables; FTS5 adds shadow tables named <table>_data, _idx, _content, ...
FTS_TABLES = frozenset({"ticket_fts", "message_fts", "contact_fts"})


def is_search_object(name: str | None) -> bool:
    if name is None:
        return False
    if name in TRIGRAM_INDEXES:
        return True
    stem, fts, _ = name.partition("_fts")
    return bool(fts) and stem + fts in FTS_TABLES


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's `include_name` hook: compare everything but the search index's objects."""
    return not is_search_object(name)
