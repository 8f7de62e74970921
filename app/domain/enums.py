"""The vocabulary shared by every layer. Values are the strings stored in the database."""

from __future__ import annotations

from enum import StrEnum


class TicketKind(StrEnum):
    QUEUE = "QUEUE"
    HELPDESK = "HELPDESK"


class TicketState(StrEnum):
    """The unified state that lets one filter cover both kinds of ticket."""

    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    PENDING = "PENDING"
    RESOLVED = "RESOLVED"
    CANCELLED = "CANCELLED"


class QueueStatus(StrEnum):
    NEW = "NEW"
    CALLED = "CALLED"
    SERVED = "SERVED"
    NOSHOW = "NOSHOW"
    CANCELLED_BY_CLERK = "CANCELLED_BY_CLERK"


class HelpdeskStatus(StrEnum):
    OPEN = "OPEN"
    ONGOING = "ONGOING"
    SNOOZED = "SNOOZED"
    CLOSED = "CLOSED"


class TicketSource(StrEnum):
    PHONE = "PHONE"
    MANUAL = "MANUAL"
    NAME = "NAME"
    MICROSITE = "MICROSITE"
    API = "API"
    IMPORT = "IMPORT"
    # A vendor's source we have no member for; QueueTicket.rawSource has it as sent.
    OTHER = "OTHER"


class Circumstance(StrEnum):
    TAKEOVER = "TAKEOVER"
    HANDOVER = "HANDOVER"


class MessageDirection(StrEnum):
    INCOMING = "INCOMING"
    OUTGOING = "OUTGOING"


class QueuePosition(StrEnum):
    FIRST = "FIRST"
    LAST = "LAST"


class Role(StrEnum):
    READ = "READ"
    AGENT = "AGENT"
    ADMIN = "ADMIN"
    # A TV board's key: reads only the queue board of its lines (app/floor), nothing else.
    DISPLAY = "DISPLAY"

    def allows(self, needed: Role) -> bool:
        if Role.DISPLAY in (self, needed):
            return self is needed  # outside the ladder: no other role is implied by it
        order = [Role.READ, Role.AGENT, Role.ADMIN]
        return order.index(self) >= order.index(needed)


class OriginSystem(StrEnum):
    """Where a ticket came from: created here, or received from a vendor."""

    TICKETGW = "TICKETGW"
    QMINDER = "QMINDER"
    GORGIAS = "GORGIAS"
    ZAIA = "ZAIA"


class EventType(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    MOVED = "MOVED"
    CALLED = "CALLED"
    RECALLED = "RECALLED"
    RETURNED_TO_QUEUE = "RETURNED_TO_QUEUE"
    SERVED = "SERVED"
    NO_SHOW = "NO_SHOW"
    CANCELLED = "CANCELLED"
    REORDERED = "REORDERED"
    ASSIGNED = "ASSIGNED"
    UNASSIGNED = "UNASSIGNED"
    TAKEN_OVER = "TAKEN_OVER"
    COMPLETED = "COMPLETED"
    REOPENED = "REOPENED"
    SNOOZED = "SNOOZED"
    WOKEN = "WOKEN"
    MARKED_SPAM = "MARKED_SPAM"
    TRASHED = "TRASHED"
    RESTORED = "RESTORED"
    TEAM_SET = "TEAM_SET"
    MARKED_READ = "MARKED_READ"
    LABEL_ADDED = "LABEL_ADDED"
    LABEL_REMOVED = "LABEL_REMOVED"
    EXTRA_SET = "EXTRA_SET"
    MESSAGE_ADDED = "MESSAGE_ADDED"
    IMPORTED = "IMPORTED"
    # An SLA timer is about to run out (warnBeforeSeconds ahead) / has run out (app/sla).
    SLA_WARNING = "SLA_WARNING"
    SLA_BREACHED = "SLA_BREACHED"
    # Never stored: ticketStatusChanged(initial: true) sends one per current ticket first.
    SNAPSHOT = "SNAPSHOT"


class SlaMetric(StrEnum):
    FIRST_RESPONSE = "FIRST_RESPONSE"
    RESOLUTION = "RESOLUTION"
    WAIT = "WAIT"


class SlaStatus(StrEnum):
    RUNNING = "RUNNING"
    PAUSED = "PAUSED"
    MET = "MET"
    BREACHED = "BREACHED"
    # The ticket ended without being answered or resolved (cancelled, no-show, spam, trash).
    CANCELLED = "CANCELLED"
