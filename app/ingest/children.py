"""Child lists of a ticket (messages, interactions, extra fields, labels): the payload's list is
authoritative, rows are matched by natural key so a replay touches nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import ExtraField, Interaction, Label, Message, Ticket, TicketLabel, table_of
from app.db.bulk import Converted, convert, insert_converted
from app.domain.enums import EventType
from app.domain.records import TicketRecord
from app.ingest.refs import IngestRefs
from app.tickets.unit_of_work import UnitOfWork


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


class BulkRows:
    """Children of brand-new tickets, inserted per table at the end of a batch (COPY on
    PostgreSQL, multi-row INSERTs on SQLite, values converted once): no ORM objects to build,
    no row-by-row round trips or statements."""

    def __init__(self) -> None:
        self.rows: dict[Any, list[dict[str, Any]]] = {}
        self.converted: list[Converted] = []

    def add(self, model: Any, values: dict[str, Any]) -> None:
        self.rows.setdefault(model, []).append(values)

    def convert(self, s: AsyncSession) -> None:
        """Convert the rows added so far; Python work only (the session's connection is not
        used), so it can overlap the server's work on an earlier statement."""
        self.converted += [convert(s, table_of(model), rows) for model, rows in self.rows.items()]
        self.rows.clear()

    async def insert(self, s: AsyncSession) -> None:
        self.convert(s)
        converted, self.converted = self.converted, []
        for rows in converted:
            await insert_converted(s, rows)


async def _sync_rows(
    s: AsyncSession,
    model: Any,
    ticket_id: int,
    is_new: bool,
    wanted: list[tuple[tuple[Any, ...], dict[str, Any]]],
    key_of: Any,
    bulk: BulkRows | None = None,
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
        elif bulk is not None:
            bulk.add(model, {"ticket_id": ticket_id, **values})
            added += 1
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


async def sync_children(
    uow: UnitOfWork,
    refs: IngestRefs,
    record: TicketRecord,
    ticket: Ticket,
    is_new: bool,
    bulk: BulkRows | None = None,
) -> dict[str, Any]:
    """Apply the payload's child lists; returns {child list: [before, after]} for what changed."""
    s, ws, system = uow.session, uow.workspace_id, record.origin_system.value
    tid: int = ticket.id
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
                "routing": m.routing,
                "external_id": m.external_id,
                "external_reference": m.external_reference,
                "created_at": m.created_at,
                "sent_at": m.sent_at,
                "opened_at": m.opened_at,
                "failed_at": m.failed_at,
                "deleted_at": m.deleted_at,
                "vendor_data": m.vendor_data,
            }
            wanted.append((m.natural_key(), values))
        added, changed, removed = await _sync_rows(
            s, Message, tid, is_new, wanted, _message_key, bulk
        )
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
        counts = await _sync_rows(s, Interaction, tid, is_new, wanted, lambda r: (r.start,), bulk)
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
            s, ExtraField, tid, is_new, wanted, lambda r: (r.provider, r.title), bulk
        )
        if any(counts):
            changes["extra"] = _counts(len(wanted), counts[0], counts[2])
    if record.labels is not None:
        label_changes = await _sync_labels(uow, refs, record, tid, is_new, bulk)
        if label_changes:
            changes["labels"] = label_changes
    return changes


async def _sync_labels(
    uow: UnitOfWork,
    refs: IngestRefs,
    record: TicketRecord,
    tid: int,
    is_new: bool,
    bulk: BulkRows | None = None,
) -> list[list[str]] | None:
    s, ws, system = uow.session, uow.workspace_id, record.origin_system.value
    wanted: dict[int, str] = {}
    for rec in record.labels or ():
        wanted[await refs.label(s, ws, system, rec)] = rec.name
    current: dict[int, str] = {}
    if not is_new:
        stmt = (
            select(col(TicketLabel.label_id), col(Label.name))
            .join(Label, col(Label.id) == col(TicketLabel.label_id))
            .where(col(TicketLabel.ticket_id) == tid)
        )
        current = {lid: name for lid, name in (await s.execute(stmt)).all()}
    if current.keys() == wanted.keys():
        return None
    for lid in wanted.keys() - current.keys():
        if bulk is not None:
            values = {"ticket_id": tid, "label_id": lid, "workspace_id": ws, "created_at": uow.now}
            bulk.add(TicketLabel, values)
        else:
            s.add(TicketLabel(ticket_id=tid, label_id=lid, workspace_id=ws))
    gone = list(current.keys() - wanted.keys())
    if gone:
        await s.execute(
            delete(TicketLabel).where(
                col(TicketLabel.ticket_id) == tid, col(TicketLabel.label_id).in_(gone)
            )
        )
    return [sorted(current.values()), sorted(wanted.values())]


async def open_or_close_interaction(
    uow: UnitOfWork, ticket: Ticket, event: EventType, *, at: datetime | None = None
) -> None:
    """When a queue payload carries no interactions, follow the lifecycle: a call opens one,
    the end of the service closes it (as the lifecycle commands do), at `at` when known."""
    s = uow.session
    if event == EventType.CALLED:
        s.add(
            Interaction(
                workspace_id=uow.workspace_id,
                ticket_id=ticket.id,
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
            .where(col(Interaction.ticket_id) == ticket.id, col(Interaction.end).is_(None))
            .order_by(col(Interaction.start).desc())
            .limit(1)
        )
        row = (await s.execute(stmt)).scalar_one_or_none()
        if row is not None:
            row.end = at or ticket.served_at or uow.now
