"""One write transaction per command: change rows, append events, commit, then wake subscribers.

The event log's per-workspace `seq` is handed out at the very end: the last statement before
COMMIT bumps the workspace row's counter (`UPDATE ... RETURNING`, which takes that row's lock)
and inserts the events with the numbers it returned; COMMIT releases the lock. So seq order is
commit order (a reader that saw seq N has seen every event below N: the writer of N could only
number it after the writer of N-1 committed), and the workspace row is held for one statement
and the COMMIT, not for the whole command; on PostgreSQL both go in one message
(app.live.commit_append), so not across a turn of the event loop either. Commands on different
tickets run side by side; commands on one ticket queue on the ticket's row
(app.tickets.command.load_ticket).

A command whose rules span rows it cannot lock one by one (an import, the demo, retention, a
reorder of a line) runs `serial`: it locks the workspace row first, as every command used to, and
runs alone among serial commands and ahead of the others' commits. See docs/event-log.md.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, fields
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import Ticket, TicketEvent, Workspace
from app.db.types import utcnow
from app.domain.enums import EventType
from app.domain.states import unified_state
from app.live.broker import Wakeup
from app.live.commit_append import LateFinish, append_and_commit
from app.live.service_env import ServiceEnv
from app.observability import metrics

# Columns that change with every write and say nothing about what the command did.
_NOT_CHANGES = frozenset(
    {"version", "updated_at", "raw_payload", "queue_key", "state", "vendor_digests", "sla_due_at"}
)

Snapshot = dict[str, Any]
Row = TypeVar("Row")


def _dumps(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, separators=(",", ":"))


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def snapshot(ticket: Ticket) -> Snapshot:
    """The ticket's columns as they are now, to diff against after the change."""
    return {name: getattr(ticket, name) for name in Ticket.model_fields}


# The events' columns in the order _APPEND_EVENTS lists them.
_EVENT_COLUMNS = (
    "ticket_id", "type", "from_state", "to_state", "from_status", "to_status", "actor_id", "at",
    "changes",
)  # fmt: skip

# PostgreSQL: the counter bumped and the events inserted in one statement, the last before COMMIT.
# The rows travel as one JSON array (any number of events, one parameter); `n` is 1, 2, 3...
_APPEND_EVENTS = text(
    """
    WITH counter AS (
        UPDATE workspace SET event_seq = event_seq + :count WHERE id = :workspace_id
        RETURNING event_seq, sla_active
    ), appended AS (
        INSERT INTO ticket_event (workspace_id, seq, ticket_id, type, from_state, to_state,
                                  from_status, to_status, actor_id, at, changes)
        SELECT :workspace_id, counter.event_seq - :count + e.n, e.ticket_id, e.type,
               e.from_state, e.to_state, e.from_status, e.to_status, e.actor_id, e.at, e.changes
        FROM counter, jsonb_to_recordset(CAST(:events AS jsonb)) AS e(
            n int, ticket_id int, type text, from_state text, to_state text, from_status text,
            to_status text, actor_id int, at timestamptz, changes jsonb)
    )
    SELECT event_seq, sla_active FROM counter
    """
)


@dataclass(slots=True)
class PendingEvent:
    """An event recorded by a command, written at finish. A plain object, not a TicketEvent:
    an SQLModel instance costs some 200 us to build (validation, instrumented attributes),
    which an import of thousands of tickets pays once per ticket."""

    workspace_id: int
    seq: int
    ticket_id: int
    type: str
    from_state: str | None
    to_state: str | None
    from_status: str | None
    to_status: str | None
    actor_id: int | None
    at: datetime
    changes: dict[str, Any] | None


_PENDING_FIELDS = tuple(f.name for f in fields(PendingEvent))


