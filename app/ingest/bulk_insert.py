"""New tickets of a batch inserted at once (COPY on PostgreSQL, a multi-row INSERT on SQLite),
their values converted once, without building ORM objects.

Building a Ticket through SQLModel costs about a millisecond (some 60 instrumented attributes);
a batch of new tickets is plain rows instead. `uow.record()` only reads a few attributes of a
ticket that already has an id, so a namespace over the inserted values stands in for it.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Ticket, table_of
from app.db.bulk import insert_in_session, is_postgres, reserve_ids, start_insert
from app.domain.records import TicketRecord
from app.domain.states import unified_state
from app.tickets.unit_of_work import UnitOfWork

# Every column but the id, so all rows of an executemany carry the same keys. Required columns
# and timestamps (default factories) are always set below.
_DEFAULTS: dict[str, Any] = {
    name: None if field.is_required() or field.default_factory else field.get_default()
    for name, field in Ticket.model_fields.items()
    if name != "id"
}


def ticket_values(uow: UnitOfWork, record: TicketRecord, target: dict[str, Any]) -> dict[str, Any]:
    values = dict(_DEFAULTS)
    values.update(target)
    values.update(
        workspace_id=uow.workspace_id,
        origin_system=record.origin_system.value,
        external_id=record.external_id,
        version=1,
        created_at=target.get("created_at") or uow.now,
        updated_at=record.vendor_updated_at or target.get("created_at") or uow.now,
        state=unified_state(
            record.kind,
            record.status,
            spam=bool(target.get("spam")),
            trashed=target.get("trashed_at") is not None,
        ).value,
    )
    return values


async def start_insert_tickets(
    s: AsyncSession, rows: list[dict[str, Any]]
) -> tuple[list[Ticket], asyncio.Future[None]]:
    """Insert the rows; returns stand-ins (the values plus `id`) in the same order, and the
    insert to await before the session's next statement. On PostgreSQL the ids come first and
    the server stores the rows while the caller goes on (`start_insert`); on SQLite the ids
    are read back, so the insert has finished.

    Typed as tickets: what reads them (the CREATED event, the children) reads a Ticket's
    attributes only, and a plain namespace costs a fraction of an ORM instance."""
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    done.set_result(None)
    if not rows:
        return [], done
    table = table_of(Ticket)
    if is_postgres(s):
        # Ids taken from the sequence first: COPY returns nothing.
        reserved = await reserve_ids(s, table, len(rows))
        rows = [{"id": ident, **row} for ident, row in zip(reserved, rows, strict=True)]
        inserting = start_insert(s, table, rows)
        return [cast(Ticket, SimpleNamespace(**row)) for row in rows], inserting
    # SQLite: read the ids back by the vendor key (unique in a workspace).
    await insert_in_session(s, table, rows)
    ids: dict[tuple[str, str], int] = {}
    by_system: dict[str, list[str]] = {}
    for row in rows:
        by_system.setdefault(row["origin_system"], []).append(row["external_id"])
    for system, external_ids in by_system.items():
        found = await s.execute(
            select(table.c.id, table.c.external_id).where(
                table.c.workspace_id == rows[0]["workspace_id"],
                table.c.origin_system == system,
                table.c.external_id.in_(external_ids),
            )
        )
        ids.update({(system, external_id): ident for ident, external_id in found})
    tickets = [
        cast(Ticket, SimpleNamespace(**row, id=ids[(row["origin_system"], row["external_id"])]))
        for row in rows
    ]
    return tickets, done
