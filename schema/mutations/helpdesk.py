"""Helpdesk conversations: createHelpdeskTicket, takeOverTicket, completeTicket, reopenTicket,
snoozeTicket, setTicketTeam (app.tickets.helpdesk, assignment)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from app.context import Info
from app.tickets import assignment, helpdesk
from schema import docs
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
    subject: str | None = strawberry.field(
        default=None,
        description=(
            "The subject line, and the ticket's title; null for none (the title is then the"
            " customer's name or email)."
        ),
    )
    channel: str | None = strawberry.field(
        default="api",
        description=(
            'Where the conversation happens ("email", "chat", "sms"...); "api" by default.'
        ),
    )
    body: str | None = strawberry.field(default=None, description="A first, incoming message.")
    first_name: str | None = strawberry.field(
        default=None, description="The customer's first name, for a new contact."
    )
    last_name: str | None = strawberry.field(
        default=None, description="The customer's last name, for a new contact."
    )
    email: str | None = strawberry.field(
        default=None, description="The customer's email: an existing contact with it is reused."
    )
    phone_number: str | None = strawberry.field(
        default=None, description="The customer's phone number, for a new contact."
    )
    contact_id: strawberry.ID | None = strawberry.field(
        default=None,
        description=(
            "An existing contact as the customer (`Contact.id`); the name and"
            " email fields are then ignored."
        ),
    )
    team_id: strawberry.ID | None = strawberry.field(
        default=None, description="Route it to this team (`Team.id`); null for none."
    )
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Assign it to this user (`User.id`); required with TAKEOVER."
    )
    circumstance: Circumstance = strawberry.field(
        default=Circumstance.HANDOVER,
        description="TAKEOVER starts the ticket ONGOING with the assignee (required then).",
    )
    language_code: str | None = strawberry.field(
        default=None, description='The conversation\'s language as a code ("en", "fr").'
    )
    labels: list[str] = strawberry.field(
        default_factory=list,
        description="Labels to put on the ticket, by name (made on first use); none by default.",
    )


@strawberry.input(description="An agent takes an OPEN ticket: ONGOING, assigned to them.")
class TakeOverTicketInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to the key's user."
    )
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.input(description="Close an OPEN, ONGOING or SNOOZED ticket (CLOSED).")
class CompleteTicketInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    user_id: strawberry.ID | None = strawberry.field(default=None, description=docs.ACTING_USER)
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.input(description="Open a CLOSED ticket again (OPEN).")
class ReopenTicketInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    user_id: strawberry.ID | None = strawberry.field(default=None, description=docs.ACTING_USER)
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.input(
    description="Set an OPEN or ONGOING ticket aside until a time (SNOOZED); it wakes up OPEN."
)
class SnoozeTicketInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    until: datetime = strawberry.field(description="In the future, with a time zone.")
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.input(description="Route a ticket to a team, or take its team away.")
class SetTicketTeamInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    team_id: strawberry.ID | None = strawberry.field(description="null takes the team away.")
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.type
class HelpdeskMutations:
    @strawberry.mutation(permission_classes=AGENT, description="OPEN (ONGOING for a TAKEOVER).")
    async def create_helpdesk_ticket(
        self, info: Info, input: Annotated[CreateHelpdeskTicketInput, docs.INPUT_ARGUMENT]
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
    async def take_over_ticket(
        self, info: Info, input: Annotated[TakeOverTicketInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
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
    async def complete_ticket(
        self, info: Info, input: Annotated[CompleteTicketInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
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
    async def reopen_ticket(
        self, info: Info, input: Annotated[ReopenTicketInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
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
    async def snooze_ticket(
        self, info: Info, input: Annotated[SnoozeTicketInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
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
    async def set_ticket_team(
        self, info: Info, input: Annotated[SetTicketTeamInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
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
