"""Many records per transaction.

The fast path resolves every reference of a batch at once and inserts the new tickets and
their children with one COPY per table on PostgreSQL (multi-row INSERTs on SQLite), the
tickets' COPY in the server while their children are worked out here, and on PostgreSQL their
search documents in one statement after their messages. If anything in the batch fails, the
transaction rolls back and the careful path redoes the batch with one SAVEPOINT per record, so a
bad record is rejected whole and never stops the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import Ticket
from app.db.derived.search_documents import add_search_documents, defer_search_documents
from app.domain.errors import DomainError
from app.domain.records import TicketRecord
from app.ingest.bulk_insert import start_insert_tickets, ticket_values
from app.ingest.children import BulkRows
from app.ingest.connectors.base import PayloadError
from app.ingest.ordering import skips
from app.ingest.refs import IngestRefs
from app.ingest.upsert import (
    CREATED,
    REJECTED,
    UNCHANGED,
    IngestResult,
    finish_create,
    target_columns,
    upsert,
)
from app.live.service_env import ServiceEnv
from app.tickets.unit_of_work import unit_of_work

log = logging.getLogger(__name__)

BATCH_SIZE = 200
# While a batch's tickets are being copied, working out their children gives the copy a turn
# every this many tickets.
YIELD_EVERY = 16

Key = tuple[str, str]


def _key(record: TicketRecord) -> Key:
    return (record.origin_system.value, record.external_id)


def _rejection(exc: Exception) -> IngestResult:
    if isinstance(exc, PayloadError | DomainError):
        return IngestResult(REJECTED, None, exc.message, exc.field)
    log.warning("ingest: record rejected", exc_info=exc)
    return IngestResult(REJECTED, None, "The record could not be stored.")


async def ingest_many(
    env: ServiceEnv,
    workspace_id: int,
    records: Iterable[TicketRecord],
    *,
    batch_size: int = BATCH_SIZE,
    refs: IngestRefs | None = None,
) -> list[IngestResult]:
    """Upsert many tickets, `batch_size` per transaction; results in input order."""
    refs = refs or IngestRefs()
    results: list[IngestResult] = []
    batch: list[TicketRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) >= batch_size:
            results += await _ingest_batch(env, workspace_id, batch, refs)
            batch = []
    if batch:
        results += await _ingest_batch(env, workspace_id, batch, refs)
    return results


def _by_system(batch: list[TicketRecord]) -> dict[str, set[str]]:
    by_system: dict[str, set[str]] = {}
    for record in batch:
        by_system.setdefault(record.origin_system.value, set()).add(record.external_id)
    return by_system


def _where(ws: int, system: str, ids: set[str]) -> list[Any]:
    return [
        Ticket.workspace_id == ws,
        Ticket.origin_system == system,
        col(Ticket.external_id).in_(ids),
    ]


async def _prefetch(s: AsyncSession, ws: int, batch: list[TicketRecord]) -> dict[Key, Ticket]:
    found: dict[Key, Ticket] = {}
    for system, ids in _by_system(batch).items():
        stmt = select(Ticket).where(*_where(ws, system, ids))
        for ticket in (await s.execute(stmt)).scalars():
            if ticket.external_id is not None:  # always: the query matched on it
                found[(system, ticket.external_id)] = ticket
    return found


_PLACE: tuple[Any, ...] = (
    Ticket.id,
    Ticket.origin_system,
    Ticket.external_id,
    Ticket.kind,
    Ticket.status,
    Ticket.vendor_updated_at,
    Ticket.vendor_digests,
)


async def _stored(s: AsyncSession, ws: int, batch: list[TicketRecord]) -> dict[Key, Any]:
    """A few columns (id, vendor time, status, digests) of the batch's tickets already stored."""
    stored: dict[Key, Any] = {}
    for system, ids in _by_system(batch).items():
        rows = await s.execute(select(*_PLACE).where(*_where(ws, system, ids)))
        stored.update({(system, row.external_id): row for row in rows})
    return stored


def _skipped(stored: dict[Key, Any], batch: list[TicketRecord]) -> dict[int, int]:
    """{position in batch: ticket id} of the records that change nothing (stale or already
    applied), read from those columns: an unchanged re-import builds no ticket objects."""
    found = ((n, stored.get(_key(record)), record) for n, record in enumerate(batch))
    return {n: row.id for n, row, record in found if row is not None and skips(row, record)}


