"""One write transaction per command: lock the workspace, change rows, append events, commit,
then wake subscribers.

Every write in a workspace first locks that workspace's row. That gives three guarantees cheaply:
event sequence numbers follow commit order (a reader that saw seq N has seen all below N), two
desks never call the same ticket, and a refused command rolls back with no event written.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import Ticket, TicketEvent, Workspace
from app.db.engine import Database
from app.db.types import utcnow
from app.domain.enums import EventType
from app.domain.states import unified_state
from app.live.broker import Broker, Wakeup
from app.observability import metrics

# Columns that change with every write and say nothing about what the command did.
_NOT_CHANGES = frozenset(
    {"version", "updated_at", "raw_payload", "queue_key", "state", "vendor_digests", "sla_due_at"}
)

Snapshot = dict[str, Any]


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def snapshot(ticket: Ticket) -> Snapshot:
    """The ticket's columns as they are now, to diff against after the change."""
    return {name: getattr(ticket, name) for name in Ticket.model_fields}


class UnitOfWork:
    def __init__(self, session: AsyncSession, workspace_id: int, actor_id: int | None) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.actor_id = actor_id
        self.now = utcnow()
        self.events: list[TicketEvent] = []
        self._seq = 0
        self.last_seq: int | None = None
        # The tickets events were recorded for, by id (rows, or bulk-insert stand-ins).
        self.tickets: dict[int, Any] = {}
        # Whether the workspace has SLA policies (read with the lock, for FINISH_STEPS).
        self.sla_active = False

    async def lock_workspace(self) -> None:
        stmt = (
            select(col(Workspace.event_seq), col(Workspace.sla_active))
            .where(col(Workspace.id) == self.workspace_id)
            .with_for_update()
        )
        self._seq, self.sla_active = (await self.session.execute(stmt)).one()

    async def record(
        self,
        ticket: Ticket,
        type_: EventType,
        before: Snapshot | None,
        *,
        actor_id: int | None = None,
        changes: dict[str, Any] | None = None,
        touch: bool = True,
    ) -> TicketEvent:
        """Append an event for a change already applied to `ticket`.

        Recomputes the unified state, bumps the version and `updated_at` (unless `touch` is
        false, for events that change nothing on the ticket row such as a recall).
        """
        ticket.state = unified_state(
            ticket.kind, ticket.status, spam=ticket.spam, trashed=ticket.trashed_at is not None
        ).value
        if touch and before is not None:
            ticket.version = (ticket.version or 1) + 1
            ticket.updated_at = self.now
        if ticket.id is None:
            self.session.add(ticket)
            await self.session.flush()
        diff = dict(changes or {})
        if before is not None:
            for name, old in before.items():
                new = getattr(ticket, name)
                if name not in _NOT_CHANGES and old != new:
                    diff[name] = [_jsonable(old), _jsonable(new)]
        self.tickets[ticket.id] = ticket  # type: ignore[index]
        self._seq += 1
        event = TicketEvent(
            workspace_id=self.workspace_id,
            seq=self._seq,
            ticket_id=ticket.id,  # type: ignore[arg-type]
            type=type_.value,
            from_state=before["state"] if before else None,
            to_state=ticket.state,
            from_status=before["status"] if before else None,
            to_status=ticket.status,
            actor_id=self.actor_id if actor_id is None else actor_id,
            at=self.now,
            changes=diff or None,
        )
        self.events.append(event)
        return event

    async def finish(self) -> None:
        for step in FINISH_STEPS:
            await step(self)
        if not self.events:
            return
        # One executemany: the ORM would insert event rows one statement at a time.
        rows = [event.model_dump(exclude={"id"}) for event in self.events]
        await self.session.execute(insert(TicketEvent), rows)
        await self.session.execute(
            update(Workspace).where(Workspace.id == self.workspace_id).values(event_seq=self._seq)
        )
        await self.session.flush()
        self.last_seq = self._seq


# Steps every unit of work runs last, in its transaction, before its events are written; they
# may record more events. Packages above this one register theirs when imported (app.sla keeps
# its timers so: every command, ingest included, passes here).
FinishStep = Callable[[UnitOfWork], Awaitable[None]]
FINISH_STEPS: list[FinishStep] = []


@dataclass(frozen=True)
class ServiceEnv:
    """What every command needs: the database, and the broker to wake subscribers after commit."""

    db: Database
    broker: Broker | None = None


@asynccontextmanager
async def unit_of_work(
    env: ServiceEnv, workspace_id: int, actor_id: int | None
) -> AsyncIterator[UnitOfWork]:
    """Run a command. Any exception (a DomainError included) rolls everything back."""
    db, broker = env.db, env.broker
    async with db.transaction() as session:
        uow = UnitOfWork(session, workspace_id, actor_id)
        await uow.lock_workspace()
        yield uow
        await uow.finish()
    metrics.EVENTS_PUBLISHED.inc(len(uow.events))
    if uow.last_seq is not None and broker is not None:
        await broker.publish(Wakeup(workspace_id, uow.last_seq))
