"""Queue tickets at the desk: callNextTicket, written here; callTicket, recallTicket,
returnTicketToQueue, markTicketServed, markTicketNoShow, made from their declarations in
app.tickets.queue_desk."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.context import Info
from app.tickets import queue_desk
from app.tickets.lifecycle import DESK
from app.tickets.queue_desk import KEEP_PREVIOUS
from schema import docs
from schema.mutations.actions import area_mutations
from schema.mutations.runner import pk, pks, ticket_mutation
from schema.permissions import AGENT
from schema.types.payloads import TicketPayload


@strawberry.input(description="Call the first waiting ticket of these lines to a desk.")
class CallNextTicketInput:
    line_ids: list[strawberry.ID] = strawberry.field(
        description=(
            "The lines to call from, at least one (`Line.id`): the longest-"
            "waiting ticket of all of them is called."
        )
    )
    desk: int | None = strawberry.field(default=None, description=DESK)
    user_id: strawberry.ID | None = strawberry.field(default=None, description=docs.ACTING_USER)
    keep_previous: bool = strawberry.field(default=False, description=KEEP_PREVIOUS)


class _Written:
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


QueueDeskMutations = area_mutations(
    "QueueDeskMutations", ["queue_desk"], _Written, after={"call_next_ticket": "call_ticket"}
)
