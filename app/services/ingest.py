"""Vendor ingest: upsert a normalized vendor ticket and append the events its changes imply.

Tickets upsert on (workspace, origin system, vendor ticket id). A payload older than the stored
one (by the vendor's update time) changes nothing; the same payload twice changes nothing and
writes no event. Child lists are authoritative and matched by natural keys, so replays never
duplicate them. People, teams, lines, contacts and labels are matched by vendor id (created when
new). `ingest_many` runs a batch in one transaction with a SAVEPOINT per record: a bad record is
rejected whole and the others go on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.connectors.base import PayloadError
from app.db import (
    Contact,
    ExtraField,
    IngestDelivery,
    Interaction,
    Label,
    Line,
    Message,
    Team,
    Ticket,
    TicketLabel,
    User,
)
from app.domain.enums import EventType, HelpdeskStatus, QueueStatus, TicketKind
from app.domain.errors import DomainError
from app.domain.records import ContactRecord, LabelRecord, LineRef, TeamRef, TicketRecord, UserRef
from app.services.unit_of_work import ServiceEnv, UnitOfWork, snapshot, unit_of_work

log = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"
BATCH_SIZE = 200

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


# --------------------------------------------------------------------------- references


class IngestRefs:
    """Vendor id -> row id for users, teams, lines, contacts and labels, kept across batches.

    A row is looked up (and its details refreshed) the first time an import meets it; after
    that only its id is reused. Cleared when a savepoint rolls back, since ids it handed out
    inside the savepoint may be gone.
    """

    def __init__(self) -> None:
        self.ids: dict[tuple[Any, ...], int] = {}

    def clear(self) -> None:
        self.ids.clear()

    async def _match(
        self,
        session: AsyncSession,
        model: Any,
        key: tuple[Any, ...],
        where: list[Any],
        values: dict[str, Any],
        defaults: dict[str, Any],
    ) -> int:
        cached = self.ids.get(key)
        if cached is not None:
            return cached
        row = (await session.execute(select(model).where(*where))).scalar_one_or_none()
        if row is None:
            row = model(**defaults, **{k: v for k, v in values.items() if v is not None})
            session.add(row)
            await session.flush()
        else:
            for name, value in values.items():
                if value is not None and getattr(row, name) != value:
                    setattr(row, name, value)
        self.ids[key] = row.id
        return row.id  # type: ignore[no-any-return]

    async def user(self, s: AsyncSession, ws: int, system: str, ref: UserRef | None) -> int | None:
        if ref is None:
            return None
        values = {
            "name": ref.name,
            "first_name": ref.first_name,
            "last_name": ref.last_name,
            "email": ref.email,
            "picture": ref.picture,
        }
        where = [User.workspace_id == ws, User.external_system == system]
        where.append(User.external_id == ref.external_id)
        defaults = {"workspace_id": ws, "external_system": system, "external_id": ref.external_id}
        if ref.name is None:
            defaults["name"] = ref.email or f"{system.title()} user {ref.external_id}"
        return await self._match(
            s, User, ("user", ws, system, ref.external_id), where, values, defaults
        )

    async def team(self, s: AsyncSession, ws: int, system: str, ref: TeamRef | None) -> int | None:
        if ref is None:
            return None
        where = [Team.workspace_id == ws, Team.external_system == system]
        where.append(Team.external_id == ref.external_id)
        defaults = {"workspace_id": ws, "external_system": system, "external_id": ref.external_id}
        if ref.name is None:
            defaults["name"] = f"Team {ref.external_id}"
        values = {"name": ref.name, "picture": ref.picture}
        return await self._match(
            s, Team, ("team", ws, system, ref.external_id), where, values, defaults
        )

    async def line(self, s: AsyncSession, ws: int, system: str, ref: LineRef | None) -> int | None:
        if ref is None:
            return None
        where = [Line.workspace_id == ws, Line.external_system == system]
        where.append(Line.external_id == ref.external_id)
        defaults = {"workspace_id": ws, "external_system": system, "external_id": ref.external_id}
        defaults["name"] = ref.name or f"Line {ref.external_id}"
        # The name of a known line is ours to change: a payload only knows the vendor id.
        return await self._match(
            s, Line, ("line", ws, system, ref.external_id), where, {}, defaults
        )

    async def label(self, s: AsyncSession, ws: int, rec: LabelRecord) -> int:
        values = {
            "color": rec.color,
            "description": rec.description,
            "external_id": rec.external_id,
        }
        where = [Label.workspace_id == ws, Label.name == rec.name]
        defaults = {"workspace_id": ws, "name": rec.name}
        return await self._match(s, Label, ("label", ws, rec.name), where, values, defaults)

    async def contact(
        self,
        s: AsyncSession,
        ws: int,
        system: str,
        rec: ContactRecord | None,
        current_id: int | None,
    ) -> int | None:
        if rec is None:
            return current_id
        values = {
            "name": rec.name,
            "first_name": rec.first_name,
            "last_name": rec.last_name,
            "email": rec.email,
            "phone_number": rec.phone_number,
            "language": rec.language,
            "timezone": rec.timezone,
            "note": rec.note,
            "data": rec.data,
        }
        if rec.external_id is not None:
            where = [Contact.workspace_id == ws, Contact.external_system == system]
            where.append(Contact.external_id == rec.external_id)
            defaults = {
                "workspace_id": ws,
                "external_system": system,
                "external_id": rec.external_id,
            }
            key = ("contact", ws, system, rec.external_id)
            return await self._match(s, Contact, key, where, values, defaults)
        # No vendor id (a Qminder visitor): the contact belongs to its ticket alone.
        row = await s.get(Contact, current_id) if current_id is not None else None
        if row is None:
            row = Contact(workspace_id=ws)
            s.add(row)
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
        await s.flush()
        return row.id


# --------------------------------------------------------------------------- events


def status_event(
    kind: str, old: str, new: str, *, line_changed: bool = False, hint: str | None = None
) -> EventType | None:
    """The lifecycle event a status change implies (None: not a transition)."""
    if kind == TicketKind.QUEUE:
        if old == new:
            if line_changed:
                return EventType.MOVED
            if hint == "ticket_recalled" and new == QueueStatus.CALLED:
                return EventType.RECALLED
            return None
        return {
            QueueStatus.CALLED: EventType.CALLED,
            QueueStatus.SERVED: EventType.SERVED,
            QueueStatus.NOSHOW: EventType.NO_SHOW,
            QueueStatus.CANCELLED_BY_CLERK: EventType.CANCELLED,
            QueueStatus.NEW: EventType.MOVED if line_changed else EventType.RETURNED_TO_QUEUE,
        }[QueueStatus(new)]
    if old == new:
        return None
    if new == HelpdeskStatus.OPEN:
        return {
            HelpdeskStatus.CLOSED: EventType.REOPENED,
            HelpdeskStatus.SNOOZED: EventType.WOKEN,
        }.get(HelpdeskStatus(old), EventType.UPDATED)
    return {
        HelpdeskStatus.CLOSED: EventType.COMPLETED,
        HelpdeskStatus.SNOOZED: EventType.SNOOZED,
        HelpdeskStatus.ONGOING: EventType.TAKEN_OVER,
    }[HelpdeskStatus(new)]


def flag_events(
    before: dict[str, Any], target: dict[str, Any]
) -> list[tuple[EventType, tuple[str, ...]]]:
    """Spam / trash flag changes: (event, columns it covers)."""
    spam_on = not before["spam"] and target["spam"]
    trash_on = before["trashed_at"] is None and target["trashed_at"] is not None
    cleared = (before["spam"] or before["trashed_at"] is not None) and not (
        target["spam"] or target["trashed_at"] is not None
    )
    events: list[tuple[EventType, tuple[str, ...]]] = []
    if spam_on:
        events.append((EventType.MARKED_SPAM, ("spam",)))
    if trash_on:
        events.append((EventType.TRASHED, ("trashed_at",)))
    if cleared:
        events.append((EventType.RESTORED, ("spam", "trashed_at")))
    return events


# --------------------------------------------------------------------------- children


def _message_key(row: Message) -> tuple[Any, ...]:
    if row.external_id is not None:
        return ("id", row.external_id)
    return ("at", row.created_at, row.direction, row.body)


def _update_row(row: Any, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


async def _sync_rows(
    s: AsyncSession,
    model: Any,
    ticket_id: int,
    is_new: bool,
    wanted: list[tuple[tuple[Any, ...], dict[str, Any]]],
    key_of: Any,
) -> tuple[int, int, int]:
    """Make the ticket's rows of `model` exactly `wanted` (key, values); returns (added,
    changed, removed). Rows are matched by natural key, so a replay touches nothing."""
    existing: dict[tuple[Any, ...], list[Any]] = {}
    if not is_new:
        stmt = select(model).where(model.ticket_id == ticket_id).order_by(model.id)
        for row in (await s.execute(stmt)).scalars():
            existing.setdefault(key_of(row), []).append(row)
    added = changed = 0
    for key, values in wanted:
        rows = existing.get(key)
        if rows:
            changed += _update_row(rows.pop(0), values)
        else:
            s.add(model(ticket_id=ticket_id, **values))
            added += 1
    removed = [row for rows in existing.values() for row in rows]
    for row in removed:
        await s.delete(row)
    return added, changed, len(removed)


def _counts(after: int, added: int, removed: int) -> list[int]:
    """A child list's change in the event log: [rows before, rows after]."""
    return [after - added + removed, after]


