"""Upsert one normalized vendor ticket inside a unit of work, with the events it implies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import IngestDelivery, Ticket
from app.domain.enums import EventType, QueueStatus, TicketKind
from app.domain.records import TicketRecord
from app.domain.states import unified_state
from app.services.ingest.children import BulkRows, open_or_close_interaction, sync_children
from app.services.ingest.refs import IngestRefs
from app.services.ingest.transitions import flag_events, rest_event, status_event
from app.services.unit_of_work import ServiceEnv, UnitOfWork, snapshot, unit_of_work

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"

# Columns whose change is a lifecycle transition (one event of its own).
_STATUS_COLUMNS = (
    "status",
    "raw_status",
    "line_id",
    "called_at",
    "called_by_id",
    "desk",
    "served_at",
    "closed_at",
    "snooze_until",
    "ongoing_at",
)
# Written with every newer payload but no reason for an event on their own.
_BOOKKEEPING = ("vendor_updated_at", "raw_payload", "queue_key")


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
    target.update(
        kind=record.kind.value,
        status=record.status,
        raw_status=record.raw_status,
        vendor_data=record.vendor_data or None,
        vendor_updated_at=record.vendor_updated_at,
        raw_payload=record.raw_payload,
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


def _apply(ticket: Ticket, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(ticket, name, value)


def _take(pending: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {name: pending.pop(name) for name in names if name in pending}


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


async def _update(
    uow: UnitOfWork,
    refs: IngestRefs,
    record: TicketRecord,
    ticket: Ticket,
    target: dict[str, Any],
    hint: str | None,
) -> int:
    """Apply a newer payload phase by phase, one event per kind of change; returns the count."""
    events = 0
    pending = {k: v for k, v in target.items() if getattr(ticket, k) != v}
    ev = status_event(
        ticket.kind, ticket.status, target["status"], line_changed="line_id" in pending, hint=hint
    )
    if ev is not None:
        before = snapshot(ticket)
        moved = _take(pending, _STATUS_COLUMNS)
        _apply(ticket, moved)
        await uow.record(ticket, ev, before, touch=bool(moved))
        events += 1
        if record.kind == TicketKind.QUEUE and record.interactions is None:
            await open_or_close_interaction(uow, ticket, ev)
    if record.kind == TicketKind.HELPDESK:
        flags_before = {"spam": ticket.spam, "trashed_at": ticket.trashed_at}
        flags_after = {
            "spam": target.get("spam", ticket.spam),
            "trashed_at": target.get("trashed_at", ticket.trashed_at),
        }
        for flag_ev, names in flag_events(flags_before, flags_after):
            before = snapshot(ticket)
            _apply(ticket, _take(pending, names))
            await uow.record(ticket, flag_ev, before)
            events += 1
    assignment = _take(pending, ("assignee_id", "assigner_id"))
    if assignment:
        before = snapshot(ticket)
        _apply(ticket, assignment)
        kind = EventType.ASSIGNED if ticket.assignee_id is not None else EventType.UNASSIGNED
        await uow.record(ticket, kind, before)
        events += 1
    team = _take(pending, ("team_id",))
    if team:
        before = snapshot(ticket)
        _apply(ticket, team)
        await uow.record(ticket, EventType.TEAM_SET, before)
        events += 1
    bookkeeping = _take(pending, _BOOKKEEPING)
    before = snapshot(ticket)
    _apply(ticket, pending)
    children = await sync_children(uow, refs, record, ticket, is_new=False)
    if pending or children:
        await uow.record(ticket, rest_event(pending, children), before, changes=children)
        events += 1
    # After the last event, so a bare timestamp bump never shows up as a change.
    _apply(ticket, bookkeeping)
    return events


async def upsert(
    uow: UnitOfWork,
    refs: IngestRefs,
    record: TicketRecord,
    existing: Ticket | None,
    hint: str | None,
) -> tuple[IngestResult, Ticket | None]:
    if (
        existing is not None
        and record.vendor_updated_at is not None
        and existing.vendor_updated_at is not None
        and record.vendor_updated_at < existing.vendor_updated_at
    ):
        return IngestResult(UNCHANGED, existing.id), existing
    target = await target_columns(uow, refs, record, existing)
    if existing is None:
        ticket = new_ticket(uow, record, target)
        await finish_create(uow, refs, record, ticket)
        return IngestResult(CREATED, ticket.id), ticket
    events = await _update(uow, refs, record, existing, target, hint)
    return IngestResult(UPDATED if events else UNCHANGED, existing.id), existing


async def find_ticket(s: AsyncSession, ws: int, record: TicketRecord) -> Ticket | None:
    stmt = select(Ticket).where(
        Ticket.workspace_id == ws,
        Ticket.origin_system == record.origin_system.value,
        Ticket.external_id == record.external_id,
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
    processed for this workspace and vendor changes nothing (a webhook retry)."""
    vendor = record.origin_system.value.lower()
    async with unit_of_work(env, workspace_id, None) as uow:
        s = uow.session
        if delivery_id is not None:
            seen = await s.execute(
                select(IngestDelivery.id).where(
                    IngestDelivery.workspace_id == workspace_id,
                    IngestDelivery.vendor == vendor,
                    IngestDelivery.delivery_id == delivery_id,
                )
            )
            if seen.first() is not None:
                existing = await find_ticket(s, workspace_id, record)
                return IngestResult(UNCHANGED, existing.id if existing else None)
            s.add(IngestDelivery(workspace_id=workspace_id, vendor=vendor, delivery_id=delivery_id))
        existing = await find_ticket(s, workspace_id, record)
        result, _ticket = await upsert(uow, IngestRefs(), record, existing, event_hint)
    return result
