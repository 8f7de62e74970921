"""Apply a newer vendor payload to a stored ticket, phase by phase, one event per kind of
change: lifecycle, spam / trash flags, assignee, team, then the rest."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.db import Ticket
from app.domain.enums import EventType, QueueStatus, TicketKind
from app.domain.records import TicketRecord
from app.ingest.children import open_or_close_interaction, sync_children
from app.ingest.refs import IngestRefs
from app.ingest.transitions import called_again, flag_events, rest_event, status_event
from app.tickets.unit_of_work import UnitOfWork, snapshot

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
_BOOKKEEPING = ("vendor_updated_at", "raw_payload", "queue_key", "vendor_digests")


def _apply(ticket: Ticket, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(ticket, name, value)


def _take(pending: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {name: pending.pop(name) for name in names if name in pending}


async def apply_update(
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
    children = await sync_children(uow, refs, record, ticket, is_new=False)
    # A queue ticket's interactions change with its lifecycle: part of that event, not another.
    lifecycle_children = (
        _take(children, ("interactions",)) if record.kind == TicketKind.QUEUE else {}
    )
    synthesize = record.kind == TicketKind.QUEUE and record.interactions is None
    if called_again(ticket.kind, ticket.status, ticket.called_at, target, hint):
        # Called later than the call we know: it went back to the queue in between (a payload
        # we never saw, or saw stale). Say so, then the new call.
        before = snapshot(ticket)
        ticket.status = QueueStatus.NEW.value
        await uow.record(ticket, EventType.RETURNED_TO_QUEUE, before)
        events += 1
        if synthesize:
            await open_or_close_interaction(
                uow, ticket, EventType.RETURNED_TO_QUEUE, at=target["called_at"]
            )
    ev = status_event(
        ticket.kind, ticket.status, target["status"], line_changed="line_id" in pending, hint=hint
    )
    if ev is not None:
        before = snapshot(ticket)
        moved = _take(pending, _STATUS_COLUMNS)
        _apply(ticket, moved)
        system = record.origin_system.value
        actor = await refs.user(uow.session, uow.workspace_id, system, record.actor)
        await uow.record(
            ticket, ev, before, touch=bool(moved), actor_id=actor, changes=lifecycle_children
        )
        lifecycle_children = {}
        events += 1
        if synthesize:
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
    children |= lifecycle_children  # no lifecycle event took them
    if pending or children:
        await uow.record(ticket, rest_event(pending, children), before, changes=children)
        events += 1
    # After the last event, so a bare timestamp bump never shows up as a change.
    _apply(ticket, bookkeeping)
    return events
