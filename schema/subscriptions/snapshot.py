"""The snapshot ticketStatusChanged(initial: true) sends first: one synthetic SNAPSHOT event per
current matching ticket. Not stored in the log; every one carries the cursor taken before the
snapshot was read, so resuming from any of them misses nothing."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.db.engine import Database
from app.domain.enums import EventType
from app.domain.event_filter import EventFilter
from app.live.ticket_snapshot import current_tickets


@dataclass(frozen=True)
class SnapshotEvent:
    """Read by the TicketEvent type like an event row (fields by name)."""

    id: int  # minus the ticket id: unique per ticket, never a stored event's id
    seq: int
    ticket_id: int
    to_state: str
    to_status: str
    at: datetime
    type: str = EventType.SNAPSHOT.value
    from_state: str | None = None
    from_status: str | None = None
    actor_id: int | None = None
    changes: Any = None


async def snapshot_events(
    db: Database, workspace_id: int, event_filter: EventFilter, seq: int
) -> AsyncGenerator[SnapshotEvent, None]:
    async for ticket in current_tickets(db, workspace_id, event_filter):
        assert ticket.id is not None
        yield SnapshotEvent(
            id=-ticket.id,
            seq=seq,
            ticket_id=ticket.id,
            to_state=ticket.state,
            to_status=ticket.status,
            at=ticket.updated_at,
        )
