"""Queue tickets waiting in a line: createQueueTicket, written here; updateTicket, moveTicket,
cancelTicket, reorderTicket, made from their declarations in app.tickets.queue."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.context import Info
from app.tickets import queue
from app.tickets.extras import ExtraValue
from schema import docs
from schema.enums import TicketSource
from schema.mutations.actions import area_mutations
from schema.mutations.runner import required_pk, ticket_mutation
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


class _Written:
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


QueueMutations = area_mutations(
    "QueueMutations", ["queue"], _Written, after={"create_queue_ticket": None}
)
