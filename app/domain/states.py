"""The unified state each raw status maps to. Which status an action may start from and end in
is declared with the action (app.tickets.lifecycle, docs/LIFECYCLES.md)."""

from __future__ import annotations

from collections.abc import Iterable

from app.domain.enums import HelpdeskStatus, QueueStatus, TicketKind, TicketState

_QUEUE_STATE = {
    QueueStatus.NEW: TicketState.OPEN,
    QueueStatus.CALLED: TicketState.IN_PROGRESS,
    QueueStatus.SERVED: TicketState.RESOLVED,
    QueueStatus.NOSHOW: TicketState.CANCELLED,
    QueueStatus.CANCELLED_BY_CLERK: TicketState.CANCELLED,
}

_HELPDESK_STATE = {
    HelpdeskStatus.OPEN: TicketState.OPEN,
    HelpdeskStatus.ONGOING: TicketState.IN_PROGRESS,
    HelpdeskStatus.SNOOZED: TicketState.PENDING,
    HelpdeskStatus.CLOSED: TicketState.RESOLVED,
}


def unified_state(
    kind: TicketKind | str, status: str, *, spam: bool = False, trashed: bool = False
) -> TicketState:
    """Map a raw status to the state both kinds share. Spam and trash flags win."""
    if kind == TicketKind.QUEUE:
        return _QUEUE_STATE[QueueStatus(status)]
    if spam or trashed:
        return TicketState.CANCELLED
    return _HELPDESK_STATE[HelpdeskStatus(status)]


def statuses_for_states(kind: TicketKind, states: Iterable[TicketState]) -> list[str]:
    """The raw statuses of one kind whose unified state is in `states` (flags aside)."""
    wanted = set(states)
    table = _QUEUE_STATE if kind == TicketKind.QUEUE else _HELPDESK_STATE
    return [status.value for status, state in table.items() if state in wanted]