async def _ingest_batch(
    env: ServiceEnv, workspace_id: int, batch: list[TicketRecord], refs: IngestRefs
) -> list[IngestResult]:
    if len({_key(r) for r in batch}) == len(batch):  # a ticket twice: keep it simple, go careful
        try:
            return await _fast_batch(env, workspace_id, batch, refs)
        except Exception as exc:  # some record is bad: find it the careful way
            log.debug("ingest: fast batch failed, retrying record by record", exc_info=exc)
            refs.clear()
    try:
        return await _careful_batch(env, workspace_id, batch, refs)
    except Exception as exc:
        # The commit itself failed (e.g. the database went away): nothing of this batch stays.
        refs.clear()
        log.warning("ingest: batch rolled back", exc_info=exc)
        return [IngestResult(REJECTED, None, "The batch could not be stored.")] * len(batch)


async def _fast_batch(
    env: ServiceEnv, workspace_id: int, batch: list[TicketRecord], refs: IngestRefs
) -> list[IngestResult]:
    results: list[IngestResult | None] = [None] * len(batch)
    async with unit_of_work(env, workspace_id, None) as uow:
        s = uow.session
        stored = await _stored(s, workspace_id, batch)
        for n, ticket_id in _skipped(stored, batch).items():
            results[n] = IngestResult(UNCHANGED, ticket_id)
        todo = [(n, record) for n, record in enumerate(batch) if results[n] is None]
        # Whole ticket objects only for the ones stored (updates): none for new tickets.
        updates = [record for _, record in todo if _key(record) in stored]
        known = await _prefetch(s, workspace_id, updates) if updates else {}
        await refs.preload(s, workspace_id, [record for _, record in todo])
        fresh: list[tuple[int, TicketRecord]] = []
        rows = []
        for n, record in todo:
            existing = known.get(_key(record))
            if existing is not None:
                results[n], _ = await upsert(uow, refs, record, existing, None)
                continue
            target = await target_columns(uow, refs, record, None)
            fresh.append((n, record))
            rows.append(ticket_values(uow, record, target))
        # Their search documents written whole at the end, not by a trigger per statement.
        deferred = bool(rows) and await defer_search_documents(s)
        tickets, inserting = await start_insert_tickets(s, rows)  # one COPY or multi-row INSERT
        bulk = BulkRows()
        try:
            # While the server stores the tickets (PostgreSQL), their events and children are
            # worked out here: nothing below uses the session until the insert is awaited.
            for k, ((n, record), ticket) in enumerate(zip(fresh, tickets, strict=True)):
                if k % YIELD_EVERY == 0:
                    await asyncio.sleep(0)  # let the insert send its rows and go on
                # A stand-in with the inserted values: record() reads it like a Ticket.
                await finish_create(uow, refs, record, ticket, bulk)
                results[n] = IngestResult(CREATED, ticket.id)
            bulk.convert(s)  # the children's rows converted while the server has the tickets
        finally:
            await inserting
        await bulk.insert(s)
        if deferred:
            await add_search_documents(s, [ticket.id for ticket in tickets])
    return [r for r in results if r is not None]


async def _careful_batch(
    env: ServiceEnv, workspace_id: int, batch: list[TicketRecord], refs: IngestRefs
) -> list[IngestResult]:
    results: list[IngestResult] = []
    async with unit_of_work(env, workspace_id, None) as uow:
        known = await _prefetch(uow.session, workspace_id, batch)
        for record in batch:
            key = _key(record)
            mark = len(uow.events), uow._seq  # restored if the savepoint rolls back
            try:
                async with uow.session.begin_nested():
                    result, ticket = await upsert(uow, refs, record, known.get(key), None)
            except Exception as exc:  # one bad record must not stop the batch
                del uow.events[mark[0] :]
                uow._seq = mark[1]
                refs.clear()
                known.pop(key, None)  # its row state was rolled back: reload if met again
                results.append(_rejection(exc))
                continue
            if ticket is not None:
                known[key] = ticket
            results.append(result)
    return results
