"""Queue tickets waiting in a line: createQueueTicket, updateTicket, moveTicket, cancelTicket,
reorderTicket (app.services.queue)."""

from __future__ import annotations

import strawberry

from app.context import Info
from app.services import queue
from app.services.extras import ExtraValue
from schema.enums import QueuePosition, TicketSource
from schema.mutations.runner import pk, required_pk, ticket_mutation, ticket_pk
from schema.permissions import AGENT
from schema.types.payloads import TicketPayload


@strawberry.input(description="An extra field to set on a new ticket.")
class ExtraFieldInput:
    title: str
    value: str | None = None
    url: str | None = None


@strawberry.input
class CreateQueueTicketInput:
    line_id: strawberry.ID
    first_name: str | None = None
    last_name: str | None = None
    phone_number: str | None = None
    email: str | None = None
    source: TicketSource = TicketSource.MANUAL  # type: ignore[attr-defined]
    language_code: str | None = None
    labels: list[str] = strawberry.field(default_factory=list)
    extra: list[ExtraFieldInput] = strawberry.field(default_factory=list)


@strawberry.input(description="Visitor details: a field left out stays, an empty string clears.")
class UpdateTicketInput:
    id: strawberry.ID
    first_name: str | None = None
    last_name: str | None = None
    phone_number: str | None = None
    email: str | None = None
    language_code: str | None = None
    expected_version: int | None = None


@strawberry.input
class MoveTicketInput:
    id: strawberry.ID
    line_id: strawberry.ID
    user_id: strawberry.ID | None = None
    expected_version: int | None = None


@strawberry.input
class CancelTicketInput:
    id: strawberry.ID
    user_id: strawberry.ID | None = None
    expected_version: int | None = None


@strawberry.input(description="Give either afterId (a waiting ticket of the line) or position.")
class ReorderTicketInput:
    id: strawberry.ID
    after_id: strawberry.ID | None = None
    position: QueuePosition | None = None
    expected_version: int | None = None


@strawberry.type
class QueueMutations:
    @strawberry.mutation(permission_classes=AGENT, description="A NEW ticket, last in its line.")
    async def create_queue_ticket(self, info: Info, input: CreateQueueTicketInput) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: queue.create_queue_ticket(
                env,
                me,
                line_id=required_pk(input.line_id, "Line", "lineId"),
                first_name=input.first_name,
                last_name=input.last_name,
                phone_number=input.phone_number,
                email=input.email,
                source=input.source,
                language_code=input.language_code,
                labels=input.labels,
                extra=[ExtraValue(e.title, e.value, e.url) for e in input.extra],
            ),
        )

    @strawberry.mutation(permission_classes=AGENT, description="Edit a waiting visitor.")
    async def update_ticket(self, info: Info, input: UpdateTicketInput) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: queue.update_ticket(
                env,
                me,
                ticket_pk(input.id),
                first_name=input.first_name,
                last_name=input.last_name,
                phone_number=input.phone_number,
                email=input.email,
                language_code=input.language_code,
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(
        permission_classes=AGENT, description="NEW or CALLED -> NEW, last in another line."
    )
    async def move_ticket(self, info: Info, input: MoveTicketInput) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: queue.move_ticket(
                env,
                me,
                ticket_pk(input.id),
                line_id=required_pk(input.line_id, "Line", "lineId"),
                user_id=pk(input.user_id, "User", "userId"),
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(permission_classes=AGENT, description="NEW -> CANCELLED_BY_CLERK.")
    async def cancel_ticket(self, info: Info, input: CancelTicketInput) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: queue.cancel_ticket(
                env,
                me,
                ticket_pk(input.id),
                user_id=pk(input.user_id, "User", "userId"),
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(permission_classes=AGENT, description="Move a NEW ticket in its line.")
    async def reorder_ticket(self, info: Info, input: ReorderTicketInput) -> TicketPayload:
        return await ticket_mutation(
            info,
            lambda env, me: queue.reorder_ticket(
                env,
                me,
                ticket_pk(input.id),
                after_id=pk(input.after_id, "Ticket", "afterId"),
                position=input.position,
                expected_version=input.expected_version,
            ),
        )
