"""Upsert one normalized vendor ticket inside a unit of work, with the events it implies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import IngestDelivery, Ticket
from app.domain.enums import EventType, QueueStatus, TicketKind
from app.domain.records import TicketRecord
from app.domain.states import unified_state
from app.ingest.children import BulkRows, open_or_close_interaction, sync_children
from app.ingest.ordering import digests_after, skips
from app.ingest.refs import IngestRefs
from app.ingest.update import apply_update
from app.tickets.unit_of_work import ServiceEnv, UnitOfWork, unit_of_work

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"


@dataclass(frozen=True)
class IngestResult:
    result: str  # created | updated | unchanged | rejected
    ticket_id: int | None
    reason: str | None = None
    field: str | None = None


async def target_columns(
    uow: UnitOfWork, refs: IngestRefs, record: TicketRecord, existing: Ticket | None
) -> dict[str, Any]:
    """The ticket's column values as the payload has them, references resolved to row ids."""
    s, ws, system = uow.session, uow.workspace_id, record.origin_system.value
    target = dict(record.columns)
    if target.get("created_at") is None:
        target.pop("created_at", None)  # keep ours rather than invent one
    if existing is not None and existing.trashed_at is not None and target.get("trashed_at"):
        target["trashed_at"] = existing.trashed_at  # still trashed: since when we first knew
    target.update(
        kind=record.kind.value,
        status=record.status,
        raw_status=record.raw_status,
        vendor_data=record.vendor_data or None,
        vendor_updated_at=record.vendor_updated_at,
        raw_payload=record.raw_payload,
        vendor_digests=digests_after(existing, record),
        assignee_id=await refs.user(s, ws, system, record.assignee),
        team_id=await refs.team(s, ws, system, record.team),
        contact_id=await refs.contact(
            s, ws, system, record.contact, existing.contact_id if existing else None
        ),
    )
    if record.kind == TicketKind.QUEUE:
        target["line_id"] = await refs.line(s, ws, system, record.line)
        target["assigner_id"] = await refs.user(s, ws, system, record.assigner)
        target["called_by_id"] = await refs.user(s, ws, system, record.called_by)
        created = target.get("created_at") or (existing.created_at if existing else uow.now)
        target["queue_key"] = target.get("order_after") or created
    return target


def new_ticket(uow: UnitOfWork, record: TicketRecord, target: dict[str, Any]) -> Ticket:
    """The row of a ticket first seen, not yet added to the session."""
    ticket = Ticket(
        workspace_id=uow.workspace_id,
        origin_system=record.origin_system.value,
        external_id=record.external_id,
        **target,
    )
    trashed = target.get("trashed_at") is not None
    ticket.state = unified_state(
        record.kind, record.status, spam=bool(target.get("spam")), trashed=trashed
    ).value
    ticket.updated_at = record.vendor_updated_at or target.get("created_at") or uow.now
    return ticket


async def finish_create(
    uow: UnitOfWork,
    refs: IngestRefs,
    record: TicketRecord,
    ticket: Ticket,
    bulk: BulkRows | None = None,
) -> None:
    """The CREATED event and the children of a new ticket (inserted here if not yet)."""
    system = record.origin_system.value
    await uow.record(ticket, EventType.CREATED, None, changes={"origin": [None, system]})
    await sync_children(uow, refs, record, ticket, is_new=True, bulk=bulk)
    if (
        record.kind == TicketKind.QUEUE
        and record.interactions is None
        and record.status == QueueStatus.CALLED
    ):
        await open_or_close_interaction(uow, ticket, EventType.CALLED)


async def upsert(
    uow: UnitOfWork,
    refs: IngestRefs,
    record: TicketRecord,
    existing: Ticket | None,
    hint: str | None,
    *,
    distinct: bool = False,
) -> tuple[IngestResult, Ticket | None]:
    """Create or update the ticket `record` describes; `distinct` as in ordering.skips. The
    event hint defaults to the webhook type the record came with."""
    if existing is not None and skips(existing, record, distinct=distinct):
        return IngestResult(UNCHANGED, existing.id), existing
    hint = record.event if hint is None else hint
    target = await target_columns(uow, refs, record, existing)
    if existing is None:
        ticket = new_ticket(uow, record, target)
        await finish_create(uow, refs, record, ticket)
        return IngestResult(CREATED, ticket.id), ticket
    events = await apply_update(uow, refs, record, existing, target, hint)
    return IngestResult(UPDATED if events else UNCHANGED, existing.id), existing


async def find_ticket(s: AsyncSession, ws: int, record: TicketRecord) -> Ticket | None:
    stmt = select(Ticket).where(
        col(Ticket.workspace_id) == ws,
        col(Ticket.origin_system) == record.origin_system.value,
        col(Ticket.external_id) == record.external_id,
    )
    return (await s.execute(stmt)).scalar_one_or_none()


async def ingest(
    env: ServiceEnv,
    workspace_id: int,
    record: TicketRecord,
    *,
    event_hint: str | None = None,
    delivery_id: str | None = None,
) -> IngestResult:
    """Upsert one vendor ticket in one transaction. With `delivery_id`, a delivery already
    processed for this workspace and vendor changes nothing (a webhook retry); a new one is
    applied even when its body repeats an earlier one."""
    vendor = record.origin_system.value.lower()
    async with unit_of_work(env, workspace_id, None) as uow:
        s = uow.session
        if delivery_id is not None:
            seen = await s.execute(
                select(col(IngestDelivery.id)).where(
                    col(IngestDelivery.workspace_id) == workspace_id,
                    col(IngestDelivery.vendor) == vendor,
                    col(IngestDelivery.delivery_id) == delivery_id,
                )
            )
            if seen.first() is not None:
                existing = await find_ticket(s, workspace_id, record)
                return IngestResult(UNCHANGED, existing.id if existing else None)
            s.add(IngestDelivery(workspace_id=workspace_id, vendor=vendor, delivery_id=delivery_id))
        existing = await find_ticket(s, workspace_id, record)
        distinct = delivery_id is not None
        result, _ticket = await upsert(
            uow, IngestRefs(), record, existing, event_hint, distinct=distinct
        )
    return result
