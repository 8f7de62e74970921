"""Which events a reader wants. Shared by Query.ticketEvents and both subscriptions."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.enums import TicketKind, TicketState


@dataclass(frozen=True)
class EventFilter:
    """Empty tuples mean "any". Line, team and assignee match the ticket as it is now."""

    kinds: tuple[TicketKind, ...] = ()
    ticket_ids: tuple[int, ...] = ()
    line_ids: tuple[int, ...] = ()
    team_ids: tuple[int, ...] = ()
    assignee_ids: tuple[int, ...] = ()
    # Matches an event whose state after the change is one of these.
    states: tuple[TicketState, ...] = ()
    types: tuple[str, ...] = ()
    # Only events that change the unified state or the raw status (ticketStatusChanged).
    status_changes_only: bool = False

    @property
    def needs_ticket(self) -> bool:
        return bool(self.kinds or self.line_ids or self.team_ids or self.assignee_ids)
