"""GraphQL enums mirroring app.domain.enums (same member names and values).

Mirrors, not the domain classes themselves, so the domain carries no GraphQL registration.
They are StrEnums with the same values, so members compare equal to the stored strings both
ways: a column value "NEW" serializes as QueueStatus.NEW, and an input member goes to SQL as is.
Each value's description is what GraphiQL's docs and generated clients show.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import strawberry
from strawberry.types.enum import has_enum_definition

from app.domain import enums as domain


def str_enum(name: str, members: Mapping[str, str]) -> type[StrEnum]:
    """A StrEnum whose members are known at run time only."""
    return StrEnum(name, dict(members))  # type: ignore[return-value]  # mypy: an instance, not a class


def _mirror(source: type[StrEnum], name: str, description: str, values: Mapping[str, str]) -> Any:
    mirrored = strawberry.enum(
        str_enum(name, {member.name: member.value for member in source}), description=description
    )
    # strawberry.enum's return type does not show the definition it attaches.
    assert has_enum_definition(mirrored)
    for value in mirrored.__strawberry_definition__.values:
        value.description = values.get(value.name)
    return mirrored


TicketKind = _mirror(
    domain.TicketKind,
    "TicketKind",
    "Queue (walk-in) or helpdesk ticket: which of QueueTicket and HelpdeskTicket it is.",
    {
        "QUEUE": "A visitor waiting in a line to be called to a desk (QueueTicket).",
        "HELPDESK": "A support conversation with a customer (HelpdeskTicket).",
    },
)
TicketState = _mirror(
    domain.TicketState,
    "TicketState",
    "The state shared by both kinds of ticket, derived from each kind's own status: one "
    "filter or board column covers queue and helpdesk tickets alike.",
    {
        "OPEN": "Waiting for someone: a NEW queue ticket, an OPEN helpdesk ticket.",
        "IN_PROGRESS": "Someone is on it: a CALLED queue ticket, an ONGOING helpdesk ticket.",
        "PENDING": "Paused until a time: a SNOOZED helpdesk ticket.",
        "RESOLVED": "Done: a SERVED queue ticket, a CLOSED helpdesk ticket.",
        "CANCELLED": "Dropped: NOSHOW or CANCELLED_BY_CLERK, or a helpdesk ticket marked spam "
        "or trashed (whatever its status).",
    },
)
QueueStatus = _mirror(
    domain.QueueStatus,
    "QueueStatus",
    "Status of a queue ticket, as Qminder names it.",
    {
        "NEW": "Waiting in its line (state OPEN).",
        "CALLED": "Called to a desk and being served (state IN_PROGRESS).",
        "SERVED": "The visit ended with service (state RESOLVED).",
        "NOSHOW": "Called, but the visitor did not come (state CANCELLED).",
        "CANCELLED_BY_CLERK": "Taken out of the line before being called (state CANCELLED).",
    },
)
HelpdeskStatus = _mirror(
    domain.HelpdeskStatus,
    "HelpdeskStatus",
    "Status of a helpdesk ticket (Gorgias, Zaia).",
    {
        "OPEN": "Waiting for an agent (state OPEN).",
        "ONGOING": "An agent has taken it over (state IN_PROGRESS).",
        "SNOOZED": "Set aside until snoozeUntil, then OPEN again (state PENDING).",
        "CLOSED": "Completed; reopenTicket makes it OPEN again (state RESOLVED).",
    },
)
TicketSource = _mirror(
    domain.TicketSource,
    "TicketSource",
    "How a queue ticket was created.",
    {
        "PHONE": "By phone, before the visit.",
        "MANUAL": "By a clerk at the front desk (the default of createQueueTicket).",
        "NAME": "The visitor entered a name at a kiosk.",
        "MICROSITE": "The visitor signed in on a web page (QR code, link).",
        "API": "By another system through the API.",
        "IMPORT": "By `ticketgw import` or a vendor webhook.",
        "OTHER": "A vendor's source we have no value for; `QueueTicket.rawSource` has its text.",
    },
)
Circumstance = _mirror(
    domain.Circumstance,
    "Circumstance",
    "Why a human took a chat over from an AI responder (Zaia).",
    {
        "TAKEOVER": "An agent took the chat over by choice: the ticket starts ONGOING.",
        "HANDOVER": "The AI handed the chat to a human: the ticket starts OPEN.",
    },
)
MessageDirection = _mirror(
    domain.MessageDirection,
    "MessageDirection",
    "Who wrote a message, seen from the workspace.",
    {
        "INCOMING": "From the customer or visitor.",
        "OUTGOING": "From staff (an agent, or the system on their behalf).",
    },
)
OriginSystem = _mirror(
    domain.OriginSystem,
    "OriginSystem",
    "Where a ticket came from: created here, or received from a vendor.",
    {
        "TICKETGW": "Created through this API (a mutation).",
        "QMINDER": "Received from Qminder (webhook or import).",
        "GORGIAS": "Received from Gorgias (webhook or import).",
        "ZAIA": "Received from Zaia (webhook or import).",
    },
)
Role = _mirror(
    domain.Role,
    "Role",
    "What an API key may do; each of READ, AGENT, ADMIN may do everything the ones before it "
    "may. DISPLAY stands apart.",
    {
        "READ": "Read tickets, people and events; subscribe.",
        "AGENT": "Also run the ticket mutations and read raw vendor payloads.",
        "ADMIN": "Also create lines, users and teams, and manage API keys.",
        "DISPLAY": (
            "A TV board's key: reads only queueBoard and subscribes only to "
            "queueBoardChanged, for the key's lines; everything else is FORBIDDEN."
        ),
    },
)
TicketEventType = _mirror(
    domain.EventType,
    "TicketEventType",
    "What happened to a ticket; each mutation (or vendor change) writes one event.",
    {
        "CREATED": "The ticket was created.",
        "UPDATED": "Its details changed (updateTicket, or a vendor update).",
        "MOVED": "Moved to another line (queue).",
        "CALLED": "Called to a desk (queue).",
        "RECALLED": "Called again while CALLED: the visitor is notified again (queue).",
        "RETURNED_TO_QUEUE": "Sent back to its line from CALLED (queue).",
        "SERVED": "Served at the desk (queue).",
        "NO_SHOW": "The called visitor did not come (queue).",
        "CANCELLED": "Taken out of its line by a clerk (queue).",
        "REORDERED": "Its place in the line changed (queue).",
        "ASSIGNED": "Assigned to a user.",
        "UNASSIGNED": "Its assignee was taken away.",
        "TAKEN_OVER": "An agent took it over: OPEN to ONGOING (helpdesk).",
        "COMPLETED": "Closed (helpdesk).",
        "REOPENED": "Opened again after being closed (helpdesk).",
        "SNOOZED": "Set aside until a time (helpdesk).",
        "WOKEN": "Its snooze time passed: OPEN again (helpdesk).",
        "MARKED_SPAM": "Marked as spam: state CANCELLED while marked (helpdesk).",
        "TRASHED": "Moved to the trash: state CANCELLED while there (helpdesk).",
        "RESTORED": "Spam and trash flags cleared (helpdesk).",
        "TEAM_SET": "Routed to a team, or its team taken away.",
        "MARKED_READ": "An agent read it: unread became false (helpdesk).",
        "LABEL_ADDED": "A label was added.",
        "LABEL_REMOVED": "A label was removed.",
        "EXTRA_SET": "An extra field was set.",
        "MESSAGE_ADDED": "A message was added.",
        "IMPORTED": "Arrived from a vendor in a state this log had not seen it reach.",
        "SLA_WARNING": "An SLA timer is about to run out (the policy's warnBeforeSeconds "
        'ahead); `changes.sla` says which: {"metric", "policyId", "cycle", "dueAt"}. Once '
        "per timer and cycle.",
        "SLA_BREACHED": "An SLA timer ran out; `changes.sla` as for SLA_WARNING. Once per "
        "timer and cycle.",
        "SNAPSHOT": "Not stored: the current state of a ticket, sent first by "
        "ticketStatusChanged(initial: true).",
    },
)
QueuePosition = _mirror(
    domain.QueuePosition,
    "QueuePosition",
    "First or last in a line.",
    {
        "FIRST": "At the front: called next.",
        "LAST": "At the back: behind everyone waiting now.",
    },
)
SlaMetric = _mirror(
    domain.SlaMetric,
    "SlaMetric",
    "What an SLA timer measures.",
    {
        "FIRST_RESPONSE": "From creation to the first public outgoing message (helpdesk); a "
        "ticket resolved before any reply stops it at the resolution.",
        "RESOLUTION": "From creation (or a reopen) to resolved: CLOSED or SERVED.",
        "WAIT": "From creation to the call: how long a visitor waits in line (queue).",
    },
)
SlaStatus = _mirror(
    domain.SlaStatus,
    "SlaStatus",
    "Where an SLA timer stands.",
    {
        "RUNNING": "Counting business time, not yet due.",
        "PAUSED": "Stopped for now (a snoozed ticket, or awaiting the customer if the policy "
        "says); no dueAt until it runs again.",
        "MET": "Stopped before its due time.",
        "BREACHED": "Ran past its due time (still running, paused or stopped).",
        "CANCELLED": "The ticket ended without the goal (cancelled, no-show, spam, trash): "
        "counts neither way.",
    },
)