async def _sync_children(
    uow: UnitOfWork, refs: IngestRefs, record: TicketRecord, ticket: Ticket, is_new: bool
) -> dict[str, Any]:
    """Apply the payload's child lists; returns {child list: [before, after]} for what changed."""
    s, ws, system = uow.session, uow.workspace_id, record.origin_system.value
    tid: int = ticket.id  # type: ignore[assignment]
    changes: dict[str, Any] = {}
    if record.messages is not None:
        wanted = []
        for m in record.messages:
            values = {
                "workspace_id": ws,
                "body": m.body,
                "body_html": m.body_html,
                "direction": m.direction,
                "channel": m.channel,
                "via": m.via,
                "status": m.status,
                "public": m.public,
                "subject": m.subject,
                "author_id": await refs.user(s, ws, system, m.author),
                "sender": m.sender,
                "receiver": m.receiver,
                "attachments": m.attachments,
                "external_id": m.external_id,
                "created_at": m.created_at,
                "opened_at": m.opened_at,
                "failed_at": m.failed_at,
                "deleted_at": m.deleted_at,
                "vendor_data": m.vendor_data,
            }
            wanted.append((m.natural_key(), values))
        added, changed, removed = await _sync_rows(s, Message, tid, is_new, wanted, _message_key)
        if added or changed or removed:
            changes["messages"] = _counts(len(wanted), added, removed)
    if record.interactions is not None:
        wanted = []
        for i in record.interactions:
            values = {
                "workspace_id": ws,
                "start": i.start,
                "end": i.end,
                "line_id": await refs.line(s, ws, system, i.line),
                "desk": i.desk,
                "user_id": await refs.user(s, ws, system, i.user),
            }
            wanted.append((i.natural_key(), values))
        counts = await _sync_rows(s, Interaction, tid, is_new, wanted, lambda r: (r.start,))
        if any(counts):
            changes["interactions"] = _counts(len(wanted), counts[0], counts[2])
    if record.extra is not None:
        wanted = [
            (
                e.natural_key(),
                {
                    "workspace_id": ws,
                    "position": n,
                    "title": e.title,
                    "value": e.value,
                    "url": e.url,
                    "provider": e.provider,
                    "data": e.data,
                },
            )
            for n, e in enumerate(record.extra)
        ]
        counts = await _sync_rows(
            s, ExtraField, tid, is_new, wanted, lambda r: (r.provider, r.title)
        )
        if any(counts):
            changes["extra"] = _counts(len(wanted), counts[0], counts[2])
    if record.labels is not None:
        label_changes = await _sync_labels(uow, refs, record.labels, tid, is_new)
        if label_changes:
            changes["labels"] = label_changes
    return changes


