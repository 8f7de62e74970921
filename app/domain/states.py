"""The lifecycles: which status each action may start from, and the unified state."""

from __future__ import annotations

from collections.abc import Iterable

from app.domain.enums import HelpdeskStatus, QueueStatus, TicketKind, TicketState
from app.domain.errors import invalid_transition

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


# action -> statuses it may start from. The target status is decided by the service.
QUEUE_ACTIONS: dict[str, frozenset[QueueStatus]] = {
    "call": frozenset({QueueStatus.NEW}),
    "recall": frozenset({QueueStatus.CALLED}),
    "mark served": frozenset({QueueStatus.CALLED}),
    "mark no-show": frozenset({QueueStatus.CALLED}),
    "return to queue": frozenset({QueueStatus.CALLED}),
    "cancel": frozenset({QueueStatus.NEW}),
    "move": frozenset({QueueStatus.NEW, QueueStatus.CALLED}),
    "reorder": frozenset({QueueStatus.NEW}),
    "update": frozenset({QueueStatus.NEW, QueueStatus.CALLED}),
}

HELPDESK_ACTIONS: dict[str, frozenset[HelpdeskStatus]] = {
    "take over": frozenset({HelpdeskStatus.OPEN}),
    "complete": frozenset({HelpdeskStatus.OPEN, HelpdeskStatus.ONGOING, HelpdeskStatus.SNOOZED}),
    "reopen": frozenset({HelpdeskStatus.CLOSED}),
    "snooze": frozenset({HelpdeskStatus.OPEN, HelpdeskStatus.ONGOING}),
}


def check_queue_action(action: str, status: str) -> None:
    if QueueStatus(status) not in QUEUE_ACTIONS[action]:
        raise invalid_transition(action, status)


def check_helpdesk_action(action: str, status: str) -> None:
    if HelpdeskStatus(status) not in HELPDESK_ACTIONS[action]:
        raise invalid_transition(action, status)
