"""A bulk load's search documents, written once per batch (PostgreSQL; migration 0023).

Migration 0021's insert triggers write a new ticket's document when the ticket is inserted and
rewrite it when its messages follow: two GIN entries and a dead row per ticket. A batch of new
tickets turns them off for its own transaction while it copies the tickets and their messages,
then writes each document whole in one statement. SQLite keeps its FTS5 triggers.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.bulk import is_postgres


async def defer_search_documents(s: AsyncSession) -> bool:
    """Turn the search insert triggers off until `add_search_documents`; whether it did
    (PostgreSQL only). Pending ORM writes go first, with their triggers."""
    if not is_postgres(s):
        return False
    await s.flush()
    await s.execute(text("SELECT set_config('ticketgw.search_deferred', 'on', true)"))
    return True


async def add_search_documents(s: AsyncSession, ticket_ids: list[int]) -> None:
    """Write the documents of the tickets inserted since `defer_search_documents`, messages
    included, and turn the triggers back on. Pending ORM writes go first."""
    await s.flush()
    await s.execute(text("SELECT ticket_search_add_documents(:ids)"), {"ids": ticket_ids})
