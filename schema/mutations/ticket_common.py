"""Mutations for both kinds of ticket: assignTicket, unassignTicket, addTicketLabel,
removeTicketLabel, setTicketExtra, addTicketMessage (app.services.assignment, labels, extras,
messages). Setting what is already set is no change and no event."""

from __future__ import annotations

import strawberry

from app.context import Info
from app.services import assignment, extras, labels, messages
from schema.enums import MessageDirection
from schema.mutations.runner import pk, required_pk, ticket_mutation, ticket_pk
from schema.permissions import AGENT
from schema.types.payloads import TicketPayload

# add_ticket_message's author is the input's userId.
_MESSAGE_RENAMES = {"authorId": "userId"}


@strawberry.input
class AssignTicketInput:
    id: strawberry.ID
    assignee_id: strawberry.ID
    user_id: strawberry.ID | None = None
    expected_version: int | None = None


@strawberry.input
class UnassignTicketInput:
    id: strawberry.ID
    user_id: strawberry.ID | None = None
    expected_version: int | None = None


@strawberry.input(description="The label is made on first use (with this color).")
class AddTicketLabelInput:
    id: strawberry.ID
    name: str
    color: str | None = strawberry.field(default=None, description="#RGB or #RRGGBB.")
    expected_version: int | None = None


@strawberry.input
class RemoveTicketLabelInput:
    id: strawberry.ID
    name: str
    expected_version: int | None = None


@strawberry.input(description="Set the extra field with this title (made if missing).")
class SetTicketExtraInput:
    id: strawberry.ID
    title: str
    value: str | None = None
    url: str | None = None
    expected_version: int | None = None


@strawberry.input
class AddTicketMessageInput:
    id: strawberry.ID
    body: str
    direction: MessageDirection = MessageDirection.OUTGOING  # type: ignore[attr-defined]
    channel: str | None = None
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="The author; an OUTGOING message defaults to the key's user."
    )
    expected_version: int | None = None


@strawberry.type
class TicketCommonMutations:
    @strawberry.mutation(permission_classes=AGENT, description="Keeps the status.")
    async def assign_ticket(self, info: Info, input: AssignTicketInput) -> TicketPayload:
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

    @strawberry.mutation(permission_classes=AGENT)
    async def unassign_ticket(self, info: Info, input: UnassignTicketInput) -> TicketPayload:
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

    @strawberry.mutation(permission_classes=AGENT)
    async def add_ticket_label(self, info: Info, input: AddTicketLabelInput) -> TicketPayload:
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

    @strawberry.mutation(permission_classes=AGENT)
    async def remove_ticket_label(self, info: Info, input: RemoveTicketLabelInput) -> TicketPayload:
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

    @strawberry.mutation(permission_classes=AGENT)
    async def set_ticket_extra(self, info: Info, input: SetTicketExtraInput) -> TicketPayload:
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

    @strawberry.mutation(permission_classes=AGENT)
    async def add_ticket_message(self, info: Info, input: AddTicketMessageInput) -> TicketPayload:
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
