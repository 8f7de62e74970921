"""Mutations for both kinds of ticket: assignTicket, unassignTicket, addTicketLabel,
removeTicketLabel, setTicketExtra, addTicketMessage (app.tickets.assignment, labels, extras,
messages). Setting what is already set is no change and no event."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.context import Info
from app.tickets import assignment, extras, labels, messages
from schema import docs
from schema.enums import MessageDirection
from schema.mutations.runner import pk, required_pk, ticket_mutation, ticket_pk
from schema.permissions import AGENT
from schema.types.payloads import TicketPayload

# add_ticket_message's author is the input's userId.
_MESSAGE_RENAMES = {"authorId": "userId"}


@strawberry.input(description="Make a user responsible for a ticket; its status stays.")
class AssignTicketInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    assignee_id: strawberry.ID = strawberry.field(description="The user to assign (`User.id`).")
    user_id: strawberry.ID | None = strawberry.field(default=None, description=docs.ACTING_USER)
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.input(description="Take a ticket's assignee away; its status stays.")
class UnassignTicketInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    user_id: strawberry.ID | None = strawberry.field(default=None, description=docs.ACTING_USER)
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.input(description="The label is made on first use (with this color).")
class AddTicketLabelInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    name: str = strawberry.field(
        description="The label's name; a label of this name is made if the workspace has none."
    )
    color: str | None = strawberry.field(default=None, description="#RGB or #RRGGBB.")
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.input(description="Take a label off a ticket; a label it does not carry is no error.")
class RemoveTicketLabelInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    name: str = strawberry.field(description="The label's name.")
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.input(description="Set the extra field with this title (made if missing).")
class SetTicketExtraInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    title: str = strawberry.field(
        description="The field's name; the field with this title is replaced."
    )
    value: str | None = strawberry.field(
        default=None, description="Its value as text; null for none."
    )
    url: str | None = strawberry.field(
        default=None, description="A link to open for it; null for none."
    )
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.input(description="Add a message to a ticket's conversation.")
class AddTicketMessageInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    body: str = strawberry.field(description="The text of the message; not empty.")
    direction: MessageDirection = strawberry.field(
        default=MessageDirection.OUTGOING,
        description="Who wrote it: OUTGOING (staff, the default) or INCOMING (the customer).",
    )
    channel: str | None = strawberry.field(
        default=None,
        description=(
            'How it is sent ("email", "sms", "chat"); null for the ticket\'s own channel.'
        ),
    )
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="The author; an OUTGOING message defaults to the key's user."
    )
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.type
class TicketCommonMutations:
    @strawberry.mutation(permission_classes=AGENT, description="Keeps the status.")
    async def assign_ticket(
        self, info: Info, input: Annotated[AssignTicketInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: assignment.assign_ticket(
                env,
                me,
                ticket_pk(input.id),
                assignee_id=required_pk(input.assignee_id, "User", "assigneeId"),
                user_id=pk(input.user_id, "User", "userId"),
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(
        permission_classes=AGENT, description="Take the assignee away; keeps the status."
    )
    async def unassign_ticket(
        self, info: Info, input: Annotated[UnassignTicketInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: assignment.unassign_ticket(
                env,
                me,
                ticket_pk(input.id),
                user_id=pk(input.user_id, "User", "userId"),
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(
        permission_classes=AGENT,
        description="Put a label on a ticket (made on first use); adding one it has is no error.",
    )
    async def add_ticket_label(
        self, info: Info, input: Annotated[AddTicketLabelInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: labels.add_ticket_label(
                env,
                me,
                ticket_pk(input.id),
                name=input.name,
                color=input.color,
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(permission_classes=AGENT, description="Take a label off a ticket.")
    async def remove_ticket_label(
        self, info: Info, input: Annotated[RemoveTicketLabelInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: labels.remove_ticket_label(
                env,
                me,
                ticket_pk(input.id),
                name=input.name,
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(
        permission_classes=AGENT,
        description="Set (or replace) an extra field of a ticket, by title.",
    )
    async def set_ticket_extra(
        self, info: Info, input: Annotated[SetTicketExtraInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: extras.set_ticket_extra(
                env,
                me,
                ticket_pk(input.id),
                title=input.title,
                value=input.value,
                url=input.url,
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(
        permission_classes=AGENT,
        description="Add a message; an INCOMING one on a helpdesk ticket makes it unread.",
    )
    async def add_ticket_message(
        self, info: Info, input: Annotated[AddTicketMessageInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: messages.add_ticket_message(
                env,
                me,
                ticket_pk(input.id),
                body=input.body,
                direction=input.direction,
                channel=input.channel,
                author_id=pk(input.user_id, "User", "userId"),
                expected_version=input.expected_version,
            ),
            _MESSAGE_RENAMES,
        )
