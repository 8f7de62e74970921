"""Ticket events: the log behind history, Query.ticketEvents and the subscriptions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from app.context import Info
from app.domain.cursors import encode_event_cursor
from app.loaders import RowPage
from schema import docs
from schema.enums import TicketEventType, TicketState
from schema.types.node import Node, RowType, global_id
from schema.types.pagination import PageInfo
from schema.types.people import User

if TYPE_CHECKING:  # ticket.py imports this module (Ticket.history): the way back is lazy
    from schema.types.ticket import Ticket


@strawberry.type(description="Something that happened to a ticket.")
class TicketEvent(RowType, Node):
    type: TicketEventType = strawberry.field(description="What happened.")
    from_state: TicketState | None = strawberry.field(
        description=(
            "The ticket's state before the event (equal to `toState` when it did"
            " not change); null when the event created the ticket."
        )
    )
    to_state: TicketState | None = strawberry.field(
        description="The ticket's state after the event."
    )
    from_status: str | None = strawberry.field(
        description=(
            "The ticket's own status (QueueStatus or HelpdeskStatus value) "
            "before the event; null on creation."
        )
    )
    to_status: str | None = strawberry.field(
        description=(
            "The ticket's own status (QueueStatus or HelpdeskStatus value) after the event."
        )
    )
    at: datetime = strawberry.field(
        description="When it happened (UTC); for vendor changes, the vendor's time."
    )
    changes: JSON | None = strawberry.field(description="{field: [old, new]} of what changed.")

    if TYPE_CHECKING:  # columns of the row (the root) that resolvers read; not fields
        seq: int
        ticket_id: int
        actor_id: int | None

    id = global_id("TicketEvent")

    @strawberry.field(description="Pass it as `after` to read or subscribe from here on.")
    def cursor(self) -> str:
        return encode_event_cursor(self.seq)

    @strawberry.field(description="The ticket as it is now (not as it was at the event).")
    def ticket(
        self, info: Info
    ) -> Annotated[Ticket, strawberry.lazy("schema.types.ticket")]:  # ticket.py imports this
        return cast("Ticket", info.context.loaders.ticket.load(self.ticket_id))

    @strawberry.field(
        description=(
            "The user who did it; null for vendor changes and automatic ones (a snooze waking up)."
        )
    )
    def actor(self, info: Info) -> User | None:
        actor_id = self.actor_id
        return None if actor_id is None else cast("User", info.context.loaders.user.load(actor_id))


@strawberry.type(description="One event of a page, with its cursor.")
class TicketEventEdge:
    cursor: str = strawberry.field(description=docs.EDGE_CURSOR)
    node: TicketEvent = strawberry.field(description="The event.")


@strawberry.type(description="A page of events in log order.")
class TicketEventConnection:
    rows: strawberry.Private[Sequence[Any]]
    has_next: strawberry.Private[bool]
    # The cursor to continue from when the page is empty (the `after` the reader passed).
    resume_cursor: strawberry.Private[str | None] = None

    @classmethod
    def from_page(cls, page: RowPage) -> TicketEventConnection:
        return cls(rows=page.rows, has_next=page.has_next_page)

    @strawberry.field(description=docs.EDGES)
    def edges(self) -> list[TicketEventEdge]:
        return [TicketEventEdge(cursor=encode_event_cursor(r.seq), node=r) for r in self.rows]

    @strawberry.field(description="The events of this page, without cursors.")
    def nodes(self) -> list[TicketEvent]:
        return list(self.rows)

    @strawberry.field(description=docs.PAGE_INFO)
    def page_info(self) -> PageInfo:
        return PageInfo.of_rows(
            self.rows,
            lambda row: encode_event_cursor(row.seq),
            has_next=self.has_next,
            empty_end=self.resume_cursor,
        )
