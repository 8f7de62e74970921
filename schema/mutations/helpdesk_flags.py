"""Helpdesk flags: markTicketSpam, trashTicket, restoreTicket, markTicketRead
(app.services.helpdesk_flags). Setting a flag already set is no change and no event."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from app.context import Info
from app.services import helpdesk_flags
from schema.mutations.runner import ticket_mutation, ticket_pk
from schema.permissions import AGENT
from schema.types.payloads import TicketPayload


@strawberry.input
class MarkTicketSpamInput:
    id: strawberry.ID
    expected_version: int | None = None


@strawberry.input
class TrashTicketInput:
    id: strawberry.ID
    expected_version: int | None = None


@strawberry.input
class RestoreTicketInput:
    id: strawberry.ID
    expected_version: int | None = None


@strawberry.input
class MarkTicketReadInput:
    id: strawberry.ID
    expected_version: int | None = None


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
    async def mark_ticket_spam(self, info: Info, input: MarkTicketSpamInput) -> TicketPayload:
        return await _flag(info, helpdesk_flags.mark_ticket_spam, input)

    @strawberry.mutation(permission_classes=AGENT, description="State CANCELLED while set.")
    async def trash_ticket(self, info: Info, input: TrashTicketInput) -> TicketPayload:
        return await _flag(info, helpdesk_flags.trash_ticket, input)

    @strawberry.mutation(permission_classes=AGENT, description="Clear the spam and trash flags.")
    async def restore_ticket(self, info: Info, input: RestoreTicketInput) -> TicketPayload:
        return await _flag(info, helpdesk_flags.restore_ticket, input)

    @strawberry.mutation(permission_classes=AGENT, description="unread -> false.")
    async def mark_ticket_read(self, info: Info, input: MarkTicketReadInput) -> TicketPayload:
        return await _flag(info, helpdesk_flags.mark_ticket_read, input)
