"""Query.ticketEvents: catch-up read of the event log, same ids and cursors as the subscription."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import argument as arg

from app.context import Info
from app.domain.cursors import decode_event_cursor
from app.domain.errors import DomainError
from app.domain.event_filter import EventFilter
from app.live.event_log import read_events
from schema import docs
from schema.enums import TicketEventType, TicketKind, TicketState
from schema.errors import check_page_size, from_domain
from schema.ids import TICKET, decode_pks
from schema.permissions import AUTHENTICATED
from schema.types.events import TicketEventConnection

DEFAULT_FIRST = 100


@strawberry.input(
    description="Which events. Line, team and assignee match the ticket as it is now."
)
class TicketEventFilter:
    kinds: list[TicketKind] | None = strawberry.field(
        default=None, description="Only events of tickets of these kinds; null for both."
    )
    ticket_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only events of these tickets (`Ticket.id`); null: every ticket."
    )
    line_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Only events of tickets now in one of these lines; null: no condition.",
    )
    team_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description=(
            "Only events of tickets now routed to one of these teams; null: no condition."
        ),
    )
    assignee_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description=(
            "Only events of tickets now assigned to one of these users; null: no condition."
        ),
    )
    states: list[TicketState] | None = strawberry.field(
        default=None, description="The state after the change."
    )
    types: list[TicketEventType] | None = strawberry.field(
        default=None, description="Only events of these types; null: every type."
    )

    def to_event_filter(self) -> EventFilter:
        """Shared with the subscriptions."""
        return EventFilter(
            kinds=tuple(self.kinds or ()),
            ticket_ids=decode_pks(self.ticket_ids, TICKET, "ticketIds"),
            line_ids=decode_pks(self.line_ids, "Line", "lineIds"),
            team_ids=decode_pks(self.team_ids, "Team", "teamIds"),
            assignee_ids=decode_pks(self.assignee_ids, "User", "assigneeIds"),
            states=tuple(self.states or ()),
            types=tuple(t.value for t in self.types or ()),
        )


@strawberry.type
class EventQueries:
    @strawberry.field(
        permission_classes=AUTHENTICATED,
        description="Events after the cursor `after` (from the start when null), in log order.",
    )
    async def ticket_events(
        self,
        info: Info,
        after: Annotated[
            str | None,
            arg("An event cursor (`TicketEvent.cursor`): events after it; null from the start."),
        ] = None,
        filter: Annotated[TicketEventFilter | None, arg("Which events; null for all.")] = None,
        first: Annotated[int | None, arg(docs.first(DEFAULT_FIRST))] = None,
    ) -> TicketEventConnection:
        check_page_size(first, "first")
        limit = first or DEFAULT_FIRST
        event_filter = (filter or TicketEventFilter()).to_event_filter()
        ctx = info.context
        try:
            after_seq = 0 if after is None else decode_event_cursor(after)
            rows = await read_events(
                ctx.db, ctx.workspace_id, after_seq=after_seq,
                event_filter=event_filter, limit=limit + 1,
            )  # fmt: skip
        except DomainError as error:
            raise from_domain(error) from None
        return TicketEventConnection(
            rows=rows[:limit], has_next=len(rows) > limit, resume_cursor=after
        )
