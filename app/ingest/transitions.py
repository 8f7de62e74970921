"""Which events a change of a vendor ticket implies. Pure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.domain.enums import EventType, HelpdeskStatus, QueueStatus, TicketKind


def status_event(
    kind: str, old: str, new: str, *, line_changed: bool = False, hint: str | None = None
) -> EventType | None:
    """The lifecycle event a status change implies (None: not a transition)."""
    if kind == TicketKind.QUEUE:
        if old == new:
            if line_changed:
                return EventType.MOVED
            if hint == "ticket_recalled" and new == QueueStatus.CALLED:
                return EventType.RECALLED
            return None
        return {
            QueueStatus.CALLED: EventType.CALLED,
            QueueStatus.SERVED: EventType.SERVED,
            QueueStatus.NOSHOW: EventType.NO_SHOW,
            QueueStatus.CANCELLED_BY_CLERK: EventType.CANCELLED,
            QueueStatus.NEW: EventType.MOVED if line_changed else EventType.RETURNED_TO_QUEUE,
        }[QueueStatus(new)]
    if old == new:
        return None
    if new == HelpdeskStatus.OPEN:
        return {
            HelpdeskStatus.CLOSED: EventType.REOPENED,
            HelpdeskStatus.SNOOZED: EventType.WOKEN,
        }.get(HelpdeskStatus(old), EventType.UPDATED)
    return {
        HelpdeskStatus.CLOSED: EventType.COMPLETED,
        HelpdeskStatus.SNOOZED: EventType.SNOOZED,
        HelpdeskStatus.ONGOING: EventType.TAKEN_OVER,
    }[HelpdeskStatus(new)]


def called_again(
    kind: str, status: str, called_at: datetime | None, target: dict[str, Any], hint: str | None
) -> bool:
    """A called queue ticket whose payload shows a later call (not a recall): it was returned
    to the queue in between, whether or not that payload reached us."""
    later = target.get("called_at")
    return (
        kind == TicketKind.QUEUE
        and status == QueueStatus.CALLED
        and target.get("status") == QueueStatus.CALLED
        and hint != "ticket_recalled"
        and called_at is not None
        and later is not None
        and later > called_at
    )


def flag_events(
    before: dict[str, Any], target: dict[str, Any]
) -> list[tuple[EventType, tuple[str, ...]]]:
    """Spam / trash flag changes: (event, columns it covers)."""
    spam_on = not before["spam"] and target["spam"]
    trash_on = before["trashed_at"] is None and target["trashed_at"] is not None
    cleared = (before["spam"] or before["trashed_at"] is not None) and not (
        target["spam"] or target["trashed_at"] is not None
    )
    events: list[tuple[EventType, tuple[str, ...]]] = []
    if spam_on:
        events.append((EventType.MARKED_SPAM, ("spam",)))
    if trash_on:
        events.append((EventType.TRASHED, ("trashed_at",)))
    if cleared:
        events.append((EventType.RESTORED, ("spam", "trashed_at")))
    return events


def rest_event(columns: dict[str, Any], children: dict[str, Any]) -> EventType:
    """The event for what is left once lifecycle, flags, assignee and team had theirs: a lone
    child-list change gets its specific type, anything more is UPDATED."""
    if columns or len(children) != 1:
        return EventType.UPDATED
    ((name, (old, new)),) = children.items()
    if name == "labels":
        if set(new) >= set(old):
            return EventType.LABEL_ADDED
        return EventType.LABEL_REMOVED if set(new) <= set(old) else EventType.UPDATED
    if name == "messages" and new > old:
        return EventType.MESSAGE_ADDED
    return EventType.EXTRA_SET if name == "extra" else EventType.UPDATED
