"""Helpdesk flags: markTicketSpam, trashTicket, restoreTicket, markTicketRead
(app.tickets.helpdesk_flags). Setting a flag already set is no change and no event."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry

from app.context import Info
from app.tickets import helpdesk_flags
from schema import docs
from schema.mutations.runner import ticket_mutation, ticket_pk
from schema.permissions import AGENT
from schema.types.payloads import TicketPayload


@strawberry.input(
    description="Mark a helpdesk ticket as spam: state CANCELLED while marked, hidden from lists."
)
class MarkTicketSpamInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.input(
    description=(
        "Move a helpdesk ticket to the trash: state CANCELLED while there, hidden from lists."
    )
)
class TrashTicketInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.input(
    description=(
        "Clear a helpdesk ticket's spam and trash flags: its state follows its status again."
    )
)
class RestoreTicketInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.input(description="Mark a helpdesk ticket as read (`unread` false).")
class MarkTicketReadInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


FlagInput = MarkTicketSpamInput | TrashTicketInput | RestoreTicketInput | MarkTicketReadInput


async def _flag(
    info: Info, service: Callable[..., Awaitable[Any]], input: FlagInput
) -> TicketPayload:
    return await ticket_mutation(
        info,
        lambda env, me: service(
            env, me, ticket_pk(input.id), expected_version=input.expected_version
        ),
    )


@strawberry.type
class HelpdeskFlagMutations:
    @strawberry.mutation(permission_classes=AGENT, description="State CANCELLED while set.")
    async def mark_ticket_spam(
        self, info: Info, input: Annotated[MarkTicketSpamInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
        return await _flag(info, helpdesk_flags.mark_ticket_spam, input)

    @strawberry.mutation(permission_classes=AGENT, description="State CANCELLED while set.")
    async def trash_ticket(
        self, info: Info, input: Annotated[TrashTicketInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
        return await _flag(info, helpdesk_flags.trash_ticket, input)

    @strawberry.mutation(permission_classes=AGENT, description="Clear the spam and trash flags.")
    async def restore_ticket(
        self, info: Info, input: Annotated[RestoreTicketInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
        return await _flag(info, helpdesk_flags.restore_ticket, input)

    @strawberry.mutation(permission_classes=AGENT, description="unread -> false.")
    async def mark_ticket_read(
        self, info: Info, input: Annotated[MarkTicketReadInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
        return await _flag(info, helpdesk_flags.mark_ticket_read, input)