async def _sync_labels(
    uow: UnitOfWork, refs: IngestRefs, labels: list[LabelRecord], tid: int, is_new: bool
) -> list[list[str]] | None:
    s, ws = uow.session, uow.workspace_id
    wanted: dict[int, str] = {}
    for rec in labels:
        wanted[await refs.label(s, ws, rec)] = rec.name
    current: dict[int, str] = {}
    if not is_new:
        stmt = (
            select(TicketLabel.label_id, Label.name)
            .join(Label, Label.id == TicketLabel.label_id)
            .where(TicketLabel.ticket_id == tid)
        )
        current = {lid: name for lid, name in (await s.execute(stmt)).all()}
    if current.keys() == wanted.keys():
        return None
    for lid in wanted.keys() - current.keys():
        s.add(TicketLabel(ticket_id=tid, label_id=lid, workspace_id=ws))
    gone = list(current.keys() - wanted.keys())
    if gone:
        await s.execute(
            delete(TicketLabel).where(TicketLabel.ticket_id == tid, TicketLabel.label_id.in_(gone))  # type: ignore[attr-defined]
        )
    return [sorted(current.values()), sorted(wanted.values())]


async def _open_or_close_interaction(uow: UnitOfWork, ticket: Ticket, event: EventType) -> None:
    """When a queue payload carries no interactions, follow the lifecycle: a call opens one,
    the end of the service closes it (as the lifecycle commands do)."""
    s = uow.session
    if event == EventType.CALLED:
        s.add(
            Interaction(
                workspace_id=uow.workspace_id,
                ticket_id=ticket.id,  # type: ignore[arg-type]
                start=ticket.called_at or uow.now,
                line_id=ticket.line_id,
                desk=ticket.desk,
                user_id=ticket.called_by_id,
            )
        )
    elif event in (
        EventType.SERVED,
        EventType.NO_SHOW,
        EventType.RETURNED_TO_QUEUE,
        EventType.MOVED,
    ):
        stmt = (
            select(Interaction)
            .where(Interaction.ticket_id == ticket.id, Interaction.end.is_(None))  # type: ignore[union-attr]
            .order_by(Interaction.start.desc())  # type: ignore[attr-defined]
            .limit(1)
        )
        row = (await s.execute(stmt)).scalar_one_or_none()
        if row is not None:
            row.end = ticket.served_at or uow.now


