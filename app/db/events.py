"""The ticket event log: the source of truth for history, catch-up and subscriptions."""

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel, UniqueConstraint

from app.db.types import JSONType, UTCDateTime, utcnow


class TicketEvent(SQLModel, table=True):
    __tablename__ = "ticket_event"
    # `seq` is per workspace and handed out under the workspace row lock, so it follows commit
    # order: a reader that has seen seq N has seen every event below N.
    # ix_ticket_event_floor: line statistics (app/floor/stats.py) find a period's calls,
    # services and no-shows by type and time, and their tickets, from the index alone.
    __table_args__ = (
        UniqueConstraint("workspace_id", "seq"),
        Index("ix_ticket_event_floor", "workspace_id", "type", "at", "ticket_id"),
    )

    id: int = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    seq: int
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    type: str = Field(max_length=32)
    from_state: str | None = Field(default=None, max_length=16)
    to_state: str | None = Field(default=None, max_length=16)
    from_status: str | None = Field(default=None, max_length=32)
    to_status: str | None = Field(default=None, max_length=32)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # {field: [old, new]} for the columns the command changed.
    changes: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
