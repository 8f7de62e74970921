"""A walk-in visitor waiting in a line (Qminder)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import strawberry

from app.context import Info
from app.domain.enums import QueueStatus as DomainQueueStatus
from app.domain.enums import TicketKind as DomainTicketKind
from schema.enums import QueueStatus, TicketSource
from schema.executor import relations
from schema.executor.relations import relation_field
from schema.types.people import User
from schema.types.places import Line
from schema.types.queue_floor.stats import TimeRange, ticket_estimate
from schema.types.ticket import Ticket


@strawberry.type(description="A walk-in visitor's ticket in a queue line.")
class QueueTicket(Ticket):
    status: QueueStatus = strawberry.field(
        description="The queue status (Qminder's); `state` is derived from it."
    )
    public_id: str | None = strawberry.field(description='Shown to the visitor, e.g. "A-42".')
    number: int | None = strawberry.field(
        description=(
            "The ticket's number in its line; numbers restart at 1 each local"
            " day (the workspace's time zone). Null for vendor tickets that "
            "came without one."
        )
    )
    source: TicketSource | None = strawberry.field(
        description=(
            "How the ticket was created: OTHER when a vendor sent a source we have no value "
            "for (its text is in `rawSource`); null when no source came."
        )
    )
    raw_source: str | None = strawberry.field(
        description="The source as the vendor sent it (source is OTHER when we have no member "
        "for it, e.g. Qminder PRINTER)."
    )
    first_name: str | None = strawberry.field(
        description="The visitor's first name; null when not given."
    )
    last_name: str | None = strawberry.field(
        description="The visitor's last name; null when not given."
    )
    phone_number: str | None = strawberry.field(
        description="The visitor's phone number, for SMS calls; null when not given."
    )
    email: str | None = strawberry.field(
        description="The visitor's email address; null when not given."
    )
    language_code: str | None = strawberry.field(
        description=(
            'The visitor\'s language as a code ("en", "et"), for messages and '
            "screens; null when not given."
        )
    )
    called_at: datetime | None = strawberry.field(
        description="When the ticket was last called to a desk (UTC); null when never called."
    )
    desk: int | None = strawberry.field(
        description=(
            "The desk it was last called to; null when never called or the desk was not told."
        )
    )
    served_at: datetime | None = strawberry.field(
        description="When it was marked SERVED (UTC); null otherwise."
    )
    order_after: datetime | None = strawberry.field(
        description=(
            "Where it sorts in its line: the ticket waits as if it had "
            "arrived at this time (changed by reorderTicket and "
            "returnTicketToQueue); null for tickets not waiting."
        )
    )

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return obj.kind == DomainTicketKind.QUEUE

    @relation_field(
        relations.LINE, description="The line the visitor waits in (or was served from)."
    )
    def line(self, info: Info) -> Line:
        raise NotImplementedError  # a stub: relation_field resolves it

    @relation_field(
        relations.CALLED_BY,
        description="The clerk who last called the ticket; null when never called.",
    )
    def called_by(self, info: Info) -> User | None:
        raise NotImplementedError  # a stub: relation_field resolves it

    @relation_field(
        relations.ASSIGNER,
        description=(
            "The user who assigned the ticket to its assignee; null when "
            "unassigned or not recorded."
        ),
    )
    def assigner(self, info: Info) -> User | None:
        raise NotImplementedError  # a stub: relation_field resolves it

    @strawberry.field(description="1-based place among the waiting tickets of its line.")
    def position(self, info: Info) -> int | None:
        if self.status != DomainQueueStatus.NEW:
            return None
        return cast("int | None", info.context.loaders.queue_position.load(self.id))

    @strawberry.field(
        description=(
            "When a waiting ticket is expected to be called (UTC): from its position and its "
            "line's desk time per call over the last 2 hours and the desks that called in the "
            "last 30 minutes (see the README, Queue floor). A ticket further back never gets an "
            "earlier estimate. Null when not waiting, or while the line has fewer than 3 "
            "finished calls in those 2 hours."
        )
    )
    async def estimated_call_at(self, info: Info) -> datetime | None:
        found = await ticket_estimate(info, self)
        return found.call_at if found else None

    @strawberry.field(
        description=(
            "An 80% range around `estimatedCallAt` (never before now); null when it is null."
        )
    )
    async def estimated_call_range(self, info: Info) -> TimeRange | None:
        found = await ticket_estimate(info, self)
        return TimeRange(earliest=found.earliest, latest=found.latest) if found else None
