"""Inputs of Query.tickets and their translation to app.loaders.tickets.page."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from app.loaders.tickets.page import TicketOrdering, TicketQuery
from schema.enums import HelpdeskStatus, OriginSystem, QueueStatus, TicketKind, TicketState
from schema.ids import decode_pks
from schema.types.sla import SlaStatus


@strawberry.input(description="Which tickets. Lists match any of their values; all given apply.")
class TicketFilter:
    kinds: list[TicketKind] | None = strawberry.field(
        default=None, description="Only these kinds; null for both."
    )
    states: list[TicketState] | None = strawberry.field(
        default=None, description="Only tickets in one of these states; null for every state."
    )
    queue_statuses: list[QueueStatus] | None = strawberry.field(
        default=None,
        description=(
            "Only queue tickets in one of these statuses (helpdesk tickets "
            "are left out); null: no condition."
        ),
    )
    helpdesk_statuses: list[HelpdeskStatus] | None = strawberry.field(
        default=None,
        description=(
            "Only helpdesk tickets in one of these statuses (queue tickets "
            "are left out); null: no condition."
        ),
    )
    line_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Only queue tickets in one of these lines (`Line.id`); null: no condition.",
    )
    assignee_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description=(
            "Only tickets assigned to one of these users (`User.id`); null: no condition."
        ),
    )
    team_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Only tickets routed to one of these teams (`Team.id`); null: no condition.",
    )
    label_names: list[str] | None = strawberry.field(
        default=None,
        description=(
            "Only tickets that carry at least one of these labels (by exact "
            "name); null: no condition."
        ),
    )
    origins: list[OriginSystem] | None = strawberry.field(
        default=None, description="Only tickets from one of these systems; null: no condition."
    )
    sla_statuses: list[SlaStatus] | None = strawberry.field(
        default=None,
        description=(
            "Only tickets with at least one SLA timer in one of these statuses (e.g. "
            "[RUNNING] with order SLA_DUE_AT ASC: breaching soonest first); null: no condition."
        ),
    )
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
            sla_statuses=_values(self.sla_statuses),
            search=self.search,
            created_after=self.created_after,
            created_before=self.created_before,
            include_removed=self.include_removed,
        )


def _values(members: list[Enum] | None) -> tuple[str, ...]:
    return tuple(member.value for member in members or ())


@strawberry.enum(description="What tickets are sorted by; ties are broken by id.")
class TicketOrderField(Enum):
    CREATED_AT = strawberry.enum_value("created_at", description="When the ticket was created.")
    UPDATED_AT = strawberry.enum_value("updated_at", description="When the ticket last changed.")
    SLA_DUE_AT = strawberry.enum_value(
        "sla_due_at",
        description=(
            "The earliest due time of the ticket's running SLA timers (past due ones first "
            "with ASC); tickets with no running timer come last with ASC."
        ),
    )


@strawberry.enum(description="Which way a sort goes.")
class OrderDirection(Enum):
    ASC = strawberry.enum_value("ASC", description="Oldest (smallest) first.")
    DESC = strawberry.enum_value("DESC", description="Newest (largest) first.")


@strawberry.input(description="Sort order; ties are broken by id, so pages are stable.")
class TicketOrder:
    field: TicketOrderField = strawberry.field(
        default=TicketOrderField.CREATED_AT, description="What to sort by; CREATED_AT by default."
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.DESC, description="Which way; DESC (newest first) by default."
    )

    def to_ordering(self) -> TicketOrdering:
        # The member's value is the string given to strawberry.enum_value (typed as the latter).
        return TicketOrdering(str(self.field.value), self.direction == OrderDirection.DESC)
