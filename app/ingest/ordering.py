"""Whether a vendor payload moves a stored ticket at all. Pure.

A payload is placed by the vendor's update time (Qminder: its latest lifecycle date) and, at
the same time, by how far along its status is: a queue ticket goes NEW -> CALLED -> an end
(served, no-show, cancelled), so a `ticket_called` sent after the `ticket_no_show` of the same
call is the older one. A payload placed earlier than the stored one is stale. At the same
place, a payload whose digest was already applied is a repeat (a retry, or a re-import of the
same log). Either way nothing changes and no event is written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from app.domain.enums import QueueStatus, TicketKind
from app.domain.records import TicketRecord

# How many digests a ticket keeps for its current place (a ticket changed many times within
# one lifecycle second keeps the latest ones).
MAX_DIGESTS = 16

_QUEUE_RANK = {
    QueueStatus.NEW: 0,
    QueueStatus.CALLED: 1,
    QueueStatus.SERVED: 2,
    QueueStatus.NOSHOW: 2,
    QueueStatus.CANCELLED_BY_CLERK: 2,
}


class StoredTicket(Protocol):
    """What the decision reads of a stored ticket (a Ticket, or a row of those columns)."""

    kind: str
    status: str
    vendor_updated_at: datetime | None
    vendor_digests: Any


def lifecycle_rank(kind: str, status: str) -> int:
    """How far along a status is; helpdesk statuses go back and forth, so they all rank 0."""
    if kind == TicketKind.QUEUE:
        return _QUEUE_RANK.get(QueueStatus(status), 0)
    return 0


def _place(kind: str, status: str, at: datetime | None) -> tuple[datetime, int] | None:
    return None if at is None else (at, lifecycle_rank(kind, status))


def is_stale(stored: StoredTicket, record: TicketRecord) -> bool:
    """The payload is placed before the stored one (neither without a time is comparable)."""
    old = _place(stored.kind, stored.status, stored.vendor_updated_at)
    new = _place(record.kind.value, record.status, record.vendor_updated_at)
    return old is not None and new is not None and new < old


def same_place(stored: StoredTicket, record: TicketRecord) -> bool:
    old = _place(stored.kind, stored.status, stored.vendor_updated_at)
    return old == _place(record.kind.value, record.status, record.vendor_updated_at)


def is_repeat(stored: StoredTicket, record: TicketRecord) -> bool:
    """This very payload was applied before, and nothing newer since."""
    digests = stored.vendor_digests or ()
    return record.digest is not None and record.digest in digests and same_place(stored, record)


def skips(stored: StoredTicket, record: TicketRecord, *, distinct: bool = False) -> bool:
    """Nothing to do for `record`. `distinct`: the sender named it a new delivery (its own
    delivery id), so an identical body is still news (a second recall)."""
    return is_stale(stored, record) or (not distinct and is_repeat(stored, record))


def digests_after(stored: StoredTicket | None, record: TicketRecord) -> list[str] | None:
    """The digests the ticket keeps once `record` is applied: one more at the same place, a
    fresh list at a later one."""
    if record.digest is None:
        return None
    if stored is None or not same_place(stored, record):
        return [record.digest]
    kept = [d for d in stored.vendor_digests or () if d != record.digest]
    return [*kept, record.digest][-MAX_DIGESTS:]
