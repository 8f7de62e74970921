"""Test data written straight into the tables (no services): fast, and independent of the write
side. Every helper takes the workspace id; defaults make a valid row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from app.db import (
    Contact,
    ExtraField,
    Interaction,
    Label,
    Line,
    Message,
    Team,
    Ticket,
    TicketEvent,
    TicketLabel,
    User,
    Workspace,
)
from app.db.engine import Database
from app.db.types import utcnow
from app.domain.states import unified_state

BASE_TIME = datetime(2024, 5, 1, 9, 0, tzinfo=utcnow().tzinfo)


def at(minutes: float) -> datetime:
    """A fixed instant: BASE_TIME plus some minutes (deterministic results)."""
    return BASE_TIME + timedelta(minutes=minutes)


@dataclass
class Factory:
    db: Database
    workspace_id: int

    async def add(self, row: Any) -> Any:
        async with self.db.transaction() as session:
            session.add(row)
        return row

    async def add_all(self, rows: list[Any]) -> list[Any]:
        async with self.db.transaction() as session:
            session.add_all(rows)
        return rows

    async def user(self, name: str = "Ada Agent", **kw: Any) -> User:
        return await self.add(User(workspace_id=self.workspace_id, name=name, **kw))

    async def team(self, name: str = "Support", **kw: Any) -> Team:
        return await self.add(Team(workspace_id=self.workspace_id, name=name, **kw))

    async def line(self, name: str = "Main line", **kw: Any) -> Line:
        return await self.add(Line(workspace_id=self.workspace_id, name=name, **kw))

    async def contact(self, name: str = "Cora Customer", **kw: Any) -> Contact:
        return await self.add(Contact(workspace_id=self.workspace_id, name=name, **kw))

    async def label(self, name: str, color: str | None = None) -> Label:
        return await self.add(Label(workspace_id=self.workspace_id, name=name, color=color))

    def queue_ticket_row(self, line: Line, status: str = "NEW", **kw: Any) -> Ticket:
        created = kw.pop("created_at", None) or utcnow()
        kw.setdefault("updated_at", created)
        kw.setdefault("queue_key", created)
        return Ticket(
            workspace_id=self.workspace_id,
            kind="QUEUE",
            status=status,
            state=unified_state("QUEUE", status).value,
            line_id=line.id,
            created_at=created,
            **kw,
        )

    def helpdesk_ticket_row(self, status: str = "OPEN", **kw: Any) -> Ticket:
        created = kw.pop("created_at", None) or utcnow()
        kw.setdefault("updated_at", created)
        state = unified_state(
            "HELPDESK",
            status,
            spam=kw.get("spam", False),
            trashed=kw.get("trashed_at") is not None,
        )
        return Ticket(
            workspace_id=self.workspace_id,
            kind="HELPDESK",
            status=status,
            state=state.value,
            created_at=created,
            **kw,
        )

    async def queue_ticket(self, line: Line, status: str = "NEW", **kw: Any) -> Ticket:
        return await self.add(self.queue_ticket_row(line, status, **kw))

    async def helpdesk_ticket(self, status: str = "OPEN", **kw: Any) -> Ticket:
        return await self.add(self.helpdesk_ticket_row(status, **kw))

    async def tag(self, ticket: Ticket, *labels: Label) -> None:
        await self.add_all(
            [
                TicketLabel(ticket_id=ticket.id, label_id=label.id, workspace_id=self.workspace_id)
                for label in labels
            ]
        )

    def message_row(self, ticket: Ticket, body: str, **kw: Any) -> Message:
        kw.setdefault("direction", "INCOMING")
        return Message(workspace_id=self.workspace_id, ticket_id=ticket.id, body=body, **kw)

    async def message(self, ticket: Ticket, body: str, **kw: Any) -> Message:
        return await self.add(self.message_row(ticket, body, **kw))

    def interaction_row(self, ticket: Ticket, start: datetime, **kw: Any) -> Interaction:
        return Interaction(workspace_id=self.workspace_id, ticket_id=ticket.id, start=start, **kw)

    async def interaction(self, ticket: Ticket, start: datetime, **kw: Any) -> Interaction:
        return await self.add(self.interaction_row(ticket, start, **kw))

    async def extra(self, ticket: Ticket, title: str, **kw: Any) -> ExtraField:
        return await self.add(
            ExtraField(workspace_id=self.workspace_id, ticket_id=ticket.id, title=title, **kw)
        )

    async def events(self, ticket: Ticket, *types: str, **kw: Any) -> list[TicketEvent]:
        """Append events with the workspace's next sequence numbers (as the write side does)."""
        async with self.db.transaction() as session:
            workspace = await session.get(Workspace, self.workspace_id)
            assert workspace is not None
            seq = workspace.event_seq
            rows = []
            for type_ in types:
                seq += 1
                rows.append(
                    TicketEvent(
                        workspace_id=self.workspace_id,
                        seq=seq,
                        ticket_id=ticket.id,
                        type=type_,
                        to_state=ticket.state,
                        to_status=ticket.status,
                        **kw,
                    )
                )
            session.add_all(rows)
            await session.execute(
                update(Workspace).where(Workspace.id == self.workspace_id).values(event_seq=seq)
            )
        return rows
