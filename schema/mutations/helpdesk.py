"""Helpdesk conversations: createHelpdeskTicket, written here; takeOverTicket, completeTicket,
reopenTicket, snoozeTicket, setTicketTeam, made from their declarations in app.tickets.helpdesk
(and assignment, for the team)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.context import Info
from app.tickets import helpdesk
from schema import docs
from schema.enums import Circumstance
from schema.mutations.actions import area_mutations
from schema.mutations.runner import pk, ticket_mutation
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


class _Written:
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


HelpdeskMutations = area_mutations(
    "HelpdeskMutations", ["helpdesk"], _Written, after={"create_helpdesk_ticket": None}
)