# --------------------------------------------------------------------------- upsert


async def _target(
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


def _rest_event(columns: dict[str, Any], children: dict[str, Any]) -> EventType:
    if columns or len(children) != 1:
        return EventType.UPDATED
    ((name, (old, new)),) = children.items()
    if name == "labels":
        if set(new) >= set(old):
            return EventType.LABEL_ADDED
        return EventType.LABEL_REMOVED if set(new) <= set(old) else EventType.UPDATED
    if name == "messages" and new > old:
        return EventType.MESSAGE_ADDED
    return EventType.EXTRA_SET if name == "extra" else EventType.UPDATED


async def _create(
    uow: UnitOfWork, refs: IngestRefs, record: TicketRecord, target: dict[str, Any]
) -> Ticket:
    system = record.origin_system.value
    ticket = Ticket(
        workspace_id=uow.workspace_id,
        origin_system=system,
        external_id=record.external_id,
        state="OPEN",  # recomputed by record()
        **target,
    )
    ticket.updated_at = record.vendor_updated_at or target.get("created_at") or uow.now
    await uow.record(ticket, EventType.CREATED, None, changes={"origin": [None, system]})
    await _sync_children(uow, refs, record, ticket, is_new=True)
    if (
        record.kind == TicketKind.QUEUE
        and record.interactions is None
        and record.status == QueueStatus.CALLED
    ):
        await _open_or_close_interaction(uow, ticket, EventType.CALLED)
    return ticket


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
            await _open_or_close_interaction(uow, ticket, ev)
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
    children = await _sync_children(uow, refs, record, ticket, is_new=False)
    if pending or children:
        await uow.record(ticket, _rest_event(pending, children), before, changes=children)
        events += 1
    # After the last event, so a bare timestamp bump never shows up as a change.
    _apply(ticket, bookkeeping)
    return events


async def _upsert(
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
    target = await _target(uow, refs, record, existing)
    if existing is None:
        ticket = await _create(uow, refs, record, target)
        return IngestResult(CREATED, ticket.id), ticket
    events = await _update(uow, refs, record, existing, target, hint)
    return IngestResult(UPDATED if events else UNCHANGED, existing.id), existing


async def _find(s: AsyncSession, ws: int, record: TicketRecord) -> Ticket | None:
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
                existing = await _find(s, workspace_id, record)
                return IngestResult(UNCHANGED, existing.id if existing else None)
            s.add(IngestDelivery(workspace_id=workspace_id, vendor=vendor, delivery_id=delivery_id))
        existing = await _find(s, workspace_id, record)
        result, _ticket = await _upsert(uow, IngestRefs(), record, existing, event_hint)
    return result


def _rejection(exc: Exception) -> IngestResult:
    if isinstance(exc, PayloadError):
        return IngestResult(REJECTED, None, exc.message, exc.field)
    if isinstance(exc, DomainError):
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
    """Upsert many tickets, `batch_size` per transaction, each record in its own SAVEPOINT."""
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


async def _prefetch(
    s: AsyncSession, ws: int, batch: list[TicketRecord]
) -> dict[tuple[str, str], Ticket]:
    by_system: dict[str, set[str]] = {}
    for record in batch:
        by_system.setdefault(record.origin_system.value, set()).add(record.external_id)
    found: dict[tuple[str, str], Ticket] = {}
    for system, ids in by_system.items():
        stmt = select(Ticket).where(
            Ticket.workspace_id == ws,
            Ticket.origin_system == system,
            Ticket.external_id.in_(ids),  # type: ignore[union-attr]
        )
        for ticket in (await s.execute(stmt)).scalars():
            found[(system, ticket.external_id)] = ticket  # type: ignore[index]
    return found


async def _ingest_batch(
    env: ServiceEnv, workspace_id: int, batch: list[TicketRecord], refs: IngestRefs
) -> list[IngestResult]:
    results: list[IngestResult] = []
    try:
        async with unit_of_work(env, workspace_id, None) as uow:
            known = await _prefetch(uow.session, workspace_id, batch)
            for record in batch:
                key = (record.origin_system.value, record.external_id)
                mark = len(uow.events), uow._seq  # restored if the savepoint rolls back
                try:
                    async with uow.session.begin_nested():
                        result, ticket = await _upsert(uow, refs, record, known.get(key), None)
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
    except Exception as exc:
        # The commit itself failed (e.g. the database went away): nothing of this batch stays.
        refs.clear()
        log.warning("ingest: batch rolled back", exc_info=exc)
        return [IngestResult(REJECTED, None, "The batch could not be stored.")] * len(batch)
    return results
