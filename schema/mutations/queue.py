"""Queue tickets waiting in a line: createQueueTicket, updateTicket, moveTicket, cancelTicket,
reorderTicket (app.tickets.queue)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.context import Info
from app.tickets import queue
from app.tickets.extras import ExtraValue
from schema import docs
from schema.enums import QueuePosition, TicketSource
from schema.mutations.runner import pk, required_pk, ticket_mutation, ticket_pk
from schema.permissions import AGENT
from schema.types.payloads import TicketPayload


@strawberry.input(description="An extra field to set on a new ticket.")
class ExtraFieldInput:
    title: str = strawberry.field(description='The field\'s name, e.g. "Order number".')
    value: str | None = strawberry.field(
        default=None, description="Its value as text; null for none."
    )
    url: str | None = strawberry.field(
        default=None, description="A link to open for it; null for none."
    )


@strawberry.input(
    description="A visitor arriving: a NEW ticket, last in its line, numbered for the day."
)
class CreateQueueTicketInput:
    line_id: strawberry.ID = strawberry.field(description=docs.LINE_ID)
    first_name: str | None = strawberry.field(
        default=None, description="The visitor's first name; the ticket's title when given."
    )
    last_name: str | None = strawberry.field(default=None, description="The visitor's last name.")
    phone_number: str | None = strawberry.field(
        default=None,
        description="The visitor's phone number, for SMS calls; at most 64 characters.",
    )
    email: str | None = strawberry.field(default=None, description="The visitor's email address.")
    source: TicketSource = strawberry.field(
        default=TicketSource.MANUAL, description="How the visitor signed in; MANUAL by default."
    )
    language_code: str | None = strawberry.field(
        default=None, description='The visitor\'s language as a code ("en", "et").'
    )
    labels: list[str] = strawberry.field(
        default_factory=list,
        description="Labels to put on the ticket, by name (made on first use); none by default.",
    )
    extra: list[ExtraFieldInput] = strawberry.field(
        default_factory=list, description="Extra fields to set on the ticket; none by default."
    )


@strawberry.input(description="Visitor details: a field left out stays, an empty string clears.")
class UpdateTicketInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    first_name: str | None = strawberry.field(
        default=None, description='New first name; null keeps it, "" clears it.'
    )
    last_name: str | None = strawberry.field(
        default=None, description='New last name; null keeps it, "" clears it.'
    )
    phone_number: str | None = strawberry.field(
        default=None, description='New phone number; null keeps it, "" clears it.'
    )
    email: str | None = strawberry.field(
        default=None, description='New email address; null keeps it, "" clears it.'
    )
    language_code: str | None = strawberry.field(
        default=None, description='New language code; null keeps it, "" clears it.'
    )
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.input(description="Send a NEW or CALLED ticket to another line, where it waits last.")
class MoveTicketInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    line_id: strawberry.ID = strawberry.field(description="The line to move it to (`Line.id`).")
    user_id: strawberry.ID | None = strawberry.field(default=None, description=docs.ACTING_USER)
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.input(description="Take a NEW ticket out of its line (CANCELLED_BY_CLERK).")
class CancelTicketInput:
    id: strawberry.ID = strawberry.field(description=docs.TICKET_ID)
    user_id: strawberry.ID | None = strawberry.field(default=None, description=docs.ACTING_USER)
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.input(description="Give either afterId (a waiting ticket of the line) or position.")
class ReorderTicketInput:
    id: strawberry.ID = strawberry.field(
        description="The NEW ticket to move: its global ID (`Ticket.id`)."
    )
    after_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Put it right behind this waiting ticket of the same line (`Ticket.id`).",
    )
    position: QueuePosition | None = strawberry.field(
        default=None, description="Or put it FIRST or LAST in its line."
    )
    expected_version: int | None = strawberry.field(default=None, description=docs.EXPECTED_VERSION)


@strawberry.type
class QueueMutations:
    @strawberry.mutation(permission_classes=AGENT, description="A NEW ticket, last in its line.")
    async def create_queue_ticket(
        self, info: Info, input: Annotated[CreateQueueTicketInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
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
    async def update_ticket(
        self, info: Info, input: Annotated[UpdateTicketInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
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
    async def move_ticket(
        self, info: Info, input: Annotated[MoveTicketInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
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
    async def cancel_ticket(
        self, info: Info, input: Annotated[CancelTicketInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
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
    async def reorder_ticket(
        self, info: Info, input: Annotated[ReorderTicketInput, docs.INPUT_ARGUMENT]
    ) -> TicketPayload:
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
