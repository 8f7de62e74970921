"""Queue tickets at the desk: callTicket, callNextTicket, recallTicket, returnTicketToQueue,
markTicketServed, markTicketNoShow (app.tickets.queue_desk, queue)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry

from app.context import Info
from app.tickets import queue, queue_desk
from schema import docs
from schema.enums import QueuePosition
from schema.mutations.runner import pk, pks, ticket_mutation, ticket_pk
from schema.permissions import AGENT
from schema.types.payloads import TicketPayload

KEEP_PREVIOUS = (
    "Leave the caller's other CALLED tickets as they are (by default they are marked served)."
)


@strawberry.input(description="Call this NEW ticket to a desk (CALLED).")
class CallTicketInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    desk: int | None = strawberry.field(default=None, description=docs.DESK)
    user_id: strawberry.ID | None = strawberry.field(default=None, description=docs.ACTING_USER)
    keep_previous: bool = strawberry.field(default=False, description=KEEP_PREVIOUS)
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.input(description="Call the first waiting ticket of these lines to a desk.")
class CallNextTicketInput:
    line_ids: list[strawberry.ID] = strawberry.field(
        description=(
            "The lines to call from, at least one (`Line.id`): the longest-"
            "waiting ticket of all of them is called."
        )
    )
    desk: int | None = strawberry.field(default=None, description=docs.DESK)
    user_id: strawberry.ID | None = strawberry.field(default=None, description=docs.ACTING_USER)
    keep_previous: bool = strawberry.field(default=False, description=KEEP_PREVIOUS)


@strawberry.input(description="Send a CALLED ticket back to its line (NEW), first or last.")
class ReturnTicketToQueueInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    position: QueuePosition = strawberry.field(
        default=QueuePosition.FIRST,
        description="Where it waits again: FIRST (the default, called next) or LAST.",
    )
    user_id: strawberry.ID | None = strawberry.field(default=None, description=docs.ACTING_USER)
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


# recall, served and no-show take the same fields, but each mutation has its own input type.
@strawberry.input(description="Call a CALLED visitor again (they are notified again).")
class RecallTicketInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    user_id: strawberry.ID | None = strawberry.field(default=None, description=docs.ACTING_USER)
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.input(description="End a CALLED ticket's visit: SERVED.")
class MarkTicketServedInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    user_id: strawberry.ID | None = strawberry.field(default=None, description=docs.ACTING_USER)
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.input(description="End a CALLED ticket's visit: the visitor did not come (NOSHOW).")
class MarkTicketNoShowInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    user_id: strawberry.ID | None = strawberry.field(default=None, description=docs.ACTING_USER)
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


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
    async def call_ticket(
        self, info: Info, input: Annotated[CallTicketInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
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
    async def call_next_ticket(
        self, info: Info, input: Annotated[CallNextTicketInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
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
    async def recall_ticket(
        self, info: Info, input: Annotated[RecallTicketInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
        return await _simple(info, queue_desk.recall_ticket, input)

    @strawberry.mutation(permission_classes=AGENT, description="CALLED -> NEW, first or last.")
    async def return_ticket_to_queue(
        self, info: Info, input: Annotated[ReturnTicketToQueueInput, docs.INPUT_ARGUMENT]
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
    async def mark_ticket_served(
        self, info: Info, input: Annotated[MarkTicketServedInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
        return await _simple(info, queue_desk.mark_ticket_served, input)

    @strawberry.mutation(permission_classes=AGENT, description="CALLED -> NOSHOW.")
    async def mark_ticket_no_show(
        self, info: Info, input: Annotated[MarkTicketNoShowInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
        return await _simple(info, queue_desk.mark_ticket_no_show, input)
