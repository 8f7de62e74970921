"""Where a Qminder payload stands in its ticket's life, read from the payload's own dates.

Qminder sends no event time and no delivery id, and retries: a `ticket_called` may arrive after
the `ticket_served` it preceded. Every date a payload carries happened before it was sent, so
the latest of them places the payload in time; the ingest service never lets a payload placed
earlier than the stored one move the ticket (see app/ingest/ordering.py).
"""

from __future__ import annotations

from datetime import datetime

from app.domain.enums import QueueStatus
from app.ingest.connectors.base import as_utc
from app.ingest.connectors.qminder.models import QminderTicket, VendorId


def latest_date(t: QminderTicket) -> datetime | None:
    """The latest lifecycle date of the payload: created, called, served, cancelled, and the
    interactions' and messages' dates (a return to the queue shows only in those)."""
    dates = [
        t.created.date if t.created else None,
        t.called.date if t.called else None,
        t.served.date if t.served else None,
        t.cancelled.date if t.cancelled else None,
    ]
    for i in t.interactions or ():
        dates += [i.start, i.end]
    for m in t.messages or ():
        dates.append(m.created.date)
    known = [as_utc(d) for d in dates if d is not None]
    return max(known) if known else None


def closed_at(status: QueueStatus, t: QminderTicket) -> datetime | None:
    if status == QueueStatus.SERVED and t.served:
        return as_utc(t.served.date)
    if status == QueueStatus.CANCELLED_BY_CLERK and t.cancelled:
        return as_utc(t.cancelled.date)
    return None


def actor_id(status: QueueStatus, t: QminderTicket) -> VendorId | None:
    """Who made the step the status shows: the canceller of a cancelled ticket, the caller of a
    called one (Qminder names nobody for the other steps)."""
    if status == QueueStatus.CANCELLED_BY_CLERK and t.cancelled:
        return t.cancelled.canceller
    if status == QueueStatus.CALLED and t.called:
        return t.called.caller
    return None