class UnitOfWork:
    def __init__(
        self,
        session: AsyncSession,
        workspace_id: int,
        actor_id: int | None,
        *,
        serial: bool,
        postgres: bool,
    ) -> None:
        self.session = session
        self.postgres = postgres
        self.workspace_id = workspace_id
        self.actor_id = actor_id
        self.serial = serial
        self.now = utcnow()
        self.events: list[PendingEvent] = []
        self._seq = 0  # events recorded so far; their seqs are known only at finish
        self.last_seq: int | None = None
        # The tickets events were recorded for, by id (rows, or bulk-insert stand-ins).
        self.tickets: dict[int, Any] = {}
        # Whether the workspace has SLA policies, for FINISH_STEPS: read by the statement that
        # takes the workspace (serial) or loads the ticket, else by app.sla when it needs it.
        # A command that does not lock the workspace may read it before the first policy
        # commits: the counter statement, which waits for that commit, reads it again.
        self.sla_active: bool | None = None

    @property
    def actor(self) -> int:
        """The acting user of a command (the API key's, or the user it names): always set there.
        The system's own runs (snooze wake-ups, ingest) have none, and never ask."""
        if self.actor_id is None:
            raise RuntimeError("A unit of work without an actor has no acting user")
        return self.actor_id

    async def insert(self, row: Row) -> Row:
        """Add a new row and flush it, so its id is known to what the command does next."""
        self.session.add(row)
        await self.session.flush()
        return row

    async def lock_workspace(self) -> None:
        """Run alone in the workspace (serial commands): take its row now, until COMMIT.

        FOR NO KEY UPDATE, not FOR UPDATE: inserts that reference the workspace (every ticket,
        message and event row) check that key with FOR KEY SHARE, which FOR UPDATE would block.
        """
        stmt = select(col(Workspace.sla_active)).where(col(Workspace.id) == self.workspace_id)
        if self.postgres:
            stmt = stmt.with_for_update(key_share=True)
        self.sla_active = bool((await self.session.execute(stmt)).scalar_one())

    async def record(
        self,
        ticket: Ticket,
        type_: EventType,
        before: Snapshot | None,
        *,
        actor_id: int | None = None,
        changes: dict[str, Any] | None = None,
        touch: bool = True,
    ) -> PendingEvent:
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
        self.tickets[ticket.id] = ticket
        self._seq += 1
        event = PendingEvent(
            workspace_id=self.workspace_id,
            seq=0,  # numbered at finish, in the statement that takes the workspace's counter
            ticket_id=ticket.id,
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
        """Run the finish steps, write what is pending, then number and append the events: the
        last statement."""
        await self._run_finish_steps()
        if not self.events:
            return
        count = len(self.events)
        if self.postgres:
            rows = [
                {"n": n, **{c: _jsonable(getattr(e, c)) for c in _EVENT_COLUMNS}}
                for n, e in enumerate(self.events, 1)
            ]
            self._number(await self._append_and_commit(count, _dumps(rows)))
            return
        # SQLite: one writer at a time already (BEGIN IMMEDIATE); counter first, then the rows.
        bump = (
            update(Workspace)
            .where(col(Workspace.id) == self.workspace_id)
            .values(event_seq=col(Workspace.event_seq) + count)
            .returning(col(Workspace.event_seq))
        )
        self._number(int((await self.session.execute(bump)).scalar_one()))
        # One executemany: the ORM would insert event rows one statement at a time.
        # Shallow: dataclasses.asdict would deep-copy every event's changes.
        rows = [{name: getattr(e, name) for name in _PENDING_FIELDS} for e in self.events]
        await self.session.execute(insert(TicketEvent), rows)

    async def _append_and_commit(self, count: int, events: str) -> int:
        """PostgreSQL: number and append the events and COMMIT in one round trip
        (app.live.commit_append), so the workspace row is not held across a turn of the event
        loop; the last seq. A command that holds the workspace (serial) or knows of policies
        cannot see the SLA flag turn on. The session then commits an empty transaction."""
        params = {"count": count, "workspace_id": self.workspace_id, "events": events}
        pooled = await (await self.session.connection()).get_raw_connection()
        driver = pooled.driver_connection
        if driver is None or not driver.is_in_transaction():
            # Nothing ran yet (the driver begins lazily): the ordinary statement.
            last, sla_active = (await self.session.execute(_APPEND_EVENTS, params)).one()
            if sla_active and not self.sla_active:
                await self._late_finish()
            return int(last)
        known = bool(self.sla_active) or self.serial
        try:
            return await append_and_commit(
                driver, self.workspace_id, count, events, sla_known=known
            )
        except LateFinish:  # rolled back to before the numbering: finish, then number
            await self._late_finish()
            last, _active = (await self.session.execute(_APPEND_EVENTS, params)).one()
            return int(last)

    async def _late_finish(self) -> None:
        """The workspace's first SLA policy committed while this command ran: it read no
        policies, but commits after them, so its new tickets get their timers now, before
        its events are numbered and it commits. Timers just started announce nothing, and no
        older ticket has timers yet, so no event comes after the numbered ones."""
        self.sla_active = True
        count = len(self.events)
        await self._run_finish_steps()
        if len(self.events) != count:
            raise RuntimeError("A late finish step recorded events after they were numbered")

    async def _run_finish_steps(self) -> None:
        for step in FINISH_STEPS:
            await step(self)
        await self.session.flush()

    def _number(self, last: int) -> None:
        first = last - len(self.events) + 1
        for n, event in enumerate(self.events):
            event.seq = first + n
        self.last_seq = last


# Steps every unit of work runs last, in its transaction, before its events are written; they
# may record more events. Packages above this one register theirs when imported (app.sla keeps
# its timers so: every command, ingest included, passes here).
FinishStep = Callable[[UnitOfWork], Awaitable[None]]
FINISH_STEPS: list[FinishStep] = []


@asynccontextmanager
async def unit_of_work(
    env: ServiceEnv, workspace_id: int, actor_id: int | None, *, serial: bool = True
) -> AsyncIterator[UnitOfWork]:
    """Run a command. Any exception (a DomainError included) rolls everything back.

    `serial` (the default, for imports, setup, retention and anything touching many rows):
    lock the workspace first. Single-ticket commands pass False and lock their ticket instead.
    """
    db, broker = env.db, env.broker
    async with db.transaction() as session:
        uow = UnitOfWork(session, workspace_id, actor_id, serial=serial, postgres=not db.is_sqlite)
        if serial:
            await uow.lock_workspace()
        yield uow
        await uow.finish()
    metrics.EVENTS_PUBLISHED.inc(len(uow.events))
    if uow.last_seq is not None and broker is not None:
        await broker.publish(Wakeup(workspace_id, uow.last_seq))
