"""Queue tickets at the desk: callTicket, callNextTicket, recallTicket, returnTicketToQueue,
markTicketServed, markTicketNoShow (app.services.queue_desk, queue)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from app.context import Info
from app.services import queue, queue_desk
from schema.enums import QueuePosition
from schema.mutations.runner import pk, pks, ticket_mutation, ticket_pk
from schema.permissions import AGENT
from schema.types.payloads import TicketPayload

KEEP_PREVIOUS = (
    "Leave the caller's other CALLED tickets as they are (by default they are marked served)."
)


@strawberry.input
class CallTicketInput:
    id: strawberry.ID
    desk: int | None = None
    user_id: strawberry.ID | None = None
    keep_previous: bool = strawberry.field(default=False, description=KEEP_PREVIOUS)
    expected_version: int | None = None


@strawberry.input
class CallNextTicketInput:
    line_ids: list[strawberry.ID]
    desk: int | None = None
    user_id: strawberry.ID | None = None
    keep_previous: bool = strawberry.field(default=False, description=KEEP_PREVIOUS)


@strawberry.input
class ReturnTicketToQueueInput:
    id: strawberry.ID
    position: QueuePosition = QueuePosition.FIRST  # type: ignore[attr-defined]
    user_id: strawberry.ID | None = None
    expected_version: int | None = None


# recall, served and no-show take the same fields, but each mutation has its own input type.
@strawberry.input
class RecallTicketInput:
    id: strawberry.ID
    user_id: strawberry.ID | None = None
    expected_version: int | None = None


@strawberry.input
class MarkTicketServedInput:
    id: strawberry.ID
    user_id: strawberry.ID | None = None
    expected_version: int | None = None


@strawberry.input
class MarkTicketNoShowInput:
    id: strawberry.ID
    user_id: strawberry.ID | None = None
    expected_version: int | None = None


Simple = RecallTicketInput | MarkTicketServedInput | MarkTicketNoShowInput


async def _simple(
    info: Info, service: Callable[..., Awaitable[Any]], input: Simple
) -> TicketPayload:
    return await ticket_mutation(
        info,
        lambda env, me: service(
            env,
            me,
            ticket_pk(input.id),
            user_id=pk(input.user_id, "User", "userId"),
            expected_version=input.expected_version,
        ),
    )


@strawberry.type
class QueueDeskMutations:
    @strawberry.mutation(permission_classes=AGENT, description="NEW -> CALLED to a desk.")
    async def call_ticket(self, info: Info, input: CallTicketInput) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: queue_desk.call_ticket(
                env,
                me,
                ticket_pk(input.id),
                desk=input.desk,
                user_id=pk(input.user_id, "User", "userId"),
                keep_previous=input.keep_previous,
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(
        permission_classes=AGENT,
        description="Call the first waiting ticket of the lines; ticket null when nobody waits."
        " Atomic: two desks never get the same ticket.",
    )
    async def call_next_ticket(self, info: Info, input: CallNextTicketInput) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: queue_desk.call_next_ticket(
                env,
                me,
                line_ids=pks(input.line_ids, "Line", "lineIds"),
                desk=input.desk,
                user_id=pk(input.user_id, "User", "userId"),
                keep_previous=input.keep_previous,
            ),
        )

    @strawberry.mutation(permission_classes=AGENT, description="Notify a CALLED visitor again.")
    async def recall_ticket(self, info: Info, input: RecallTicketInput) -> TicketPayload:
        return await _simple(info, queue_desk.recall_ticket, input)

    @strawberry.mutation(permission_classes=AGENT, description="CALLED -> NEW, first or last.")
    async def return_ticket_to_queue(
        self, info: Info, input: ReturnTicketToQueueInput
    ) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: queue.return_ticket_to_queue(
                env,
                me,
                ticket_pk(input.id),
                position=input.position,
                user_id=pk(input.user_id, "User", "userId"),
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(permission_classes=AGENT, description="CALLED -> SERVED.")
    async def mark_ticket_served(self, info: Info, input: MarkTicketServedInput) -> TicketPayload:
        return await _simple(info, queue_desk.mark_ticket_served, input)

    @strawberry.mutation(permission_classes=AGENT, description="CALLED -> NOSHOW.")
    async def mark_ticket_no_show(self, info: Info, input: MarkTicketNoShowInput) -> TicketPayload:
        return await _simple(info, queue_desk.mark_ticket_no_show, input)
