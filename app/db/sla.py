"""SLA tables: business calendars, policies, and the timers they start on tickets.

Calendars and policies are never edited in place (a change is a new row), so a running timer
keeps the targets and calendar it started with; see app/sla/__init__.py.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel, UniqueConstraint

from app.db.types import JSONType, UTCDateTime, utcnow

# Ticket.sla_due_at of a ticket with no running timer: sorts after every real due time, and
# keeps the column non-null so keyset pages over it stay simple.
NEVER_DUE = datetime(9998, 12, 31, tzinfo=UTC)


class SlaCalendar(SQLModel, table=True):
    __tablename__ = "sla_calendar"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    name: str = Field(max_length=200)
    timezone: str = Field(max_length=64)
    # [{"day": 0..6, "opens": "HH:MM", "closes": "HH:MM"}] (app/sla/calendar_input.py).
    weekly_hours: list[dict[str, Any]] = Field(sa_type=JSONType)
    # [{"date": "YYYY-MM-DD", "closed": bool, "opens": .., "closes": ..}].
    exceptions: list[dict[str, Any]] = Field(sa_type=JSONType)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SlaPolicy(SQLModel, table=True):
    __tablename__ = "sla_policy"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    name: str = Field(max_length=200)
    # Policies are tried from the highest priority down (ties: the older first).
    priority: int = Field(default=0)
    calendar_id: int | None = Field(default=None, foreign_key="sla_calendar.id")
    first_response_seconds: int | None = Field(default=None)
    resolution_seconds: int | None = Field(default=None)
    max_wait_seconds: int | None = Field(default=None)
    warn_before_seconds: int = Field(default=0)
    pause_while_snoozed: bool = Field(default=True)
    pause_while_awaiting_customer: bool = Field(default=False)
    # Conditions; an empty list means "any".
    kinds: list[str] = Field(default_factory=list, sa_type=JSONType)
    line_ids: list[int] = Field(default_factory=list, sa_type=JSONType)
    team_ids: list[int] = Field(default_factory=list, sa_type=JSONType)
    label_names: list[str] = Field(default_factory=list, sa_type=JSONType)
    channels: list[str] = Field(default_factory=list, sa_type=JSONType)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SlaTimer(SQLModel, table=True):
    """One metric of one ticket. Business time used so far is `elapsed_us` plus, while
    running, the open time since `running_since` in the timer's calendar."""

    __tablename__ = "sla_timer"
    __table_args__ = (
        UniqueConstraint("ticket_id", "metric"),
        # The due-timer scan: timers with a warning or breach to announce, soonest first.
        Index("ix_sla_timer_next", "next_at"),
        # slaStatuses: a rare status (BREACHED) is found from here, a common one is checked
        # per ticket through the (ticket_id, metric) key.
        Index("ix_sla_timer_ws_status", "workspace_id", "status", "ticket_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    ticket_id: int = Field(foreign_key="ticket.id")
    policy_id: int = Field(foreign_key="sla_policy.id")
    calendar_id: int | None = Field(default=None, foreign_key="sla_calendar.id")
    metric: str = Field(max_length=16)
    status: str = Field(max_length=16)
    # A resolution timer restarted by a reopen counts a new cycle (events carry it).
    cycle: int = Field(default=1)
    target_seconds: int
    warn_before_seconds: int = Field(default=0)
    # The policy's pause rules, as they were when the timer started.
    pause_while_snoozed: bool = Field(default=True)
    pause_while_awaiting_customer: bool = Field(default=False)
    started_at: datetime = Field(sa_type=UTCDateTime)
    elapsed_us: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    running_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    warn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # When the scan next has something to announce (warning or breach); None: nothing.
    next_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    warning_sent: bool = Field(default=False)
    breach_sent: bool = Field(default=False)
    breached_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    stopped_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
