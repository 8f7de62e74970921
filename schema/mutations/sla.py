"""SLA setup (admin keys): createBusinessCalendar, createSlaPolicy (app.sla.setup); and the
reads Query.businessCalendars, Query.slaPolicies (any key)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from app.context import Info
from app.sla import reads, setup
from app.sla.calendar_input import ExceptionInput, HoursInput
from schema import docs
from schema.enums import TicketKind
from schema.mutations.runner import pk as decode_pk
from schema.mutations.runner import pks, run_command
from schema.permissions import ADMIN, AUTHENTICATED
from schema.types.payloads import UserError, payload_errors
from schema.types.sla import CLOSES, OPENS, BusinessCalendar, SlaPolicy, Weekday


@strawberry.input(description="One opening span on a weekday.")
class BusinessHoursInput:
    day: Weekday = strawberry.field(description="The weekday it opens on.")
    opens: str = strawberry.field(description=OPENS)
    closes: str = strawberry.field(description=CLOSES)


@strawberry.input(
    description="Other hours on one date: closed, or one span (repeat the date for more)."
)
class CalendarExceptionInput:
    date: date = strawberry.field(description="The local date.")
    closed: bool = strawberry.field(
        default=False, description="Closed all day; give no hours then."
    )
    opens: str | None = strawberry.field(default=None, description=OPENS)
    closes: str | None = strawberry.field(default=None, description=CLOSES)


@strawberry.input(description="A new business calendar.")
class CreateBusinessCalendarInput:
    name: str = strawberry.field(description="Unique in the workspace.")
    timezone: str = strawberry.field(description="IANA time zone, e.g. Europe/Berlin.")
    weekly_hours: list[BusinessHoursInput] = strawberry.field(
        description="Opening spans, several a day allowed; spans of a day must not overlap."
    )
    exceptions: list[CalendarExceptionInput] = strawberry.field(
        default_factory=list, description="Holidays and short days; empty by default."
    )


@strawberry.input(description="A new SLA policy; list conditions left empty match every ticket.")
class CreateSlaPolicyInput:
    name: str = strawberry.field(description="Unique in the workspace.")
    calendar_id: strawberry.ID | None = strawberry.field(
        default=None, description="Business hours to count (`BusinessCalendar.id`); null: 24/7."
    )
    priority: int = strawberry.field(default=0, description="Higher is tried first; 0 by default.")
    first_response_seconds: int | None = strawberry.field(
        default=None, description="Business seconds to the first reply (helpdesk)."
    )
    resolution_seconds: int | None = strawberry.field(
        default=None, description="Business seconds to resolution (CLOSED or SERVED)."
    )
    max_wait_seconds: int | None = strawberry.field(
        default=None, description="Business seconds a queue ticket may wait to be called."
    )
    warn_before_seconds: int = strawberry.field(
        default=0, description="Send SLA_WARNING this long before the due time; 0: no warning."
    )
    pause_while_snoozed: bool = strawberry.field(
        default=True, description="Stop the clocks while a helpdesk ticket is SNOOZED."
    )
    pause_while_awaiting_customer: bool = strawberry.field(
        default=False,
        description="Stop the clocks while the last message of a helpdesk ticket is ours.",
    )
    kinds: list[TicketKind] = strawberry.field(
        default_factory=list, description="Only these kinds."
    )
    line_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Only queue tickets of these lines."
    )
    team_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Only tickets routed to these teams at creation."
    )
    label_names: list[str] = strawberry.field(
        default_factory=list, description="Only tickets with one of these labels at creation."
    )
    channels: list[str] = strawberry.field(
        default_factory=list, description="Only helpdesk tickets of these channels."
    )


@strawberry.type(description="What createBusinessCalendar answers.")
class BusinessCalendarPayload:
    calendar: BusinessCalendar | None = strawberry.field(
        default=None, description="The new calendar; null when refused."
    )
    errors: list[UserError] = payload_errors()


@strawberry.type(description="What createSlaPolicy answers.")
class SlaPolicyPayload:
    policy: SlaPolicy | None = strawberry.field(
        default=None, description="The new policy; null when refused."
    )
    errors: list[UserError] = payload_errors()


def _hours(hours: BusinessHoursInput) -> HoursInput:
    day: int = hours.day.value  # type: ignore[assignment]  # Weekday's values are ints
    return HoursInput(day, hours.opens, hours.closes)


def _policy_input(input: CreateSlaPolicyInput) -> setup.PolicyInput:
    return setup.PolicyInput(
        name=input.name,
        calendar_id=decode_pk(input.calendar_id, "BusinessCalendar", "calendarId"),
        priority=input.priority,
        first_response_seconds=input.first_response_seconds,
        resolution_seconds=input.resolution_seconds,
        max_wait_seconds=input.max_wait_seconds,
        warn_before_seconds=input.warn_before_seconds,
        pause_while_snoozed=input.pause_while_snoozed,
        pause_while_awaiting_customer=input.pause_while_awaiting_customer,
        kinds=[kind for kind in input.kinds],
        line_ids=pks(input.line_ids, "Line", "lineIds"),
        team_ids=pks(input.team_ids, "Team", "teamIds"),
        label_names=input.label_names,
        channels=input.channels,
    )


@strawberry.type
class SlaMutations:
    @strawberry.mutation(
        permission_classes=ADMIN, description="Add business hours for SLA policies (admin keys)."
    )
    async def create_business_calendar(
        self, info: Info, input: Annotated[CreateBusinessCalendarInput, docs.INPUT_ARGUMENT]
    ) -> BusinessCalendarPayload:
        calendar, errors = await run_command(
            info,
            lambda env, me: setup.create_calendar(
                env,
                me,
                name=input.name,
                timezone=input.timezone,
                weekly_hours=[_hours(h) for h in input.weekly_hours],
                exceptions=[
                    ExceptionInput(e.date, e.closed, e.opens, e.closes) for e in input.exceptions
                ],
            ),
        )
        return BusinessCalendarPayload(calendar=calendar, errors=errors)  # type: ignore[arg-type]  # a row read as its GraphQL type

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="Add an SLA policy (admin keys). It applies to tickets created from now on.",
    )
    async def create_sla_policy(
        self, info: Info, input: Annotated[CreateSlaPolicyInput, docs.INPUT_ARGUMENT]
    ) -> SlaPolicyPayload:
        policy, errors = await run_command(
            info, lambda env, me: setup.create_policy(env, me, _policy_input(input))
        )
        return SlaPolicyPayload(policy=policy, errors=errors)  # type: ignore[arg-type]  # a row read as its GraphQL type


@strawberry.type
class SlaQueries:
    @strawberry.field(
        permission_classes=AUTHENTICATED, description="The workspace's business calendars, by name."
    )
    async def business_calendars(self, info: Info) -> list[BusinessCalendar]:
        return await reads.list_calendars(info.context.db, info.context.workspace_id)  # type: ignore[return-value]  # rows read as their GraphQL type

    @strawberry.field(
        permission_classes=AUTHENTICATED,
        description="The workspace's SLA policies, in the order they are tried.",
    )
    async def sla_policies(self, info: Info) -> list[SlaPolicy]:
        return await reads.list_policies(info.context.db, info.context.workspace_id)  # type: ignore[return-value]  # rows read as their GraphQL type
