"""Helpdesk conversations: createHelpdeskTicket, takeOverTicket, completeTicket, reopenTicket,
snoozeTicket, setTicketTeam (app.services.helpdesk, assignment)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.context import Info
from app.services import assignment, helpdesk
from schema.enums import Circumstance
from schema.mutations.runner import pk, ticket_mutation, ticket_pk
from schema.permissions import AGENT
from schema.types.payloads import TicketPayload

# The service names the helpdesk language "language"; the input calls it languageCode.
_RENAMES = {"language": "languageCode"}


@strawberry.input(
    description="The customer is contactId, else found by email, else made from the details."
)
class CreateHelpdeskTicketInput:
    subject: str | None = None
    channel: str | None = "api"
    body: str | None = strawberry.field(default=None, description="A first, incoming message.")
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone_number: str | None = None
    contact_id: strawberry.ID | None = None
    team_id: strawberry.ID | None = None
    assignee_id: strawberry.ID | None = None
    circumstance: Circumstance = strawberry.field(
        default=Circumstance.HANDOVER,  # type: ignore[attr-defined]
        description="TAKEOVER starts the ticket ONGOING with the assignee (required then).",
    )
    language_code: str | None = None
    labels: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class TakeOverTicketInput:
    id: strawberry.ID
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to the key's user."
    )
    expected_version: int | None = None


@strawberry.input
class CompleteTicketInput:
    id: strawberry.ID
    user_id: strawberry.ID | None = None
    expected_version: int | None = None


@strawberry.input
class ReopenTicketInput:
    id: strawberry.ID
    user_id: strawberry.ID | None = None
    expected_version: int | None = None


@strawberry.input
class SnoozeTicketInput:
    id: strawberry.ID
    until: datetime = strawberry.field(description="In the future, with a time zone.")
    expected_version: int | None = None


@strawberry.input
class SetTicketTeamInput:
    id: strawberry.ID
    team_id: strawberry.ID | None = strawberry.field(description="null takes the team away.")
    expected_version: int | None = None


@strawberry.type
class HelpdeskMutations:
    @strawberry.mutation(permission_classes=AGENT, description="OPEN (ONGOING for a TAKEOVER).")
    async def create_helpdesk_ticket(
        self, info: Info, input: CreateHelpdeskTicketInput
    ) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: helpdesk.create_helpdesk_ticket(
                env,
                me,
                subject=input.subject,
                channel=input.channel,
                body=input.body,
                first_name=input.first_name,
                last_name=input.last_name,
                email=input.email,
                phone_number=input.phone_number,
                contact_id=pk(input.contact_id, "Contact", "contactId"),
                team_id=pk(input.team_id, "Team", "teamId"),
                assignee_id=pk(input.assignee_id, "User", "assigneeId"),
                circumstance=input.circumstance,
                language=input.language_code,
                labels=input.labels,
            ),
            _RENAMES,
        )

    @strawberry.mutation(permission_classes=AGENT, description="OPEN -> ONGOING, assigned.")
    async def take_over_ticket(self, info: Info, input: TakeOverTicketInput) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: helpdesk.take_over_ticket(
                env,
                me,
                ticket_pk(input.id),
                assignee_id=pk(input.assignee_id, "User", "assigneeId"),
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(permission_classes=AGENT, description="OPEN|ONGOING|SNOOZED -> CLOSED.")
    async def complete_ticket(self, info: Info, input: CompleteTicketInput) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: helpdesk.complete_ticket(
                env,
                me,
                ticket_pk(input.id),
                user_id=pk(input.user_id, "User", "userId"),
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(permission_classes=AGENT, description="CLOSED -> OPEN.")
    async def reopen_ticket(self, info: Info, input: ReopenTicketInput) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: helpdesk.reopen_ticket(
                env,
                me,
                ticket_pk(input.id),
                user_id=pk(input.user_id, "User", "userId"),
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(
        permission_classes=AGENT, description="OPEN|ONGOING -> SNOOZED; wakes up OPEN."
    )
    async def snooze_ticket(self, info: Info, input: SnoozeTicketInput) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: helpdesk.snooze_ticket(
                env,
                me,
                ticket_pk(input.id),
                until=input.until,
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(permission_classes=AGENT, description="Route a ticket to a team.")
    async def set_ticket_team(self, info: Info, input: SetTicketTeamInput) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: assignment.set_ticket_team(
                env,
                me,
                ticket_pk(input.id),
                team_id=pk(input.team_id, "Team", "teamId"),
                expected_version=input.expected_version,
            ),
        )
