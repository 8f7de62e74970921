"""Inputs of Query.tickets and their translation to app.loaders.ticket_list."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from app.loaders.ticket_list import TicketOrdering, TicketQuery
from schema.enums import HelpdeskStatus, OriginSystem, QueueStatus, TicketKind, TicketState
from schema.ids import decode_pks


@strawberry.input(description="Which tickets. Lists match any of their values; all given apply.")
class TicketFilter:
    kinds: list[TicketKind] | None = None
    states: list[TicketState] | None = None
    queue_statuses: list[QueueStatus] | None = None
    helpdesk_statuses: list[HelpdeskStatus] | None = None
    line_ids: list[strawberry.ID] | None = None
    assignee_ids: list[strawberry.ID] | None = None
    team_ids: list[strawberry.ID] | None = None
    label_names: list[str] | None = None
    origins: list[OriginSystem] | None = None
    search: str | None = strawberry.field(
        default=None,
        description=(
            "Tickets containing this text (3 to 200 characters; case-insensitive, accents "
            "count) in their title, names, subject, summary, public id, email, a message "
            "body, or their contact's name or email. Newest first like any list; no ranking."
        ),
    )
    created_after: datetime | None = strawberry.field(
        default=None, description="Created at or after this time."
    )
    created_before: datetime | None = strawberry.field(
        default=None, description="Created strictly before this time."
    )
    include_removed: bool = strawberry.field(
        default=False, description="Include spam and trashed tickets."
    )

    def to_query(self) -> TicketQuery:
        return TicketQuery(
            kinds=_values(self.kinds),
            states=_values(self.states),
            queue_statuses=_values(self.queue_statuses),
            helpdesk_statuses=_values(self.helpdesk_statuses),
            line_ids=decode_pks(self.line_ids, "Line", "lineIds"),
            assignee_ids=decode_pks(self.assignee_ids, "User", "assigneeIds"),
            team_ids=decode_pks(self.team_ids, "Team", "teamIds"),
            label_names=tuple(self.label_names or ()),
            origins=_values(self.origins),
            search=self.search,
            created_after=self.created_after,
            created_before=self.created_before,
            include_removed=self.include_removed,
        )


def _values(members: list[Enum] | None) -> tuple[str, ...]:
    return tuple(member.value for member in members or ())


@strawberry.enum
class TicketOrderField(Enum):
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.enum
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input(description="Sort order; ties are broken by id, so pages are stable.")
class TicketOrder:
    field: TicketOrderField = TicketOrderField.CREATED_AT
    direction: OrderDirection = OrderDirection.DESC

    def to_ordering(self) -> TicketOrdering:
        return TicketOrdering(self.field.value, self.direction == OrderDirection.DESC)
