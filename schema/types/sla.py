"""SLA types: business calendars, policies, and the timers on Ticket.sla (app/sla)."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry

from app.context import Info
from app.db.types import utcnow
from app.sla import reads as sla_reads
from schema import docs
from schema.enums import SlaMetric, SlaStatus, TicketKind
from schema.ids import encode_id
from schema.types.node import Node, RowType, global_id


@strawberry.enum(description="A day of the week.")
class Weekday(Enum):
    MONDAY = strawberry.enum_value(0, description="Monday.")
    TUESDAY = strawberry.enum_value(1, description="Tuesday.")
    WEDNESDAY = strawberry.enum_value(2, description="Wednesday.")
    THURSDAY = strawberry.enum_value(3, description="Thursday.")
    FRIDAY = strawberry.enum_value(4, description="Friday.")
    SATURDAY = strawberry.enum_value(5, description="Saturday.")
    SUNDAY = strawberry.enum_value(6, description="Sunday.")


OPENS = 'Local wall time it opens, "HH:MM".'
CLOSES = (
    'Local wall time it closes, "HH:MM" ("24:00" is midnight). At or before `opens`, the span '
    'runs overnight into the next day; "00:00"-"00:00" is the whole day.'
)


@strawberry.type(description="Opening hours on one weekday (one of possibly several spans).")
class BusinessHours:
    day: Weekday = strawberry.field(description="The weekday the span opens on.")
    opens: str = strawberry.field(description=OPENS)
    closes: str = strawberry.field(description=CLOSES)


@strawberry.type(description="A date whose hours differ from the week's: a holiday, a short day.")
class CalendarException:
    date: date = strawberry.field(description="The local date.")
    closed: bool = strawberry.field(description="Closed all day (opens and closes are null).")
    opens: str | None = strawberry.field(description=OPENS)
    closes: str | None = strawberry.field(description=CLOSES)


@strawberry.type(
    description="When business hours are: SLA clocks of its policies count only these. "
    "Calendars are never edited: a change is a new calendar and a new policy."
)
class BusinessCalendar(RowType, Node):
    name: str = strawberry.field(description="The calendar's name, unique in the workspace.")
    timezone: str = strawberry.field(description="IANA time zone of its wall times.")
    created_at: datetime = strawberry.field(description=docs.CREATED_AT)

    id = global_id("BusinessCalendar")

    @strawberry.field(description="Opening spans by weekday, as given.")
    def weekly_hours(self) -> list[BusinessHours]:
        rows: list[dict[str, Any]] = self.weekly_hours
        return [
            BusinessHours(day=Weekday(h["day"]), opens=h["opens"], closes=h["closes"]) for h in rows
        ]

    @strawberry.field(
        description="Dates with other hours; several entries of a date are several spans."
    )
    def exceptions(self) -> list[CalendarException]:
        rows: list[dict[str, Any]] = self.exceptions
        return [
            CalendarException(
                date=date.fromisoformat(e["date"]),
                closed=e["closed"],
                opens=e["opens"],
                closes=e["closes"],
            )
            for e in rows
        ]


@strawberry.type(
    description="Targets for tickets that match its conditions. The matching policy with the "
    "highest priority applies when a ticket is created; its timers keep the targets and "
    "calendar they started with, so a new policy changes nothing for running timers."
)
class SlaPolicy(RowType, Node):
    name: str = strawberry.field(description="The policy's name, unique in the workspace.")
    priority: int = strawberry.field(description="Higher is tried first; ties: older first.")
    first_response_seconds: int | None = strawberry.field(
        description="Business seconds to the first reply (helpdesk); null: no such timer."
    )
    resolution_seconds: int | None = strawberry.field(
        description="Business seconds to resolution; null: no such timer."
    )
    max_wait_seconds: int | None = strawberry.field(
        description="Business seconds a queue ticket may wait to be called; null: no timer."
    )
    warn_before_seconds: int = strawberry.field(
        description="SLA_WARNING comes this many business seconds before the due time; 0: none."
    )
    pause_while_snoozed: bool = strawberry.field(
        description="Timers stop counting while a helpdesk ticket is SNOOZED."
    )
    pause_while_awaiting_customer: bool = strawberry.field(
        description="Timers stop counting while the last message of a helpdesk ticket is ours."
    )
    kinds: list[TicketKind] = strawberry.field(description="Only these kinds; empty: any.")
    label_names: list[str] = strawberry.field(
        description="Only tickets with one of these labels at creation; empty: any."
    )
    channels: list[str] = strawberry.field(
        description="Only helpdesk tickets of these channels (case-insensitive); empty: any."
    )
    created_at: datetime = strawberry.field(description=docs.CREATED_AT)

    id = global_id("SlaPolicy")

    @strawberry.field(description="Only queue tickets of these lines (`Line.id`); empty: any.")
    def line_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(encode_id("Line", i)) for i in self.line_ids]

    @strawberry.field(description="Only tickets routed to these teams (`Team.id`); empty: any.")
    def team_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(encode_id("Team", i)) for i in self.team_ids]

    @strawberry.field(description="The business hours its timers count; null: 24/7.")
    async def calendar(self, info: Info) -> BusinessCalendar | None:
        calendar_id = self.calendar_id  # type: ignore[attr-defined]  # a row column the GraphQL type does not declare
        if calendar_id is None:
            return None
        # A loader row, read by name as a BusinessCalendar (RowType).
        return await info.context.loaders.sla_calendar.load(calendar_id)  # type: ignore[return-value]  # a row read as its GraphQL type (RowType)


@strawberry.type(description="One SLA clock of a ticket, counted in business time.")
class SlaTimer(RowType):
    metric: SlaMetric = strawberry.field(description="What it measures.")
    status: SlaStatus = strawberry.field(description="Where it stands.")
    started_at: datetime = strawberry.field(
        description="When it started (creation, or the reopen that restarted it)."
    )
    due_at: datetime | None = strawberry.field(
        description="When it runs out at the current pace; null while paused or stopped."
    )
    warn_at: datetime | None = strawberry.field(
        description="When SLA_WARNING comes; null when the policy warns not, or not running."
    )
    breached_at: datetime | None = strawberry.field(
        description="When it ran out; null unless BREACHED."
    )
    stopped_at: datetime | None = strawberry.field(
        description="When it stopped (MET, BREACHED or CANCELLED); null while it counts."
    )
    cycle: int = strawberry.field(description="1, then 2, 3... after each reopen restarted it.")
    target_seconds: int = strawberry.field(
        description="Its budget in business seconds (the policy's, when it started)."
    )

    @strawberry.field(
        description="Business seconds left now (negative once past due); frozen while paused "
        "or stopped."
    )
    def remaining_seconds(self) -> int:
        return sla_reads.remaining_seconds(self, utcnow())

    @strawberry.field(description="The policy that started it.")
    async def policy(self, info: Info) -> SlaPolicy:
        # A loader row, read by name as a SlaPolicy (RowType).
        policy_id = self.policy_id  # type: ignore[attr-defined]  # a column of the row
        return await info.context.loaders.sla_policy.load(policy_id)  # type: ignore[return-value]  # a row read as its GraphQL type (RowType)
